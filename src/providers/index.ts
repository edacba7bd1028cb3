/**
 * The provider layer's public face: read a provider's stream as ChatDelta, and merge
 * deltas into the final answer the way the provider's own SDK would.
 */
import { createSseParser } from '../sse/index.ts';
import { mapAnthropicEvent } from './anthropic.ts';
import { createCustomEventMapper } from './custom.ts';
import { createOpenAIEventMapper } from './openai.ts';
import type { ChatDelta, ChatResult } from './types.ts';
import type { SseEvent, SseParser } from '../sse/index.ts';

export type { ChatDelta, ChatResult, ChatMessage, ChatUsage } from './types.ts';

export type StreamFormat =
  | { kind: 'anthropic' }
  /** chat.completions chunks, and every compatible server. */
  | { kind: 'openai' }
  | {
      kind: 'custom';
      /** Dot path into each event's JSON: "delta", "token", "output.text", "choices.0.delta.content". */
      textPath: string;
      /** Optional dot path for reasoning text. */
      reasoningPath?: string;
      /** cumulative: each event repeats the whole text so far (DashScope without incremental output). */
      textMode?: 'delta' | 'cumulative';
      /** Default "[DONE]". */
      doneData?: string;
      /** Only events of this type carry content (e.g. "result"); default: all. */
      eventType?: string;
    };

/** Raised as an `error` delta when the stream carries data that is not valid JSON. */
export const MALFORMED_STREAM_ERROR = {
  type: 'malformed_stream',
  message: 'The provider sent data that is not valid JSON; the answer stops here.',
};

interface EventMapper {
  /** Deltas for one event, or 'malformed' when its data cannot be read (stop reading). */
  map(event: SseEvent): ChatDelta[] | 'malformed';
  /** Deltas for a body that ended without an end marker or error (custom formats' finish rule). */
  end?(): ChatDelta[];
  /** Whether an error delta ends the stream (OpenAI and custom; Anthropic keeps reading). */
  errorEnds: boolean;
}

