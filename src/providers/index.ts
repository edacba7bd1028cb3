/**
 * The provider layer's public face: read a provider's stream as ChatDelta, and merge
 * deltas into the final answer the way the provider's own SDK would. The background uses
 * the Provider interface (provider.ts) through the registry; these two functions are the
 * stable contract benchmarks and outside checks use.
 */
import { createChatAccumulator, flatten, readDeltaBatches } from './chat-stream.ts';
import { eventMapperFor } from './registry.ts';
import type { ChatDelta, ChatResult, StreamFormat } from './types.ts';

export type { ChatDelta, ChatMessage, ChatResult, ChatUsage, StreamFormat } from './types.ts';
export { MALFORMED_STREAM_ERROR } from './chat-stream.ts';
export { anthropicTextFastPath } from './anthropic.ts';

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
 * An async generator: nothing is read until the first `next()`; stopping early (`break`,
 * `return()`, `throw()`) or an error cancels the body; an abort cancels the body and
 * rejects with `signal.reason`; an SSE event over 16 MiB rejects with
 * `SseEventTooLargeError`; concurrent `next()` calls are served in order.
 */
export function readChatStream(
  format: StreamFormat,
  body: ReadableStream<Uint8Array>,
  options: { signal?: AbortSignal } = {},
): AsyncGenerator<ChatDelta, void, undefined> {
  return flatten(readDeltaBatches(eventMapperFor(format), body, options), options.signal);
}

/** Merges deltas into the final answer (text, thinking, tool calls, usage, stop, error). */
export async function accumulateChat(deltas: Iterable<ChatDelta> | AsyncIterable<ChatDelta>): Promise<ChatResult> {
  const accumulator = createChatAccumulator();
  for await (const delta of deltas) accumulator.apply(delta);
  return accumulator.result();
}
