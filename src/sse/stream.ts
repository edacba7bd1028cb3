import { createSseParser, type SseEvent } from './parser.ts';

export interface ParseSseStreamOptions {
  /** Aborting cancels the body and makes the generator throw `signal.reason`. */
  signal?: AbortSignal;
  /** See `createSseParser`; default 16 MiB. */
  maxEventBytes?: number;
}

function noop(): void {}

/**
 * Parse a byte stream (e.g. `Response.body`) into events, yielding each event as soon as
 * its blank line has arrived.
 *
 * - Ends when the body ends. The generator's return value (seen only through `next()`)
 *   is `{ incomplete }` from `end()`: true when the body stopped inside an event.
 * - Stopping early (`break`, `return()`) or a thrown error cancels the body.
 * - An abort cancels the body and throws `signal.reason`.
 * - An event larger than `maxEventBytes` throws `SseEventTooLargeError`.
 */
export async function* parseSseStream(
  body: ReadableStream<Uint8Array>,
  options?: { signal?: AbortSignal; maxEventBytes?: number },
): AsyncGenerator<SseEvent> {
  const signal = options?.signal;
  signal?.throwIfAborted();
  const queue: SseEvent[] = [];
  const parser = createSseParser(
    { onEvent: (event) => void queue.push(event) },
    options?.maxEventBytes === undefined ? undefined : { maxEventBytes: options.maxEventBytes },
  );
  const reader = body.getReader();
  let finished = false;
  const onAbort = (): void => {
    // A pending read() then resolves as done; the loop below sees the abort.
    reader.cancel(signal?.reason).catch(noop);
  };
  signal?.addEventListener('abort', onAbort);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      signal?.throwIfAborted();
      if (done) break;
      parser.feed(value);
      if (queue.length !== 0) {
        for (let i = 0; i < queue.length; i++) {
          yield queue[i] as SseEvent;
          signal?.throwIfAborted();
        }
        queue.length = 0;
      }
    }
    finished = true;
    return parser.end();
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (!finished) reader.cancel().catch(noop);
    else reader.releaseLock();
  }
}
