/**
 * Gives up on a silent provider: with no byte at all (not even a ping) for the idle
 * timeout, the attempt is aborted. Each body chunk, and the request being answered,
 * counts as life.
 */
import type { Clock } from './delta-batcher.ts';

export interface Watchdog {
  readonly signal: AbortSignal;
  /** Life: restart the countdown. */
  touch(): void;
  /** Whether it fired. */
  readonly idled: boolean;
  dispose(): void;
}

/** One per attempt; aborted by the user's Stop (`stop`) or by the countdown. */
export function createWatchdog(stop: AbortSignal, idleTimeoutMs: number, clock: Clock): Watchdog {
  const controller = new AbortController();
  const onStop = () => controller.abort(stop.reason);
  if (stop.aborted) controller.abort(stop.reason);
  else stop.addEventListener('abort', onStop, { once: true });
  let handle: unknown = null;
  let idled = false;
  const clear = () => {
    if (handle !== null) clock.clearTimeout(handle);
    handle = null;
  };
  const watchdog: Watchdog = {
    signal: controller.signal,
    touch() {
      clear();
      handle = clock.setTimeout(() => {
        idled = true;
        controller.abort(new DOMException('The provider went silent.', 'TimeoutError'));
      }, idleTimeoutMs);
    },
    get idled() {
      return idled;
    },
    dispose() {
      clear();
      stop.removeEventListener('abort', onStop);
    },
  };
  watchdog.touch();
  return watchdog;
}
