/** Builds Anthropic Messages streams (the documented wire format) for unit tests. */
export function anthropicSse(
  deltas: string[],
  options: { end?: 'stop' | 'none' | 'error'; stopReason?: string; model?: string } = {},
): string {
  const { end = 'stop', stopReason = 'end_turn', model = 'claude-sonnet-5-5' } = options;
  const event = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
  let out = event('message_start', {
    type: 'message_start',
    message: {
      id: 'msg_test',
      type: 'message',
      role: 'assistant',
      content: [],
      model,
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 25, output_tokens: 1 },
    },
  });
  out += event('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
  out += event('ping', { type: 'ping' });
  for (const text of deltas) {
    out += event('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } });
  }
  if (end === 'error') {
    return out + event('error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
  }
  if (end === 'none') return out;
  out += event('content_block_stop', { type: 'content_block_stop', index: 0 });
  out += event('message_delta', {
    type: 'message_delta',
    delta: { stop_reason: stopReason, stop_sequence: null },
    usage: { output_tokens: 15 },
  });
  return out + event('message_stop', { type: 'message_stop' });
}

/** A streaming Response whose body arrives in chunks of `size` bytes (cutting UTF-8 and lines anywhere). */
export function chunkedResponse(text: string, size = 7, init: ResponseInit = {}): Response {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + size));
      offset += size;
    },
  });
  return new Response(body, {
    status: 200,
    headers: { 'content-type': 'text/event-stream; charset=utf-8' },
    ...init,
  });
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}
