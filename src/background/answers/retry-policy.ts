/**
 * When to try a failed request again, before any of the answer arrived (an error after
 * the answer started is never retried automatically: the user decides). Follows the
 * official SDKs: `x-should-retry` wins; otherwise 408, 409, 429 and 5xx are retried, with
 * `retry-after-ms` / `retry-after`, else 0.5 s·2ⁿ (≤ 8 s). Unlike the SDKs, a quota
 * or spend-limit 429 is never retried, and a server asking for a long wait is not
 * waited on silently: the error is shown instead.
 */
import { MAX_RETRIES, MAX_RETRY_WAIT_MS } from '../../shared/limits.ts';

export { MAX_RETRIES, MAX_RETRY_WAIT_MS } from '../../shared/limits.ts';

export interface RetryInput {
  /** 0 for the first retry. */
  retryIndex: number;
  status: number | 'network';
  headers?: { get(name: string): string | null };
  isQuota?: boolean;
  now?: number;
}

/** Milliseconds to wait before the next attempt, or null for no retry. */
export function retryDelayMs(input: RetryInput): number | null {
  if (input.retryIndex >= MAX_RETRIES) return null;
  if (input.isQuota) return null;
  const shouldRetry = input.headers?.get('x-should-retry');
  if (shouldRetry === 'false') return null;
  const retryable =
    shouldRetry === 'true' ||
    input.status === 'network' ||
    input.status === 408 ||
    input.status === 409 ||
    input.status === 429 ||
    input.status >= 500;
  if (!retryable) return null;

  const fromHeaders = headerDelayMs(input.headers, input.now ?? Date.now());
  if (fromHeaders !== null) return fromHeaders <= MAX_RETRY_WAIT_MS ? fromHeaders : null;
  return Math.min(500 * 2 ** input.retryIndex, 8_000);
}

function headerDelayMs(headers: RetryInput['headers'], now: number): number | null {
  const ms = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return Math.round(ms);
  const after = headers?.get('retry-after');
  if (!after) return null;
  const seconds = Number.parseFloat(after);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(after);
  return Number.isFinite(date) ? Math.max(0, date - now) : null;
}
