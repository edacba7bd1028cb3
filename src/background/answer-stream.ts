/**
 * Streams one answer: calls the provider, retries what is worth retrying before the
 * answer starts, reads the SSE stream as ChatDelta, and reports to the panel as
 * numbered stream messages. Every path ends in exactly one `end` or `failed` message,
 * and text already sent is never taken back.
 */
import type { ConversationTurn, StreamMessage, UserError } from '../messaging/protocol.ts';
import {
  capDetail,
  describeHttpError,
  describeNetworkError,
  describeStreamError,
  hostOf,
  isQuotaError,
  parseErrorBody,
} from '../providers/http-errors.ts';
import { accumulateChat, readChatStream } from '../providers/index.ts';
import { presetFor } from '../providers/presets.ts';
import type { StoredSettings } from '../storage/settings.ts';
import { createDeltaBatcher, systemClock, type Clock } from './delta-batcher.ts';
import { buildMessages, SYSTEM_PROMPT } from './prompt.ts';
import { buildProviderCall, missingKeyMessage, type ProviderCall } from './provider-request.ts';
import { retryDelayMs } from './retry-policy.ts';

export const MAX_ANSWER_TOKENS = 4096;
/** With no bytes at all (not even a ping) for this long, the stream is given up. */
export const IDLE_TIMEOUT_MS = 60_000;

export interface AnswerJob {
  requestId: string;
  turns: readonly ConversationTurn[];
  settings: StoredSettings;
  apiKey: string;
}

export interface AnswerDeps {
  fetch: typeof fetch;
  clock: Clock;
  idleTimeoutMs: number;
  batchIntervalMs: number;
  /** Whether the browser lets us reach this URL (a host permission can be revoked at any time). */
  canReach: (url: string) => Promise<boolean>;
}

/** The settings cannot make a request (an unfinished custom endpoint, a broken template). */
function settingsError(cause: unknown): UserError {
  return {
    code: 'bad-settings',
    message: cause instanceof Error ? cause.message : String(cause),
    fix: 'settings',
  };
}

export function noPermissionError(url: string): UserError {
  return {
    code: 'bad-settings',
    message: `Aside is not allowed to reach ${hostOf(url)}. Open settings and click Save to grant access.`,
    fix: 'settings',
  };
}

type Unnumbered<M> = M extends StreamMessage ? Omit<M, 'seq' | 'requestId'> : never;

function sleep(ms: number, signal: AbortSignal, clock: Clock): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clock.clearTimeout(handle);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const handle = clock.setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Passes the body through unchanged, calling `onBytes` for every chunk (liveness). */
function observeBytes(body: ReadableStream<Uint8Array>, onBytes: () => void): ReadableStream<Uint8Array> {
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        onBytes();
        controller.enqueue(chunk);
      },
    }),
  );
}

const MAX_ERROR_BODY = 64 * 1024;

async function readErrorBody(response: Response): Promise<string> {
  try {
    return (await response.text()).slice(0, MAX_ERROR_BODY);
  } catch {
    return '';
  }
}

