/**
 * Reading a provider's SSE body as ChatDelta, and merging deltas into the final answer the
 * way the provider's own SDK would. Dialect-free: each provider brings its EventMapper.
 */
import { readSseBatches, type SseEvent } from '../sse/index.ts';
import type { EventMapper, StreamOptions } from './provider.ts';
import type { ChatDelta, ChatResult } from './types.ts';

/** Raised as an `error` delta when the stream carries data that is not valid JSON. */
export const MALFORMED_STREAM_ERROR = { type: 'malformed_stream', message: 'data is not valid JSON' };

/**
 * One batch of deltas per body chunk (an empty batch for a chunk that completed no event:
 * the connection is alive). Ends after the end marker (`done`), a terminal error, or the
 * body's end; a body that ends without the marker yields no `done` (accumulateChat then
 * reports the answer incomplete), except where the mapper's `end()` finishes it. Data
 * that is not JSON yields one malformed-stream error and ends the stream. Once it ends,
 * the body is cancelled and nothing after it is read. An abort cancels the body and
 * rejects with `signal.reason`; an SSE event over 16 MiB rejects with SseEventTooLargeError.
 */
export async function* readDeltaBatches(
  mapper: EventMapper,
  body: ReadableStream<Uint8Array>,
  options: Pick<StreamOptions, 'onRawEvent' | 'onBytes'> & { signal?: AbortSignal } = {},
): AsyncGenerator<ChatDelta[], void, undefined> {
  const { onRawEvent, onBytes, signal } = options;
  const fastText = mapper.fastText;
  // A pass-through that shows each chunk as received; cancelling it cancels the body.
  const source = onBytes
    ? body.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            onBytes(chunk);
            controller.enqueue(chunk);
          },
        }),
      )
    : body;
  const batches = readSseBatches(source, signal ? { signal } : undefined);
  for await (const events of batches) {
    const out: ChatDelta[] = [];
    let ended = false;
    for (let i = 0; i < events.length && !ended; i++) {
      const event = events[i] as SseEvent;
      onRawEvent?.(event);
      if (fastText) {
        const text = fastText(event);
        if (text !== null) {
          out.push({ type: 'text', text });
          continue;
        }
      }
      const deltas = mapper.map(event);
      if (deltas === 'malformed') {
        out.push({ type: 'error', error: MALFORMED_STREAM_ERROR });
        ended = true;
        break;
      }
      for (const delta of deltas) {
        out.push(delta);
        if (delta.type === 'done' || (delta.type === 'error' && mapper.errorEnds)) {
          ended = true;
          break;
        }
      }
    }
    yield out;
    // The end marker or a terminal error: the rest of the body is not wanted (leaving
    // the loop cancels it).
    if (ended) return;
  }
  if (mapper.end) {
    const tail = mapper.end();
    if (tail.length > 0) yield tail;
  }
}

/** Deltas one by one, from batches; an abort is seen between deltas of one batch too. */
export async function* flatten(batches: AsyncIterable<ChatDelta[]>, signal?: AbortSignal): AsyncGenerator<ChatDelta, void, undefined> {
  for await (const batch of batches) {
    for (let i = 0; i < batch.length; i++) {
      if (signal?.aborted) throw signal.reason;
      yield batch[i] as ChatDelta;
    }
  }
}

/** Merges deltas into an answer: text, thinking, tool calls, usage, stop, error, completeness. */
export function createChatAccumulator(): { apply(delta: ChatDelta): void; result(): ChatResult } {
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
  return {
    apply(delta) {
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
    },
    result() {
      const toolCalls: ChatResult['toolCalls'] = [];
      for (const [, tool] of [...tools].sort(([a], [b]) => a - b)) {
        let input: unknown = {};
        if (tool.json.trim() !== '') {
          try {
            input = JSON.parse(tool.json);
          } catch {
            input = tool.json;
          }
        }
        toolCalls.push({ id: tool.id, name: tool.name, input });
      }
      return { ...result, usage: { ...result.usage }, toolCalls };
    },
  };
}
