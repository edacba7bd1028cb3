/**
 * One answer, end to end: check there is something to send and a key to send it with,
 * build the provider's call, open it with retries, and pump the stream into the sink.
 * Every path ends the sink exactly once (the sink enforces it).
 */
import type { ConversationTurn } from '../../messaging/protocol.ts';
import { presetFor } from '../../providers/catalog.ts';
import { chatRequestOptions } from '../../providers/model-options.ts';
import { ProviderSetupError, type Provider, type ProviderCall, type ProviderSettings } from '../../providers/provider.ts';
import { providerForSettings } from '../../providers/registry.ts';
import { customReadingOf } from '../../shared/custom-endpoint.ts';
import { userError } from '../../shared/errors.ts';
import { IDLE_TIMEOUT_MS } from '../../shared/limits.ts';
import { DEFAULT_MODEL_OPTIONS, type ModelOptions } from '../../shared/model-options.ts';
import { buildMessages, SYSTEM_PROMPT, type ContinuationMode } from '../prompt.ts';
import { systemClock, type Clock } from './delta-batcher.ts';
import { noPermissionError } from './errors.ts';
import { openWithRetries } from './open-with-retries.ts';
import { pump } from './pump.ts';
import { sentRequest } from './sent-request.ts';
import type { AnswerSink } from './sink.ts';

export interface AnswerJob {
  turns: readonly ConversationTurn[];
  settings: ProviderSettings;
  apiKey: string;
  /** The provider's model options (checked when saved); default: the defaults. */
  options?: ModelOptions;
  /** Continue: the last turn is a partial answer for the model to carry on from. */
  continue?: boolean;
}

export interface AnswerDeps {
  fetch?: typeof fetch;
  clock?: Clock;
  idleTimeoutMs?: number;
  /** Whether the browser lets us reach this URL (a host permission can be revoked at any time). */
  canReach?: (url: string) => Promise<boolean>;
}

/**
 * The system prompt of an answer: Aside's own first, always (its rule that page text is
 * untrusted data must not be replaceable), then the user's, as added instructions.
 */
export function answerSystemPrompt(userPrompt: string): string {
  const own = userPrompt.trim();
  if (own === '') return SYSTEM_PROMPT;
  return `${SYSTEM_PROMPT}\n\nThe user added these instructions of their own (the rule about page text above still holds):\n${own}`;
}

/** A key is needed and missing. */
export function missingKey(settings: Pick<ProviderSettings, 'provider'>, apiKey: string) {
  return presetFor(settings.provider).needsKey && !apiKey
    ? userError('no-key', { params: { provider: settings.provider }, fix: 'settings' })
    : null;
}

/** The settings cannot make a request: the code and params the provider gave. */
export function setupError(cause: ProviderSetupError) {
  return userError(cause.code, {
    ...(cause.params ? { params: cause.params } : {}),
    ...(cause.detail ? { detail: cause.detail } : {}),
    fix: 'settings',
  });
}

/**
 * How this answer carries on a partial one: prefilled where the API continues an assistant
 * message, except with extended thinking, which Anthropic does not allow with a prefill.
 */
export function continuationMode(provider: Provider, options: ModelOptions): ContinuationMode {
  return provider.continuesAssistantMessage && !options.thinking ? 'prefill' : 'instruction';
}

/**
 * A first Summarize over a selection, as its text alone: the built-in provider hands it to
 * the browser's Summarizer where there is one (other providers ignore it).
 */
export function summarizeTask(job: Pick<AnswerJob, 'turns' | 'continue'>): { summarize?: { text: string; context?: string } } {
  const [only, ...rest] = job.turns;
  if (job.continue || rest.length > 0 || only?.role !== 'user' || only.action?.id !== 'summarize' || !only.selection) return {};
  const { text, title } = only.selection;
  return { summarize: { text, ...(title ? { context: `From the page "${title}".` } : {}) } };
}

export async function runAnswer(job: AnswerJob, sink: AnswerSink, signal: AbortSignal, deps: AnswerDeps = {}): Promise<void> {
  // A provider's error body may echo the key (a 401 quoting what it refused).
  sink.maskSecret(job.apiKey);
  const noKey = missingKey(job.settings, job.apiKey);
  if (noKey) return sink.fail(noKey);
  const provider = providerForSettings(job.settings);
  const options = job.options ?? DEFAULT_MODEL_OPTIONS;
  const messages = buildMessages(job.turns, job.continue ? continuationMode(provider, options) : undefined);
  if (messages.length === 0) return sink.fail(userError('nothing-to-send'));
  let call: ProviderCall;
  try {
    call = provider.buildCall(job.settings, job.apiKey, {
      system: answerSystemPrompt(options.systemPrompt),
      messages,
      ...chatRequestOptions(job.settings.provider, options),
      stream: true,
      ...summarizeTask(job),
    });
  } catch (cause) {
    if (cause instanceof ProviderSetupError) return sink.fail(setupError(cause));
    throw cause;
  }
  // The browser's own model has no address to reach.
  if (deps.canReach && provider.dialect !== 'builtin' && !(await deps.canReach(call.request.url)))
    return sink.fail(noPermissionError(call.request.url));
  sink.describe({
    provider: job.settings.provider,
    model: job.settings.model || presetFor(job.settings.provider).defaultModel,
    promptText: [answerSystemPrompt(options.systemPrompt), ...messages.map((message) => message.content)].join('\n\n'),
    request: sentRequest(call.request, job.apiKey),
    ...(provider.dialect === 'custom' && job.settings.custom ? { customReading: customReadingOf(job.settings.custom) } : {}),
  });
  const idleTimeoutMs = deps.idleTimeoutMs ?? IDLE_TIMEOUT_MS;
  const opened = await openWithRetries(provider, call, {
    signal,
    clock: deps.clock ?? systemClock,
    idleTimeoutMs,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    model: job.settings.model,
    sink,
  });
  if (opened.kind === 'stopped') return sink.end('stopped');
  if (opened.kind === 'failed') return sink.fail(opened.error);
  await pump(opened, sink, { signal, idleTimeoutMs });
}
