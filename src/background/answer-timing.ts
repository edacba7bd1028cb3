/**
 * The idle timeout answers use. Always IDLE_TIMEOUT_MS, except that `--mode e2e` builds let
 * the browser tests shorten it (e2e-hooks.ts), so "headers, then silence" is tested in
 * seconds rather than a minute.
 */
import { IDLE_TIMEOUT_MS } from '../shared/limits.ts';

let idleTimeoutMs = IDLE_TIMEOUT_MS;

export function answerIdleTimeoutMs(): number {
  return idleTimeoutMs;
}

/** Test builds only; null restores the default. */
export function setAnswerIdleTimeoutMs(ms: number | null): void {
  idleTimeoutMs = ms ?? IDLE_TIMEOUT_MS;
}
