/**
 * The provider layer's public face: read a provider's stream as ChatDelta, and merge
 * deltas into the final answer the way the provider's own SDK would.
 */
import { parseSseStream } from '../sse/index.ts';
import { mapAnthropicEvent } from './anthropic.ts';
import { createCustomEventMapper } from './custom.ts';
import { createOpenAIEventMapper } from './openai.ts';
import type { ChatDelta, ChatResult } from './types.ts';
import type { SseEvent } from '../sse/index.ts';

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

/**
 * Reads a provider's streaming response body as ChatDelta. Ends after the provider's end
 * marker (`done`) or when the body ends; a body that ends without the marker simply yields
 * no `done` delta (accumulateChat reports it as incomplete). For custom formats without a
 * marker, a body that ends normally after a finish (e.g. DashScope `finish_reason: "stop"`)
 * yields `done` (see custom.ts). Data that is not JSON yields one malformed-stream error
 * and ends the stream. For OpenAI and custom formats a mid-stream error also ends it (the
 * error is the provider's last word; the answer is incomplete); Anthropic's `event: error`
 * is reported and reading continues to the body's end, which follows it.
 */
export async function* readChatStream(
  format: StreamFormat,
  body: ReadableStream<Uint8Array>,
  options: { signal?: AbortSignal } = {},
): AsyncGenerator<ChatDelta> {
  const mapper = mapperFor(format);
  for await (const event of parseSseStream(body, { signal: options.signal })) {
    const deltas = mapper.map(event);
    if (deltas === 'malformed') {
      yield { type: 'error', error: MALFORMED_STREAM_ERROR };
      return;
    }
    let last = false;
    for (const delta of deltas) {
      yield delta;
      if (delta.type === 'done' || (delta.type === 'error' && mapper.errorEnds)) last = true;
    }
    if (last) return;
  }
  if (mapper.end) for (const delta of mapper.end()) yield delta;
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
  for await (const delta of deltas) {
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
