/**
 * The provider layer's public face: read a provider's stream as ChatDelta, and merge
 * deltas into the final answer the way the provider's own SDK would.
 */
import { parseSseStream } from '../sse/index.ts';
import { mapAnthropicEvent } from './anthropic.ts';
import type { ChatDelta, ChatResult } from './types.ts';

export type { ChatDelta, ChatResult, ChatMessage, ChatUsage } from './types.ts';

export type StreamFormat =
  | { kind: 'anthropic' }
  | { kind: 'openai' }
  | {
      kind: 'custom';
      textPath: string;
      reasoningPath?: string;
      textMode?: 'delta' | 'cumulative';
      doneData?: string;
      eventType?: string;
    };

/** Raised as an `error` delta when the stream carries data that is not valid JSON. */
export const MALFORMED_STREAM_ERROR = {
  type: 'malformed_stream',
  message: 'The provider sent data that is not valid JSON; the answer stops here.',
};

/**
 * Reads a provider's streaming response body as ChatDelta. Ends after the provider's end
 * marker or when the body ends; a body that ends without the marker simply yields no
 * `done` delta (accumulateChat reports it as incomplete).
 */
export async function* readChatStream(
  format: StreamFormat,
  body: ReadableStream<Uint8Array>,
  options: { signal?: AbortSignal } = {},
): AsyncGenerator<ChatDelta> {
  if (format.kind !== 'anthropic') {
    throw new Error(`Stream format "${format.kind}" is not supported yet.`);
  }
  for await (const event of parseSseStream(body, { signal: options.signal })) {
    const deltas = mapAnthropicEvent(event);
    if (deltas === 'malformed') {
      yield { type: 'error', error: MALFORMED_STREAM_ERROR };
      return;
    }
    for (const delta of deltas) yield delta;
    if (deltas.some((d) => d.type === 'done')) return;
  }
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
      case 'tool-start':
        tools.set(delta.index, { id: delta.id, name: delta.name, json: '' });
        break;
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
