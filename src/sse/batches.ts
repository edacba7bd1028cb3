import { createSseParser, type SseEvent } from './parser.ts';

function noop(): void {}

/**
 * Read a byte stream (e.g. `Response.body`) as batches of events: one batch per body
 * chunk, holding the events whose blank line arrived in that chunk, in stream order.
 *
 * - A chunk that completes no event (a ping comment, part of a line) yields an empty
 *   batch: every batch means "the body is alive", which an idle watchdog can use.
 * - Nothing is read (and the body is not locked) until the first `next()`.
 * - Ends when the body ends; the return value is `{ incomplete }` from the parser's
 *   `end()`: true when the body stopped inside an event.
 * - Stopping early (`break`, `return()`, `throw()`) or an error cancels the body; a
 *   normal end releases the lock.
 * - An abort cancels the body and rejects with `signal.reason` (checked before reading,
 *   while a read is pending, and between chunks).
 * - An event larger than `maxEventBytes` (default 16 MiB) rejects with
 *   `SseEventTooLargeError`.
 *
 * A native async generator: concurrent `next()` calls are served in order. Note that
 * `return()` / `throw()` wait for a pending read; an abort does not.
 */
export async function* readSseBatches(
  body: ReadableStream<Uint8Array>,
  options?: { signal?: AbortSignal; maxEventBytes?: number },
): AsyncGenerator<SseEvent[], { incomplete: boolean }, undefined> {
  const signal = options?.signal;
  const maxEventBytes = options?.maxEventBytes;
  let batch: SseEvent[] = [];
  const parser = createSseParser(
    { onEvent: (event) => void batch.push(event) },
    maxEventBytes === undefined ? undefined : { maxEventBytes },
  );
  const reader = body.getReader();
  /** The body ended and was fully parsed: release the lock instead of cancelling. */
  let finished = false;
  // A pending read() then resolves as done; the loop sees the abort.
  const onAbort = (): void => void reader.cancel(signal?.reason).catch(noop);
  try {
    if (signal !== undefined) {
      signal.throwIfAborted();
      signal.addEventListener('abort', onAbort);
    }
    for (;;) {
      const { done, value } = await reader.read();
      signal?.throwIfAborted();
      if (done) {
        const result = parser.end();
        finished = true;
        return result;
      }
      parser.feed(value);
      const events = batch;
      batch = [];
      yield events;
      signal?.throwIfAborted();
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (finished) reader.releaseLock();
    else reader.cancel().catch(noop);
  }
}
