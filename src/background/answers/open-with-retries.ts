/**
 * Starts an answer: runs the provider's call until it is accepted, retrying what is worth
 * retrying before the answer starts (shared/docs/platform-facts.md §5: 408, 409, 429, 5xx and connection
 * errors, honouring retry-after and x-should-retry, never a quota error), with the idle
 * watchdog on every attempt. Returns the open stream, or why there is none.
 */
import { isQuotaError, parseErrorBody } from '../../providers/failures.ts';
import { HttpFailure, NoBodyError, RedirectRefused } from '../../providers/http.ts';
import type { Provider, ProviderCall } from '../../providers/provider.ts';
import type { ChatDelta } from '../../providers/index.ts';
import { hostOf, userError, type UserError } from '../../shared/errors.ts';
import type { Clock } from './delta-batcher.ts';
import { failureError, networkError, redirectedError } from './errors.ts';
import { retryDelayMs } from './retry-policy.ts';
import type { AnswerSink } from './sink.ts';
import { createWatchdog, type Watchdog } from './watchdog.ts';

export interface OpenContext {
  /** The user's Stop. */
  signal: AbortSignal;
  clock: Clock;
  idleTimeoutMs: number;
  fetch?: typeof fetch;
  /** For error params (a 404 names the model). */
  model: string;
  /** Retry notices and raw events go here. */
  sink: AnswerSink;
}

export type Opened =
  | {
      kind: 'open';
      stream: AsyncGenerator<ChatDelta[], void, undefined>;
      /** The first batch (usually empty: "the provider accepted the call"). */
      first: ChatDelta[];
      watchdog: Watchdog;
    }
  | { kind: 'stopped' }
  | { kind: 'failed'; error: UserError };

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

export async function openWithRetries(provider: Provider, call: ProviderCall, context: OpenContext): Promise<Opened> {
  const { signal, clock, sink } = context;
  const url = call.request.url;
  for (let retryIndex = 0; ; retryIndex++) {
    if (signal.aborted) return { kind: 'stopped' };
    const watchdog = createWatchdog(signal, context.idleTimeoutMs, clock);
    const stream = provider.stream(call, {
      signal: watchdog.signal,
      ...(context.fetch ? { fetch: context.fetch } : {}),
      onRawEvent: (event) => sink.raw(event),
      onBytes: (chunk) => sink.bytes(chunk),
    });
    let error: UserError;
    let delay: number | null;
    try {
      const first = await stream.next();
      return { kind: 'open', stream, first: first.done ? [] : first.value, watchdog };
    } catch (cause) {
      watchdog.dispose();
      if (signal.aborted) return { kind: 'stopped' };
      if (cause instanceof HttpFailure) {
        const failure = provider.classifyFailure(cause.status, cause.bodyText, { url });
        error = failureError(failure, cause.status, { model: context.model });
        // Out of credit is never retried, whatever status a provider puts on it.
        const isQuota = failure.kind === 'quota' || isQuotaError(parseErrorBody(cause.bodyText));
        delay = retryDelayMs({ retryIndex, status: cause.status, headers: cause.headers, isQuota });
      } else if (cause instanceof RedirectRefused) {
        return { kind: 'failed', error: redirectedError(cause) };
      } else if (cause instanceof NoBodyError) {
        return { kind: 'failed', error: userError('no-body', { fix: 'retry' }) };
      } else {
        error = watchdog.idled
          ? userError('no-response', { params: { host: hostOf(url), seconds: Math.round(context.idleTimeoutMs / 1000) }, fix: 'retry' })
          : networkError(url, cause);
        delay = retryDelayMs({ retryIndex, status: 'network' });
      }
    }
    if (delay === null) return { kind: 'failed', error };
    sink.retrying(error, delay / 1000);
    await sleep(delay, signal, clock);
  }
}
