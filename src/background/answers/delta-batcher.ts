/**
 * Coalesces text deltas into port messages. The first text of a burst goes out at once
 * (time to first token is what users feel most); text arriving within the next
 * `intervalMs` is joined into one message, so a fast stream costs ~30 messages a second
 * instead of one per token, and the panel re-renders at most once a frame or so.
 */
import { BATCH_INTERVAL_MS } from '../../shared/limits.ts';

export interface DeltaBatcher {
  push(text: string): void;
  /** Sends whatever is pending now (before an end or error message). */
  flush(): void;
  /** Flushes and stops the timer. */
  close(): void;
}

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export function createDeltaBatcher(
  send: (text: string) => void,
  intervalMs = BATCH_INTERVAL_MS,
  clock: Clock = systemClock,
): DeltaBatcher {
  let pending = '';
  let lastSent = -Infinity;
  let timer: unknown = null;

  const flush = () => {
    if (timer !== null) {
      clock.clearTimeout(timer);
      timer = null;
    }
    if (pending === '') return;
    const text = pending;
    pending = '';
    lastSent = clock.now();
    send(text);
  };

  return {
    push(text) {
      if (text === '') return;
      pending += text;
      if (timer !== null) return;
      const wait = lastSent + intervalMs - clock.now();
      if (wait <= 0) flush();
      else timer = clock.setTimeout(flush, wait);
    },
    flush,
    close: flush,
  };
}