export async function streamAnswer(
  job: AnswerJob,
  send: (message: StreamMessage) => void,
  signal: AbortSignal,
  deps: Partial<AnswerDeps> = {},
): Promise<void> {
  const { fetch: doFetch = globalThis.fetch.bind(globalThis), clock = systemClock } = deps;
  const idleTimeoutMs = deps.idleTimeoutMs ?? IDLE_TIMEOUT_MS;
  let seq = 0;
  const post = (message: Unnumbered<StreamMessage>) =>
    send({ ...message, requestId: job.requestId, seq: seq++ } as StreamMessage);
  const fail = (error: UserError) => post({ type: 'failed', error });

  const noKey = missingKeyMessage(job.settings, job.apiKey);
  if (noKey) return fail({ code: 'no-key', message: noKey, fix: 'settings' });
  const messages = buildMessages(job.turns);
  if (messages.length === 0) {
    return fail({ code: 'bad-request', message: 'There is nothing to send: type a question or select some text.' });
  }
  let call: ProviderCall;
  try {
    call = buildProviderCall(job.settings, job.apiKey, {
      system: SYSTEM_PROMPT,
      messages,
      maxTokens: MAX_ANSWER_TOKENS,
      stream: true,
    });
  } catch (cause) {
    return fail(settingsError(cause));
  }
  const { url, init, format } = call;
  if (deps.canReach && !(await deps.canReach(url))) return fail(noPermissionError(url));

  // One controller per attempt, aborted by the user's Stop or by the idle watchdog.
  for (let retryIndex = 0; ; retryIndex++) {
    if (signal.aborted) return post({ type: 'end', stopReason: null, outcome: 'stopped' });
    const attempt = new AbortController();
    const onStop = () => attempt.abort();
    signal.addEventListener('abort', onStop, { once: true });
    let idleHandle: unknown = null;
    let idled = false;
    const touch = () => {
      if (idleHandle !== null) clock.clearTimeout(idleHandle);
      idleHandle = clock.setTimeout(() => {
        idled = true;
        attempt.abort();
      }, idleTimeoutMs);
    };
    const cleanup = () => {
      signal.removeEventListener('abort', onStop);
      if (idleHandle !== null) clock.clearTimeout(idleHandle);
    };

    let response: Response;
    try {
      touch();
      response = await doFetch(url, { ...init, signal: attempt.signal });
    } catch (cause) {
      cleanup();
      if (signal.aborted) return post({ type: 'end', stopReason: null, outcome: 'stopped' });
      const error = idled
        ? { ...describeNetworkError(url, cause), message: 'The provider did not answer for a minute. Retry, or check the base URL.' }
        : describeNetworkError(url, cause);
      const delay = retryDelayMs({ retryIndex, status: 'network' });
      if (delay === null) return fail(error);
      post({ type: 'retrying', error, inSeconds: delay / 1000 });
      await sleep(delay, signal, clock);
      continue;
    }

    if (!response.ok) {
      const bodyText = await readErrorBody(response);
      cleanup();
      if (signal.aborted) return post({ type: 'end', stopReason: null, outcome: 'stopped' });
      const error = describeHttpError(response.status, bodyText, job.settings.model, url);
      const delay = retryDelayMs({
        retryIndex,
        status: response.status,
        headers: response.headers,
        isQuota: isQuotaError(parseErrorBody(bodyText)),
      });
      if (delay === null) return fail(error);
      post({ type: 'retrying', error, inSeconds: delay / 1000 });
      await sleep(delay, signal, clock);
      continue;
    }

    if (!response.body) {
      cleanup();
      return fail({ code: 'stream-error', message: 'The provider answered without a body.', fix: 'retry' });
    }

    // The answer has started: from here on nothing is retried automatically.
    const interval = deps.batchIntervalMs ?? 32;
    const thinkingBatcher = createDeltaBatcher((text) => post({ type: 'thinking', text }), interval, clock);
    const textBatcher = createDeltaBatcher((text) => post({ type: 'delta', text }), interval, clock);
    // Reasoning comes before the answer it leads to: flush it before any answer text.
    const batcher = {
      push(text: string) {
        thinkingBatcher.flush();
        textBatcher.push(text);
      },
      close() {
        thinkingBatcher.close();
        textBatcher.close();
      },
    };
    let stopReason: string | null = null;
    let complete = false;
    let streamError: { type: string; message: string } | null = null;
    try {
      const body = observeBytes(response.body, touch);
      for await (const delta of readChatStream(format, body, { signal: attempt.signal })) {
        if (delta.type === 'text') batcher.push(delta.text);
        else if (delta.type === 'thinking') thinkingBatcher.push(delta.text);
        else if (delta.type === 'stop') stopReason = delta.reason;
        else if (delta.type === 'done') complete = true;
        else if (delta.type === 'error') streamError = delta.error;
      }
    } catch (cause) {
      batcher.close();
      cleanup();
      if (signal.aborted) return post({ type: 'end', stopReason: null, outcome: 'stopped' });
      if (idled) {
        return fail({
          code: 'network',
          message: 'The provider stopped sending for a minute, so Aside gave up. The part above is kept; retry for a full answer.',
          fix: 'retry',
        });
      }
      const error = describeNetworkError(url, cause);
      return fail({
        ...error,
        message: 'The connection dropped in the middle of the answer. The part above is kept; retry for a full answer.',
      });
    }
    batcher.close();
    cleanup();
    if (signal.aborted) return post({ type: 'end', stopReason: null, outcome: 'stopped' });
    if (streamError) return fail(describeStreamError(streamError));
    return post({ type: 'end', stopReason, outcome: complete ? 'complete' : 'truncated' });
  }
}

