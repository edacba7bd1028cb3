import { describe, expect, it } from 'vitest';
import { MAX_RETRIES, MAX_RETRY_WAIT_MS, retryDelayMs, type RetryInput } from '../../../src/background/answers/retry-policy.ts';

const NOW = Date.parse('2025-06-01T12:00:00Z');
const h = (entries: Record<string, string> = {}): Headers => new Headers(entries);

describe('constants', () => {
  it('retries at most twice and waits at most 30 s', () => {
    expect(MAX_RETRIES).toBe(2);
    expect(MAX_RETRY_WAIT_MS).toBe(30_000);
  });
});

type Row = [name: string, input: Omit<RetryInput, 'now'>, expected: number | null];

const table: Row[] = [
  // Retryable statuses without headers: exponential backoff 0.5 s, 1 s.
  ['408 request timeout, first retry', { retryIndex: 0, status: 408 }, 500],
  ['409 conflict, first retry', { retryIndex: 0, status: 409 }, 500],
  ['429 rate limit, first retry', { retryIndex: 0, status: 429 }, 500],
  ['429 rate limit, second retry', { retryIndex: 1, status: 429 }, 1_000],
  ['500, first retry', { retryIndex: 0, status: 500 }, 500],
  ['502, second retry', { retryIndex: 1, status: 502 }, 1_000],
  ['503, first retry', { retryIndex: 0, status: 503 }, 500],
  ['529 overloaded, second retry', { retryIndex: 1, status: 529 }, 1_000],
  ['a network failure, first retry', { retryIndex: 0, status: 'network' }, 500],
  ['a network failure, second retry', { retryIndex: 1, status: 'network' }, 1_000],
  ['an empty header set changes nothing', { retryIndex: 0, status: 500, headers: h() }, 500],

  // Out of retries.
  ['429 after both retries', { retryIndex: 2, status: 429 }, null],
  ['500 after both retries, even with a short retry-after', { retryIndex: 2, status: 500, headers: h({ 'retry-after': '1' }) }, null],
  ['a network failure after both retries', { retryIndex: 2, status: 'network' }, null],
  ['a retry index past the limit', { retryIndex: 7, status: 503 }, null],

  // Not retryable.
  ['400 bad request', { retryIndex: 0, status: 400 }, null],
  ['401 unauthorized', { retryIndex: 0, status: 401 }, null],
  ['403 forbidden', { retryIndex: 0, status: 403 }, null],
  ['404 not found', { retryIndex: 0, status: 404 }, null],
  ['413 too large', { retryIndex: 0, status: 413 }, null],
  ['422 unprocessable', { retryIndex: 0, status: 422 }, null],
  ['a 400 with retry-after still is not retried', { retryIndex: 0, status: 400, headers: h({ 'retry-after': '1' }) }, null],

  // retry-after-ms.
  ['retry-after-ms 1500', { retryIndex: 0, status: 429, headers: h({ 'retry-after-ms': '1500' }) }, 1_500],
  ['retry-after-ms is rounded', { retryIndex: 0, status: 429, headers: h({ 'retry-after-ms': '250.6' }) }, 251],
  ['retry-after-ms 0 means retry at once', { retryIndex: 0, status: 529, headers: h({ 'retry-after-ms': '0' }) }, 0],
  [
    'retry-after-ms wins over retry-after',
    { retryIndex: 0, status: 429, headers: h({ 'retry-after-ms': '700', 'retry-after': '20' }) },
    700,
  ],
  ['retry-after-ms of exactly 30 s is waited', { retryIndex: 1, status: 429, headers: h({ 'retry-after-ms': '30000' }) }, 30_000],
  ['retry-after-ms over 30 s is shown, not waited', { retryIndex: 0, status: 429, headers: h({ 'retry-after-ms': '30001' }) }, null],
  [
    'a negative retry-after-ms falls back to retry-after',
    { retryIndex: 0, status: 429, headers: h({ 'retry-after-ms': '-5', 'retry-after': '2' }) },
    2_000,
  ],
  [
    'an unparsable retry-after-ms falls back to backoff',
    { retryIndex: 1, status: 429, headers: h({ 'retry-after-ms': 'soon' }) },
    1_000,
  ],

  // retry-after in seconds.
  ['retry-after 3 seconds', { retryIndex: 0, status: 429, headers: h({ 'retry-after': '3' }) }, 3_000],
  ['retry-after with fractional seconds', { retryIndex: 0, status: 503, headers: h({ 'retry-after': '0.25' }) }, 250],
  ['retry-after 0 seconds', { retryIndex: 1, status: 503, headers: h({ 'retry-after': '0' }) }, 0],
  ['retry-after 30 seconds is waited', { retryIndex: 0, status: 429, headers: h({ 'retry-after': '30' }) }, 30_000],
  ['retry-after 31 seconds is shown, not waited', { retryIndex: 0, status: 429, headers: h({ 'retry-after': '31' }) }, null],
  ['retry-after of an hour is shown, not waited', { retryIndex: 0, status: 429, headers: h({ 'retry-after': '3600' }) }, null],
  ['an unparsable retry-after falls back to backoff', { retryIndex: 0, status: 429, headers: h({ 'retry-after': 'later' }) }, 500],

  // retry-after as an HTTP date.
  [
    'retry-after date 10 s from now',
    { retryIndex: 0, status: 429, headers: h({ 'retry-after': new Date(NOW + 10_000).toUTCString() }) },
    10_000,
  ],
  [
    'retry-after date in the past means retry at once',
    { retryIndex: 0, status: 503, headers: h({ 'retry-after': new Date(NOW - 60_000).toUTCString() }) },
    0,
  ],
  [
    'retry-after date 5 minutes away is shown, not waited',
    { retryIndex: 0, status: 429, headers: h({ 'retry-after': new Date(NOW + 300_000).toUTCString() }) },
    null,
  ],

  // x-should-retry.
  ['x-should-retry true makes a 400 retryable', { retryIndex: 0, status: 400, headers: h({ 'x-should-retry': 'true' }) }, 500],
  ['x-should-retry true on a 401, second retry', { retryIndex: 1, status: 401, headers: h({ 'x-should-retry': 'true' }) }, 1_000],
  [
    'x-should-retry true with retry-after',
    { retryIndex: 0, status: 409, headers: h({ 'x-should-retry': 'true', 'retry-after': '4' }) },
    4_000,
  ],
  [
    'x-should-retry true still respects the retry limit',
    { retryIndex: 2, status: 400, headers: h({ 'x-should-retry': 'true' }) },
    null,
  ],
  ['x-should-retry false stops a 429', { retryIndex: 0, status: 429, headers: h({ 'x-should-retry': 'false' }) }, null],
  [
    'x-should-retry false stops a 529 even with retry-after',
    { retryIndex: 0, status: 529, headers: h({ 'x-should-retry': 'false', 'retry-after': '1' }) },
    null,
  ],
  ['x-should-retry with another value is ignored', { retryIndex: 0, status: 400, headers: h({ 'x-should-retry': 'maybe' }) }, null],

  // Quota and spend limits are never retried.
  ['a quota 429', { retryIndex: 0, status: 429, isQuota: true }, null],
  ['a quota 429 with retry-after', { retryIndex: 0, status: 429, isQuota: true, headers: h({ 'retry-after': '1' }) }, null],
  [
    'a quota 429 even when the server says x-should-retry true',
    { retryIndex: 0, status: 429, isQuota: true, headers: h({ 'x-should-retry': 'true' }) },
    null,
  ],
  ['isQuota false changes nothing', { retryIndex: 0, status: 429, isQuota: false }, 500],
];

describe('retryDelayMs', () => {
  it.each(table)('%s → %s ms', (_name, input, expected) => {
    expect(retryDelayMs({ ...input, now: NOW })).toBe(expected);
  });

  it('reads header names case-insensitively, as fetch Headers do', () => {
    expect(retryDelayMs({ retryIndex: 0, status: 429, headers: h({ 'Retry-After-Ms': '42' }), now: NOW })).toBe(42);
  });

  it('uses the real clock for an HTTP-date retry-after when no now is given', () => {
    const date = new Date(Date.now() + 20_000).toUTCString(); // second precision
    const delay = retryDelayMs({ retryIndex: 0, status: 429, headers: h({ 'retry-after': date }) });
    expect(delay).not.toBeNull();
    expect(delay).toBeGreaterThan(18_000);
    expect(delay).toBeLessThanOrEqual(20_000);
  });
});
