import { createSseParser, type SseEvent } from './parser.ts';

export interface ParseSseStreamOptions {
  /** Aborting cancels the body and makes the iteration reject with `signal.reason`. */
  signal?: AbortSignal;
  /** See `createSseParser`; default 16 MiB. */
  maxEventBytes?: number;
}

function noop(): void {}

/** %AsyncIteratorPrototype%: gives the result `[Symbol.asyncIterator]() { return this }`. */
const AsyncIteratorPrototype: object = Object.getPrototypeOf(
  Object.getPrototypeOf(async function* () {}).prototype,
);

/**
 * Parse a byte stream (e.g. `Response.body`) into events, yielding each event as soon as
 * its blank line has arrived.
 *
 * Behaves as an async generator (`for await`, `next`, `return`, `throw`); it is written by
 * hand because a native async generator costs several microtask hops per `yield`, which
 * dominated the cost of streams with many small events. Like a generator, nothing is read
 * (and the body is not locked) until the first `next()`.
 *
 * - Ends when the body ends. The final result's value (seen only through `next()`) is
 *   `{ incomplete }` from `end()`: true when the body stopped inside an event.
 * - Stopping early (`break`, `return()`, `throw()`) or an error cancels the body.
 * - An abort cancels the body and rejects with `signal.reason` (also between events of
 *   an already received chunk).
 * - An event larger than `maxEventBytes` rejects with `SseEventTooLargeError`.
 * - Concurrent `next()` calls are served in order.
 */
export function parseSseStream(
  body: ReadableStream<Uint8Array>,
  options?: { signal?: AbortSignal; maxEventBytes?: number },
): AsyncGenerator<SseEvent> {
  const signal = options?.signal;
  /** Parsed events not yet handed out: queue[head..]. */
  const queue: SseEvent[] = [];
  let head = 0;
  const parser = createSseParser(
    { onEvent: (event) => void queue.push(event) },
    options?.maxEventBytes === undefined ? undefined : { maxEventBytes: options.maxEventBytes },
  );
  let reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  let finished = false;
  /** The `next()` that is waiting for the body, if any; later calls queue behind it. */
  let busy: Promise<IteratorResult<SseEvent>> | null = null;

  const onAbort = (): void => {
    // A pending read() then resolves as done; the reading loop sees the abort.
    reader?.cancel(signal?.reason).catch(noop);
  };

  function finish(cancel: boolean): void {
    if (finished) return;
    finished = true;
    queue.length = 0;
    head = 0;
    signal?.removeEventListener('abort', onAbort);
    if (reader !== null) {
      if (cancel) reader.cancel().catch(noop);
      else reader.releaseLock();
    }
  }

  async function fill(): Promise<IteratorResult<SseEvent>> {
    try {
      if (reader === null) {
        signal?.throwIfAborted();
        reader = body.getReader();
        signal?.addEventListener('abort', onAbort);
      }
      while (head >= queue.length) {
        queue.length = 0;
        head = 0;
        const { done, value } = await reader.read();
        if (finished) return { done: true, value: undefined };
        signal?.throwIfAborted();
        if (done) {
          const result = parser.end();
          finish(false);
          return { done: true, value: result };
        }
        parser.feed(value);
      }
      return { done: false, value: queue[head++] as SseEvent };
    } catch (error) {
      finish(true);
      throw error;
    }
  }

  function next(): Promise<IteratorResult<SseEvent>> {
    // Fast path: an event of an already received chunk (`busy` is null whenever events are
    // queued, and `finish` empties the queue).
    if (head < queue.length) {
      if (signal !== undefined && signal.aborted) {
        finish(true);
        return Promise.reject(signal.reason);
      }
      return Promise.resolve({ done: false, value: queue[head++] as SseEvent });
    }
    if (busy !== null) return busy.then(next, next);
    if (finished) return Promise.resolve({ done: true, value: undefined });
    const pending = fill().finally(() => {
      busy = null;
    });
    busy = pending;
    return pending;
  }

  const iterator = Object.create(AsyncIteratorPrototype) as AsyncGenerator<SseEvent>;
  return Object.assign(iterator, {
    next,
    return(value?: unknown): Promise<IteratorResult<SseEvent>> {
      finish(true);
      return Promise.resolve({ done: true, value });
    },
    throw(error?: unknown): Promise<IteratorResult<SseEvent>> {
      finish(true);
      return Promise.reject(error);
    },
  });
}