/**
 * "Test connection": a real, tiny request with the settings as typed, reporting success
 * or the provider's exact error. Chat providers get max_tokens 1, not streamed; a custom
 * SSE endpoint gets a short streamed question, and the text extracted from its events is
 * shown (the live preview of the stream format).
 */
export async function testConnection(
  settings: StoredSettings,
  apiKey: string,
  deps: { fetch?: typeof fetch; timeoutMs?: number; canReach?: (url: string) => Promise<boolean> } = {},
): Promise<{ ok: boolean; message: string }> {
  const noKey = missingKeyMessage(settings, apiKey);
  if (noKey) return { ok: false, message: 'Enter an API key first.' };
  const doFetch = deps.fetch ?? globalThis.fetch.bind(globalThis);
  const custom = presetFor(settings.provider).dialect === 'custom';
  let call: ProviderCall;
  try {
    call = buildProviderCall(settings, apiKey, {
      messages: [{ role: 'user', content: custom ? 'Say hello in five words.' : 'Reply with OK.' }],
      maxTokens: custom ? 64 : 1,
      stream: custom,
    });
  } catch (cause) {
    return { ok: false, message: settingsError(cause).message };
  }
  if (deps.canReach && !(await deps.canReach(call.url))) return { ok: false, message: noPermissionError(call.url).message };
  const signal = AbortSignal.timeout(deps.timeoutMs ?? 20_000);
  let response: Response;
  try {
    response = await doFetch(call.url, { ...call.init, signal });
  } catch (cause) {
    const error = describeNetworkError(call.url, cause);
    return { ok: false, message: capDetail(`${error.message} (${error.detail})`) };
  }
  if (!response.ok) {
    const error = describeHttpError(response.status, await readErrorBody(response), settings.model, call.url);
    return { ok: false, message: capDetail(error.detail ? `${error.message} Provider says: ${error.detail}` : error.message) };
  }
  if (custom) return previewCustomStream(response, call, signal);
  const bodyText = await readErrorBody(response);
  let model = settings.model;
  try {
    const json = JSON.parse(bodyText) as { model?: unknown };
    if (typeof json.model === 'string' && json.model) model = json.model;
  } catch {
    /* a 200 is success even if the body is odd */
  }
  return { ok: true, message: capDetail(`Connected: ${model} answered.`) };
}

async function previewCustomStream(response: Response, call: ProviderCall, signal: AbortSignal): Promise<{ ok: boolean; message: string }> {
  if (!response.body) return { ok: false, message: 'The endpoint answered without a body.' };
  try {
    const result = await accumulateChat(readChatStream(call.format, response.body, { signal }));
    if (result.error) return { ok: false, message: capDetail(`The stream reported an error: ${result.error.type}: ${result.error.message}`) };
    if (!result.text && !result.thinking) {
      return { ok: false, message: 'Connected, but no text was found at that text path in any event. Check the text path and event type.' };
    }
    const preview = result.text.length > 300 ? `${result.text.slice(0, 300)}…` : result.text;  // well under the cap
    return { ok: true, message: `Connected. Extracted text: “${preview}”${result.complete ? '' : ' (the stream ended without its end marker)'}` };
  } catch (cause) {
    return { ok: false, message: capDetail(`Reading the stream failed: ${cause instanceof Error ? cause.message : String(cause)}`) };
  }
}
