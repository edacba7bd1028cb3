/**
 * The model picker's list: `GET /v1/models` for Anthropic and for the OpenAI-compatible
 * family (OpenAI, OpenRouter, Ollama, LM Studio, Groq, ...). The picker still accepts a
 * typed name, so a failed or odd listing only costs the suggestions.
 *
 * Anthropic: https://docs.claude.com/en/api/models-list — `{data: [{id, display_name,
 * created_at, type: "model"}], has_more, first_id, last_id}`, newest first, `limit` up to 1000.
 * OpenAI: https://platform.openai.com/docs/api-reference/models/list — `{object: "list",
 * data: [{id, object: "model", created, owned_by}]}`; OpenRouter adds `name`.
 *
 * The context window, where a listing reports it: `context_length` (OpenRouter, Together),
 * `context_window` (Groq), `max_context_length` (Mistral), `max_model_len` (vLLM),
 * `max_input_tokens` (Anthropic's newer listing; input only, which is what the budget needs
 * besides the room for the answer, so it is taken as the window).
 */
import { MAX_MODEL_ID_CHARS, MAX_MODEL_LIST_BYTES, MAX_MODELS } from '../shared/limits.ts';
import { fetchOk, readBoundedText } from './http.ts';
import type { HttpRequest, ModelInfo, StreamOptions } from './provider.ts';

export { MAX_MODEL_ID_CHARS, MAX_MODELS } from '../shared/limits.ts';
export type { ModelInfo } from './provider.ts';

/** Anthropic's API version header, for every Anthropic request. */
export const ANTHROPIC_VERSION = '2023-06-01';

export type ModelListKind = 'anthropic' | 'openai';

/**
 * The listing request. `baseUrl` is what the chat request uses: without `/v1` for
 * Anthropic (`https://api.anthropic.com`), with it for OpenAI-compatible servers
 * (`https://api.openai.com/v1`, `http://localhost:11434/v1`).
 */
export function modelsRequest(kind: ModelListKind, baseUrl: string, apiKey: string): HttpRequest {
  const base = baseUrl.replace(/\/+$/, '');
  const headers: Record<string, string> = { accept: 'application/json' };
  let url: string;
  if (kind === 'anthropic') {
    url = `${base}/v1/models?limit=1000`;
    headers['x-api-key'] = apiKey;
    headers['anthropic-version'] = ANTHROPIC_VERSION;
    headers['anthropic-dangerous-direct-browser-access'] = 'true';
  } else {
    url = `${base}/models`;
    if (apiKey) headers.authorization = `Bearer ${apiKey}`;
  }
  return { url, method: 'GET', headers };
}

/** The listing body was not JSON. */
export class ModelListInvalidError extends Error {
  constructor() {
    super('The model list is not valid JSON.');
    this.name = 'ModelListInvalidError';
  }
}

/** GET the listing and parse it; an error status throws HttpFailure, a body that is not JSON ModelListInvalidError. */
export async function fetchModelList(
  kind: ModelListKind,
  request: HttpRequest,
  options: Omit<StreamOptions, 'onRawEvent'>,
): Promise<ModelInfo[]> {
  const response = await fetchOk(request, options);
  const text = await readBoundedText(response, MAX_MODEL_LIST_BYTES);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ModelListInvalidError();
  }
  return parseModelList(kind, json);
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

const WINDOW_FIELDS = ['context_length', 'context_window', 'max_context_length', 'max_model_len', 'max_input_tokens'] as const;

/** The first plausible window field of an entry (a positive integer below a billion tokens). */
function listedWindow(entry: Record<string, unknown>): number | undefined {
  for (const field of WINDOW_FIELDS) {
    const value = entry[field];
    if (typeof value === 'number' && Number.isInteger(value) && value > 0 && value < 1e9) return value;
  }
  return undefined;
}

const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

/**
 * The models in a listing response, tolerant of junk (entries without a string id are
 * skipped, duplicates dropped). Anthropic: newest first (by `created_at`, as the API
 * lists them), labelled with `display_name`. OpenAI-compatible: sorted by id in natural
 * order (`gpt-4o` before `gpt-10`), labelled with `name` where the server gives one
 * (OpenRouter), otherwise the id. Ollama's native `/api/tags` shape (`models[].name`) is
 * accepted too.
 */
export function parseModelList(kind: ModelListKind, json: unknown): ModelInfo[] {
  if (json === null || typeof json !== 'object') return [];
  const root = json as Record<string, unknown>;
  const entries: unknown[] = Array.isArray(root.data) ? root.data : Array.isArray(root.models) ? root.models : [];
  const seen = new Set<string>();
  const out: (ModelInfo & { created: number; order: number })[] = [];
  for (const entry of entries) {
    if (out.length >= MAX_MODELS) break;
    if (entry === null || typeof entry !== 'object') continue;
    const e = entry as Record<string, unknown>;
    const id = nonEmpty(e.id) ? e.id : nonEmpty(e.model) ? e.model : nonEmpty(e.name) ? e.name : null;
    // An id too long to be a model name is junk (and a cut id would be a wrong one).
    if (id === null || id.length > MAX_MODEL_ID_CHARS || seen.has(id)) continue;
    seen.add(id);
    const fullLabel =
      kind === 'anthropic' ? (nonEmpty(e.display_name) ? e.display_name : id) : nonEmpty(e.name) && e.name !== id ? e.name : id;
    const label = fullLabel.length > MAX_MODEL_ID_CHARS ? `${fullLabel.slice(0, MAX_MODEL_ID_CHARS - 1)}…` : fullLabel;
    const created = typeof e.created_at === 'string' ? Date.parse(e.created_at) : NaN;
    const contextWindow = listedWindow(e);
    out.push({
      id,
      label,
      ...(contextWindow !== undefined ? { contextWindow } : {}),
      created: Number.isNaN(created) ? -Infinity : created,
      order: out.length,
    });
  }
  if (kind === 'anthropic') out.sort((a, b) => b.created - a.created || a.order - b.order);
  else out.sort((a, b) => collator.compare(a.id, b.id) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return out.map(({ created: _created, order: _order, ...model }) => model);
}
