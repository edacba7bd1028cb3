/**
 * Finding a model server on this machine or the LAN: what answers at an address, which
 * kind of server it is, its models, and each model's context window where the server
 * reports one. Pure apart from the injected fetch (the background supplies the real one).
 *
 * - Ollama: `GET /api/tags` `{models: [{name, model, details}]}`; the window is in
 *   `POST /api/show {model}` → `model_info["<arch>.context_length"]`.
 * - LM Studio: `GET /api/v0/models` `{data: [{id, max_context_length}]}`.
 * - llama.cpp: `GET /props` `{default_generation_settings: {n_ctx}}` (one model a server).
 * - vLLM and other OpenAI-compatible servers: `GET /v1/models` (vLLM adds `max_model_len`).
 */
import type { LocalServerKind } from '../shared/local-addresses.ts';
import { fetchOk, HttpFailure, readBoundedText } from './http.ts';
import { parseModelList } from './models.ts';
import type { ModelInfo } from './provider.ts';

export {
  isLocalAddress,
  localOrigin,
  settingsForServer,
  USUAL_LOCAL_ADDRESSES,
  type LocalServerKind,
} from '../shared/local-addresses.ts';

export interface LocalServer {
  /** Where it answered, e.g. `http://127.0.0.1:11434`. */
  origin: string;
  kind: LocalServerKind;
  models: ModelInfo[];
}

/** Each probe request's own limit: a server on this machine or the LAN answers well within it. */
export const PROBE_TIMEOUT_MS = 1_500;
/** Ollama is asked for at most this many models' windows (one request each). */
const MAX_SHOWN_MODELS = 24;
const MAX_PROBE_BYTES = 1 << 20;

export interface ProbeDeps {
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** Sent as a Bearer token, for a server started with a key (vLLM `--api-key`, LM Studio's auth). */
  apiKey?: string;
}

/** A response status that is not 2xx, kept so the caller can say "origin check" for a 403. */
export class ProbeRefused extends Error {
  readonly status: number;
  constructor(status: number) {
    super(`HTTP ${status}`);
    this.name = 'ProbeRefused';
    this.status = status;
  }
}

async function getJson(url: string, deps: ProbeDeps, init: { method?: string; body?: string } = {}): Promise<unknown> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (deps.apiKey) headers.authorization = `Bearer ${deps.apiKey}`;
  const response = await fetchOk(
    { url, method: init.method ?? 'GET', headers, ...(init.body !== undefined ? { body: init.body } : {}) },
    { signal: AbortSignal.timeout(deps.timeoutMs ?? PROBE_TIMEOUT_MS), ...(deps.fetch ? { fetch: deps.fetch } : {}) },
  );
  return JSON.parse(await readBoundedText(response, MAX_PROBE_BYTES)) as unknown;
}

/** The same, but a missing route, a refusal or junk is just "no answer" (null). */
async function tryJson(url: string, deps: ProbeDeps, init?: { method?: string; body?: string }): Promise<unknown> {
  try {
    return await getJson(url, deps, init);
  } catch {
    return null;
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const plausibleWindow = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value > 0 && value < 1e9;

/** `model_info["<arch>.context_length"]` of an `/api/show` answer. */
export function ollamaContextLength(show: unknown): number | undefined {
  if (!isRecord(show) || !isRecord(show.model_info)) return undefined;
  for (const [key, value] of Object.entries(show.model_info)) {
    if (key.endsWith('.context_length') && plausibleWindow(value)) return value;
  }
  return undefined;
}

/** `default_generation_settings.n_ctx` of llama.cpp's `/props` (older servers: top-level `n_ctx`). */
export function llamaCppContextLength(props: unknown): number | undefined {
  if (!isRecord(props)) return undefined;
  const settings = props.default_generation_settings;
  if (isRecord(settings) && plausibleWindow(settings.n_ctx)) return settings.n_ctx;
  return plausibleWindow(props.n_ctx) ? props.n_ctx : undefined;
}

const withWindow = (model: ModelInfo, window: number | undefined): ModelInfo =>
  window === undefined || model.contextWindow !== undefined ? model : { ...model, contextWindow: window };

async function probeOllama(origin: string, tags: unknown, deps: ProbeDeps): Promise<LocalServer> {
  const models = parseModelList('openai', tags);
  const windows = await Promise.all(
    models
      .slice(0, MAX_SHOWN_MODELS)
      .map((model) =>
        tryJson(`${origin}/api/show`, deps, { method: 'POST', body: JSON.stringify({ model: model.id }) }).then(ollamaContextLength),
      ),
  );
  return { origin, kind: 'ollama', models: models.map((model, i) => withWindow(model, windows[i])) };
}

/**
 * What answers at an origin, or null when nothing that looks like a model server does.
 * A 403 from Ollama's route (its origin check) is thrown as ProbeRefused, so the caller
 * can say so instead of "nothing here".
 */
export async function probeLocalServer(origin: string, deps: ProbeDeps = {}): Promise<LocalServer | null> {
  let tags: unknown = null;
  try {
    tags = await getJson(`${origin}/api/tags`, deps);
  } catch (cause) {
    if (cause instanceof HttpFailure && cause.status === 403) throw new ProbeRefused(403);
    // Nothing listens (refused, unreachable, timed out): the other routes would fail alike.
    if (cause instanceof TypeError || cause instanceof DOMException) throw cause;
    // Another status or not JSON: not Ollama; the OpenAI-compatible routes are asked next.
  }
  if (isRecord(tags) && Array.isArray(tags.models)) return probeOllama(origin, tags, deps);

  const listing = await tryJson(`${origin}/v1/models`, deps);
  if (!isRecord(listing) || !Array.isArray(listing.data)) return null;
  let models = parseModelList('openai', listing);
  const [lmStudio, props] = await Promise.all([tryJson(`${origin}/api/v0/models`, deps), tryJson(`${origin}/props`, deps)]);
  if (isRecord(lmStudio) && Array.isArray(lmStudio.data)) {
    const windows = new Map(parseModelList('openai', lmStudio).map((model) => [model.id, model.contextWindow]));
    return { origin, kind: 'lmstudio', models: models.map((model) => withWindow(model, windows.get(model.id))) };
  }
  const nCtx = llamaCppContextLength(props);
  if (nCtx !== undefined) {
    models = models.map((model) => withWindow(model, nCtx));
    return { origin, kind: 'llamacpp', models };
  }
  const vllm = listing.data.some((entry) => isRecord(entry) && (entry.owned_by === 'vllm' || 'max_model_len' in entry));
  return { origin, kind: vllm ? 'vllm' : 'openai-compatible', models };
}