const TEXT_DELTA_HEAD = '{"type":"content_block_delta","index":';
const TEXT_DELTA_MID = ',"delta":{"type":"text_delta","text":"';
const TEXT_DELTA_TAIL = '"}}';
/** Characters that make a JSON string's raw text differ from its value, or invalid. */
const NEEDS_JSON_DECODING = /["\\\u0000-\u001f]/;

/**
 * The text of an Anthropic text_delta event in the API's exact compact form
 * (`{"type":"content_block_delta","index":N,"delta":{"type":"text_delta","text":"…"}}`),
 * read without building the event object; null for anything else (the caller then does
 * the full JSON.parse). Text deltas are nearly every event of a long answer, and parsing
 * them whole was most of the cost of reading a stream. Anything the fast path cannot
 * prove equal to the full parse (escapes it cannot skip, extra members, whitespace,
 * a leading zero) falls back, so the two always agree (tested as a property).
 */
export function anthropicTextFastPath(event: SseEvent): string | null {
  const data = event.data;
  if (event.event === 'error' || !data.startsWith(TEXT_DELTA_HEAD) || !data.endsWith(TEXT_DELTA_TAIL)) return null;
  let i = TEXT_DELTA_HEAD.length;
  const digits = i;
  for (let c = data.charCodeAt(i); c >= 48 && c <= 57; c = data.charCodeAt(++i));
  if (i === digits || (i - digits > 1 && data.charCodeAt(digits) === 48)) return null;
  if (!data.startsWith(TEXT_DELTA_MID, i)) return null;
  const start = i + TEXT_DELTA_MID.length;
  const end = data.length - TEXT_DELTA_TAIL.length;
  if (end < start) return null;
  const raw = data.slice(start, end);
  if (!NEEDS_JSON_DECODING.test(raw)) return raw;
  try {
    // An unescaped quote or control character makes this throw: then it was not one string.
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return null;
  }
}

function mapperFor(format: StreamFormat): EventMapper {
  switch (format.kind) {
    case 'anthropic':
      return { map: mapAnthropicEvent, errorEnds: false };
    case 'openai':
      return { ...createOpenAIEventMapper(), errorEnds: true };
    case 'custom': {
      const mapper = createCustomEventMapper(format);
      return { map: mapper.map, end: mapper.end, errorEnds: true };
    }
    default:
      throw new Error(`Unknown stream format "${(format as { kind: string }).kind}".`);
  }
}

/** %AsyncIteratorPrototype%: gives the result `[Symbol.asyncIterator]() { return this }`. */
const AsyncIteratorPrototype: object = Object.getPrototypeOf(
  Object.getPrototypeOf(async function* () {}).prototype,
);

/** accumulateChat's way to take the deltas of a readChatStream a batch at a time. */
const NEXT_BATCH = Symbol('nextBatch');

function noop(): void {}

/**
 * Reads a provider's streaming response body as ChatDelta. Ends after the provider's end
 * marker (`done`) or when the body ends; a body that ends without the marker simply yields
 * no `done` delta (accumulateChat reports it as incomplete). For custom formats without a
 * marker, a body that ends normally after a finish (e.g. DashScope `finish_reason: "stop"`)
 * yields `done` (see custom.ts). Data that is not JSON yields one malformed-stream error
 * and ends the stream. For OpenAI and custom formats a mid-stream error also ends it (the
 * error is the provider's last word; the answer is incomplete); Anthropic's `event: error`
 * is reported and reading continues to the body's end, which follows it. Once the stream
 * has ended (marker, error), the body is cancelled and nothing after it is read.
 *
 * Behaves as an async generator: nothing is read until the first `next()`; stopping early
 * (`break`, `return()`, `throw()`) or an error cancels the body; an abort cancels the body
 * and rejects with `signal.reason` (also between deltas of an already received chunk); an
 * SSE event over 16 MiB rejects with `SseEventTooLargeError`; concurrent `next()` calls are
 * served in order. It is written by hand, over `createSseParser` rather than
 * `parseSseStream`, so that each body chunk costs one await instead of several per event
 * and per delta; accumulateChat takes a chunk's deltas in one batch.
 */
export function readChatStream(
  format: StreamFormat,
  body: ReadableStream<Uint8Array>,
  options: { signal?: AbortSignal } = {},
): AsyncGenerator<ChatDelta> {
  const signal = options.signal;
  let mapper: EventMapper | null = null;
  let fastText = false;
  let parser: SseParser | null = null;
  let reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  /** Deltas not yet handed out: queue[head..]. */
  let queue: ChatDelta[] = [];
  let head = 0;
  /** The stream has ended (marker, terminal error): later events are ignored. */
  let ended = false;
  /** Nothing more will be read or handed out. */
  let finished = false;
  /** The last call still pending, if any; later calls queue behind it. */
  let busy: Promise<unknown> | null = null;

  const onAbort = (): void => {
    // A pending read() then resolves as done; the reading loop sees the abort.
    reader?.cancel(signal?.reason).catch(noop);
  };

  function finish(cancel: boolean): void {
    if (finished) return;
    finished = true;
    signal?.removeEventListener('abort', onAbort);
    if (reader !== null) {
      if (cancel) reader.cancel().catch(noop);
      else reader.releaseLock();
    }
  }

  function stop(): void {
    finish(true);
    queue = [];
    head = 0;
  }

  function onEvent(event: SseEvent): void {
    if (ended) return;
    if (fastText) {
      const text = anthropicTextFastPath(event);
      if (text !== null) {
        queue.push({ type: 'text', text });
        return;
      }
    }
    const m = mapper as EventMapper;
    const deltas = m.map(event);
    if (deltas === 'malformed') {
      queue.push({ type: 'error', error: MALFORMED_STREAM_ERROR });
      ended = true;
      return;
    }
    for (let i = 0; i < deltas.length; i++) {
      const d = deltas[i] as ChatDelta;
      queue.push(d);
      if (d.type === 'done' || (d.type === 'error' && m.errorEnds)) {
        ended = true;
        return;
      }
    }
  }

  /** Reads until at least one delta is queued or nothing more will come. */
  async function fill(): Promise<void> {
    try {
      if (reader === null) {
        signal?.throwIfAborted();
        mapper = mapperFor(format);
        fastText = format.kind === 'anthropic';
        parser = createSseParser({ onEvent });
        reader = body.getReader();
        signal?.addEventListener('abort', onAbort);
      }
      while (head >= queue.length) {
        queue = [];
        head = 0;
        if (ended) {
          finish(true);
          return;
        }
        const { done, value } = await reader.read();
        if (finished) return;
        signal?.throwIfAborted();
        if (done) {
          (parser as SseParser).end();
          ended = true;
          finish(false);
          const m = mapper as EventMapper;
          if (m.end) queue = m.end();
          return;
        }
        (parser as SseParser).feed(value);
        // The end marker or a terminal error: the rest of the body is not wanted.
        if (ended) finish(true);
      }
    } catch (error) {
      stop();
      throw error;
    }
  }

  /** Runs `task` after every earlier call has settled, so concurrent calls are served in order. */
  function serialized<T>(task: () => Promise<T>): Promise<T> {
    const run = busy === null ? task() : busy.then(task, task);
    const settled = run.then(noop, noop);
    busy = settled;
    void settled.then(() => {
      if (busy === settled) busy = null;
    });
    return run;
  }

  /** Rejects (and stops) when aborted; true when a delta can be handed out at once. */
  function ready(): boolean {
    if (signal !== undefined && signal.aborted && !finished) {
      stop();
      throw signal.reason;
    }
    return head < queue.length && busy === null;
  }

  async function pull(): Promise<boolean> {
    if (head >= queue.length && !finished) await fill();
    if (head < queue.length) return true;
    stop();
    return false;
  }

  function next(): Promise<IteratorResult<ChatDelta>> {
    try {
      if (ready()) return Promise.resolve({ done: false, value: queue[head++] as ChatDelta });
    } catch (error) {
      return Promise.reject(error);
    }
    return serialized(async () =>
      (await pull()) ? { done: false, value: queue[head++] as ChatDelta } : { done: true, value: undefined });
  }

  /** The rest of the queued deltas, reading more when there are none; null at the end. */
  function nextBatch(): Promise<ChatDelta[] | null> {
    const take = (): ChatDelta[] => {
      const batch = head === 0 ? queue : queue.slice(head);
      queue = [];
      head = 0;
      return batch;
    };
    try {
      if (ready()) return Promise.resolve(take());
    } catch (error) {
      return Promise.reject(error);
    }
    return serialized(async () => ((await pull()) ? take() : null));
  }

  const iterator = Object.create(AsyncIteratorPrototype) as AsyncGenerator<ChatDelta>;
  return Object.assign(iterator, {
    next,
    return(value?: unknown): Promise<IteratorResult<ChatDelta>> {
      stop();
      return Promise.resolve({ done: true, value });
    },
    throw(error?: unknown): Promise<IteratorResult<ChatDelta>> {
      stop();
      return Promise.reject(error);
    },
    [NEXT_BATCH]: nextBatch,
  }) as AsyncGenerator<ChatDelta>;
}

/** Merges deltas into the final answer (text, thinking, tool calls, usage, stop, error). */
export async function accumulateChat(
  deltas: Iterable<ChatDelta> | AsyncIterable<ChatDelta>,
): Promise<ChatResult> {
  const result: ChatResult = {
    text: '',
    thinking: '',
    toolCalls: [],
    stopReason: null,
    usage: {},
    error: null,
    complete: false,
  };
  const tools = new Map<number, { id: string; name: string; json: string }>();
  const apply = (delta: ChatDelta): void => {
    switch (delta.type) {
      case 'text':
        result.text += delta.text;
        break;
      case 'thinking':
        result.thinking += delta.text;
        break;
      case 'thinking-signature':
        break;
      case 'tool-start': {
        // A second start for the same index (OpenAI fragments that change the id or name)
        // updates them and keeps the arguments joined so far.
        const tool = tools.get(delta.index);
        if (tool) {
          if (delta.id) tool.id = delta.id;
          if (delta.name) tool.name = delta.name;
        } else {
          tools.set(delta.index, { id: delta.id, name: delta.name, json: '' });
        }
        break;
      }
      case 'tool-input': {
        const tool = tools.get(delta.index) ?? { id: '', name: '', json: '' };
        tool.json += delta.json;
        tools.set(delta.index, tool);
        break;
      }
      case 'usage':
        Object.assign(result.usage, delta.usage);
        break;
      case 'stop':
        result.stopReason = delta.reason;
        break;
      case 'error':
        result.error = delta.error;
        break;
      case 'done':
        result.complete = true;
        break;
    }
  };
  const nextBatch = (deltas as { [NEXT_BATCH]?: () => Promise<ChatDelta[] | null> })[NEXT_BATCH];
  if (typeof nextBatch === 'function') {
    for (let batch = await nextBatch(); batch !== null; batch = await nextBatch()) {
      for (let i = 0; i < batch.length; i++) apply(batch[i] as ChatDelta);
    }
  } else {
    for await (const delta of deltas) apply(delta);
  }
  for (const [, tool] of [...tools].sort(([a], [b]) => a - b)) {
    let input: unknown = {};
    if (tool.json.trim() !== '') {
      try {
        input = JSON.parse(tool.json);
      } catch {
        input = tool.json;
      }
    }
    result.toolCalls.push({ id: tool.id, name: tool.name, input });
  }
  return result;
}
