import { readSseBatches } from './batches.ts';
import type { SseEvent } from './parser.ts';

export interface ParseSseStreamOptions {
  /** Aborting cancels the body and makes the iteration reject with `signal.reason`. */
  signal?: AbortSignal;
  /** See `createSseParser`; default 16 MiB. */
  maxEventBytes?: number;
}

/**
 * Parse a byte stream (e.g. `Response.body`) into events, yielding each event as soon as
 * its blank line has arrived. A native async generator over `readSseBatches` (use that
 * directly to pay one await per body chunk instead of one per event).
 *
 * - Nothing is read (and the body is not locked) until the first `next()`.
 * - Ends when the body ends. The final result's value (seen only through `next()`) is
 *   `{ incomplete }` from `end()`: true when the body stopped inside an event.
 * - Stopping early (`break`, `return()`, `throw()`) or an error cancels the body.
 * - An abort cancels the body and rejects with `signal.reason` (also between events of
 *   an already received chunk).
 * - An event larger than `maxEventBytes` rejects with `SseEventTooLargeError`.
 * - Concurrent `next()` calls are served in order.
 */
export async function* parseSseStream(body: ReadableStream<Uint8Array>, options?: ParseSseStreamOptions): AsyncGenerator<SseEvent> {
  const signal = options?.signal;
  const batches = readSseBatches(body, options);
  try {
    for (;;) {
      const result = await batches.next();
      if (result.done) return result.value;
      for (const event of result.value) {
        signal?.throwIfAborted();
        yield event;
      }
    }
  } finally {
    // Stopped early or failed: cancels the body (a no-op when the body ended normally).
    await batches.return({ incomplete: true });
  }
}
