import { createSseParser, type SseEvent } from '../../src/sse/index.ts';

export type Item = { kind: 'event'; event: SseEvent } | { kind: 'retry'; ms: number } | { kind: 'comment'; text: string };

export interface ParseResult {
  events: SseEvent[];
  retries: number[];
  comments: string[];
  /** Everything the handlers saw, in order. */
  log: Item[];
  incomplete: boolean;
}

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

export function bytes(...parts: (number[] | string)[]): Uint8Array {
  const arrays = parts.map((p) => (typeof p === 'string' ? enc(p) : Uint8Array.from(p)));
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let o = 0;
  for (const a of arrays) {
    out.set(a, o);
    o += a.length;
  }
  return out;
}

/** Feed the chunks in order, then end(). */
export function parseChunks(chunks: Iterable<Uint8Array | string>, options?: { maxEventBytes?: number }): ParseResult {
  const events: SseEvent[] = [];
  const retries: number[] = [];
  const comments: string[] = [];
  const log: Item[] = [];
  const parser = createSseParser(
    {
      onEvent: (event) => {
        events.push(event);
        log.push({ kind: 'event', event });
      },
      onRetry: (ms) => {
        retries.push(ms);
        log.push({ kind: 'retry', ms });
      },
      onComment: (text) => {
        comments.push(text);
        log.push({ kind: 'comment', text });
      },
    },
    options,
  );
  for (const c of chunks) parser.feed(c);
  const { incomplete } = parser.end();
  return { events, retries, comments, log, incomplete };
}

/** Parse a whole stream given as one string or one byte array. */
export function parse(input: string | Uint8Array): ParseResult {
  return parseChunks([typeof input === 'string' ? enc(input) : input]);
}

/** Split bytes at the given offsets. */
export function splitAt(b: Uint8Array, offsets: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const o of [...offsets].sort((a, b) => a - b)) {
    out.push(b.subarray(prev, o));
    prev = o;
  }
  out.push(b.subarray(prev));
  return out;
}

export function byteByByte(b: Uint8Array): Uint8Array[] {
  return Array.from(b, (_, i) => b.subarray(i, i + 1));
}

/** A `ReadableStream` over the given chunks. */
export function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const c = chunks[i++];
      if (c === undefined) controller.close();
      else controller.enqueue(c);
    },
  });
}

export const ev = (data: string, event = 'message', id = ''): SseEvent => ({ event, data, id });

/** A body whose chunks the test pushes by hand; records cancellation. */
export function manualBody() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const state = { cancelled: false, reason: undefined as unknown };
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    cancel(reason) {
      state.cancelled = true;
      state.reason = reason;
    },
  });
  return {
    body,
    state,
    push: (s: string) => controller.enqueue(enc(s)),
    pushBytes: (b: Uint8Array) => controller.enqueue(b),
    close: () => controller.close(),
  };
}
