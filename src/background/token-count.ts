/**
 * The budget line's numbers, measured in the background (it holds the key): the request as
 * it would be sent, counted exactly by Anthropic's count_tokens or estimated, and the model's
 * context window from the provider's model list (cached) or the table of known models.
 * Any failure of the count falls back to the estimate, marked as one.
 */
import type { BackgroundMessage, ConversationTurn } from '../messaging/protocol.ts';
import { countTokensRequest, parseCountTokens } from '../providers/anthropic.ts';
import { effectiveBaseUrl, presetFor } from '../providers/catalog.ts';
import { contextWindowFor } from '../providers/context-windows.ts';
import { fetchOk, readBoundedText } from '../providers/http.ts';
import type { ModelInfo, ProviderSettings } from '../providers/provider.ts';
import { estimateRequestTokens } from '../shared/budget.ts';
import type { ProviderId } from '../shared/ids.ts';
import type { ModelOptions } from '../shared/model-options.ts';
import { answerSystemPrompt } from './answers/run-answer.ts';
import { buildMessages } from './prompt.ts';
import { listModels } from './provider-checks.ts';
import { isLocalAddress, probeLocalServer } from '../providers/local-servers.ts';
import { withOriginRules } from './local-origin-rule.ts';

/** How long a count may take before the estimate is shown instead. */
export const COUNT_TIMEOUT_MS = 5_000;
/** How long a model list is trusted for its windows. */
export const MODEL_LIST_TTL_MS = 10 * 60_000;
/** A fence of the real one's length: the count does not depend on its digits. */
const MEASURE_FENCE = '0'.repeat(16);

export type TokenCount = Omit<Extract<BackgroundMessage, { type: 'token-count' }>, 'type' | 'requestId'>;

export interface CountDeps {
  fetch?: typeof fetch;
  canReach?: (url: string) => Promise<boolean>;
  now?: () => number;
}

/**
 * Providers whose model list reports windows (OpenRouter and Together `context_length`, Groq
 * `context_window`, Mistral `max_context_length`, vLLM and other compatible servers
 * `max_model_len`); the others' lists say nothing the table does not, so they are not fetched.
 */
const LISTS_WINDOWS: ReadonlySet<ProviderId> = new Set(['openrouter', 'together', 'groq', 'mistral', 'openai-compatible']);
/**
 * Local servers report windows on their own routes instead (Ollama `/api/show`, LM Studio
 * `/api/v0/models`, llama.cpp `/props`): the same probe as Find local models asks them.
 */
const PROBES_WINDOWS: ReadonlySet<ProviderId> = new Set(['ollama', 'lmstudio', 'openai-compatible']);

/** The models with their windows, by the server's own routes (local servers) or the listing. */
async function modelsWithWindows(
  settings: ProviderSettings,
  apiKey: string,
  deps: CountDeps,
): Promise<{ models: ModelInfo[]; failed: boolean }> {
  const base = effectiveBaseUrl(settings);
  if (PROBES_WINDOWS.has(settings.provider) && isLocalAddress(base)) {
    const origin = new URL(base).origin;
    if (deps.canReach && !(await deps.canReach(base))) return { models: [], failed: true };
    const probe = { apiKey, ...(deps.fetch ? { fetch: deps.fetch } : {}) };
    const server = await withOriginRules([base], () => probeLocalServer(origin, probe)).catch(() => null);
    // A server behind a path (a proxy) answers only under the base URL: its listing is asked next.
    if (server) return { models: server.models, failed: false };
    if (!LISTS_WINDOWS.has(settings.provider)) return { models: [], failed: true };
  }
  if (!LISTS_WINDOWS.has(settings.provider)) return { models: [], failed: false };
  const result = await listModels(settings, apiKey, { ...deps, timeoutMs: LIST_TIMEOUT_MS });
  return { models: result.models, failed: result.error !== undefined };
}
/** A list that takes longer than this leaves the window to the table. */
const LIST_TIMEOUT_MS = 5_000;

const listCache = new Map<string, { at: number; models: Promise<ModelInfo[]> }>();

/** The window the provider's list reports for this model (cached per provider and address). */
async function listedWindow(settings: ProviderSettings, apiKey: string, deps: CountDeps): Promise<number | undefined> {
  const local = PROBES_WINDOWS.has(settings.provider) && isLocalAddress(effectiveBaseUrl(settings));
  if (!local && (!LISTS_WINDOWS.has(settings.provider) || !presetFor(settings.provider).listsModels)) return undefined;
  const key = `${settings.provider}|${effectiveBaseUrl(settings)}`;
  const now = (deps.now ?? Date.now)();
  let entry = listCache.get(key);
  if (!entry || now - entry.at > MODEL_LIST_TTL_MS) {
    entry = {
      at: now,
      models: modelsWithWindows(settings, apiKey, deps).then((result) => {
        if (result.failed) listCache.delete(key); // a failed list is tried again next time
        return result.models;
      }),
    };
    listCache.set(key, entry);
  }
  const models = await entry.models;
  return models.find((model) => model.id === settings.model)?.contextWindow;
}

/** Forget cached model lists (tests; a changed setting is a different key anyway). */
export function clearModelListCache(): void {
  listCache.clear();
}

/** Anthropic's exact count, or null (not Anthropic, no key, no permission, any failure). */
async function exactCount(
  settings: ProviderSettings,
  apiKey: string,
  system: string,
  messages: ReturnType<typeof buildMessages>,
  signal: AbortSignal,
  deps: CountDeps,
): Promise<number | null> {
  if (presetFor(settings.provider).dialect !== 'anthropic' || apiKey === '') return null;
  const request = countTokensRequest({ baseUrl: effectiveBaseUrl(settings), apiKey, model: settings.model, system, messages });
  if (deps.canReach && !(await deps.canReach(request.url))) return null;
  try {
    const timeout = AbortSignal.timeout(COUNT_TIMEOUT_MS);
    const response = await fetchOk(request, {
      signal: AbortSignal.any([signal, timeout]),
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
    });
    return parseCountTokens(await readBoundedText(response));
  } catch {
    return null;
  }
}

export async function countRequestTokens(
  job: { turns: readonly ConversationTurn[]; settings: ProviderSettings; apiKey: string; options: ModelOptions },
  signal: AbortSignal,
  deps: CountDeps = {},
): Promise<TokenCount> {
  const { settings, apiKey, options } = job;
  const messages = buildMessages(job.turns, undefined, MEASURE_FENCE);
  const system = answerSystemPrompt(options.systemPrompt);
  const requestEstimate = estimateRequestTokens(system, messages);
  const [exact, listed] = await Promise.all([
    messages.length > 0 ? exactCount(settings, apiKey, system, messages, signal, deps) : Promise.resolve(null),
    listedWindow(settings, apiKey, deps).catch(() => undefined),
  ]);
  const window = contextWindowFor(settings.model, listed);
  return {
    inputTokens: exact ?? requestEstimate,
    exact: exact !== null,
    requestEstimate,
    maxOutputTokens: options.maxTokens,
    contextWindow: window.contextWindow,
    ...(window.contextWindow !== null ? { windowSource: window.source } : {}),
  };
}
