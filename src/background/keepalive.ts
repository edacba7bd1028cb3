/**
 * Keeps the background alive while answers stream. Chrome stops an idle service worker
 * after 30 s, and an in-flight fetch does not count as activity; a cheap extension API
 * call every 25 s does (the approach Chrome documents). Firefox's event page follows
 * the same rule. Stops as soon as the last answer ends.
 */
import { KEEPALIVE_INTERVAL_MS } from '../shared/limits.ts';

let active = 0;
let timer: ReturnType<typeof setInterval> | null = null;

export function holdKeepalive(ping: () => unknown = () => browser.runtime.getPlatformInfo()): () => void {
  active++;
  if (timer === null) timer = setInterval(ping, KEEPALIVE_INTERVAL_MS);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    active--;
    if (active === 0 && timer !== null) {
      clearInterval(timer);
      timer = null;
    }
  };
}
