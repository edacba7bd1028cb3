import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { ANTHROPIC_VERSION, buildAnthropicRequest, mapAnthropicEvent } from '../../src/providers/anthropic.ts';
import { accumulateChat, MALFORMED_STREAM_ERROR, readChatStream, type ChatDelta, type ChatResult } from '../../src/providers/index.ts';
import type { SseEvent } from '../../src/sse/index.ts';
import { anthropicSse, chunkedResponse } from '../helpers/anthropic-sse.ts';

const dir = fileURLToPath(new URL('../fixtures/streams/', import.meta.url));
const ANTHROPIC_FIXTURES = readdirSync(dir)
  .filter((name) => name.startsWith('anthropic-') && name.endsWith('.sse'))
  .sort();
const loadText = (name: string): string => readFileSync(dir + name, 'utf8');

function ev(data: unknown, event = 'message'): SseEvent {
  return { event, data: typeof data === 'string' ? data : JSON.stringify(data), id: '' };
}

function bodyOf(text: string, chunkSize = 7): ReadableStream<Uint8Array> {
  const body = chunkedResponse(text, chunkSize).body;
  if (!body) throw new Error('no body');
  return body;
}

async function collect(text: string, chunkSize = 7): Promise<ChatDelta[]> {
  const out: ChatDelta[] = [];
  for await (const delta of readChatStream({ kind: 'anthropic' }, bodyOf(text, chunkSize))) out.push(delta);
  return out;
}

async function ours(text: string, chunkSize = 7): Promise<ChatResult> {
  return accumulateChat(readChatStream({ kind: 'anthropic' }, bodyOf(text, chunkSize)));
}

describe('buildAnthropicRequest', () => {
  const messages = [{ role: 'user' as const, content: 'Hi' }];

  it('builds a streaming POST to /v1/messages with the key, version and browser opt-in headers', () => {
    const request = buildAnthropicRequest({
      baseUrl: 'https://api.anthropic.com',
      apiKey: 'sk-ant-KEY',
      model: 'claude-sonnet-5-5',
      system: 'Be brief.',
      messages,
      maxTokens: 1024,
      stream: true,
    });
    expect(request.url).toBe('https://api.anthropic.com/v1/messages');
    expect(request.method).toBe('POST');
    expect(request.headers).toEqual({
      'content-type': 'application/json',
      accept: 'text/event-stream',
      'x-api-key': 'sk-ant-KEY',
      'anthropic-version': '2023-06-01',
      'anthropic-dangerous-direct-browser-access': 'true',
    });
    expect(ANTHROPIC_VERSION).toBe('2023-06-01');
    expect(JSON.parse(request.body as string)).toEqual({
      model: 'claude-sonnet-5-5',
      max_tokens: 1024,
      messages,
      system: 'Be brief.',
      stream: true,
    });
  });

  // Redirects, cookies and the HTTP cache are refused where the request is sent (http.ts,
  // tested in http.test.ts); the builder gives only what to send.
  it('is only the URL, method, headers and body: no transport options', () => {
    const request = buildAnthropicRequest({ baseUrl: 'https://x.test', apiKey: 'k', model: 'm', messages, maxTokens: 1, stream: true });
    expect(Object.keys(request).sort()).toEqual(['body', 'headers', 'method', 'url']);
  });

  it('asks for JSON and leaves out stream and an empty system prompt for a non-streaming request', () => {
    const request = buildAnthropicRequest({
      baseUrl: 'https://x.test',
      apiKey: 'k',
      model: 'm',
      system: '',
      messages,
      maxTokens: 1,
      stream: false,
    });
    expect(request.headers.accept).toBe('application/json');
    expect(JSON.parse(request.body as string)).toEqual({ model: 'm', max_tokens: 1, messages });
  });

  it.each([
    ['https://proxy.test/anthropic/', 'https://proxy.test/anthropic/v1/messages'],
    ['https://proxy.test///', 'https://proxy.test/v1/messages'],
    ['http://127.0.0.1:8787', 'http://127.0.0.1:8787/v1/messages'],
  ])('joins base URL %s to %s without a double slash', (baseUrl, expected) => {
    expect(buildAnthropicRequest({ baseUrl, apiKey: 'k', model: 'm', messages, maxTokens: 1, stream: true }).url).toBe(expected);
  });

  it('keeps the key out of the URL and body', () => {
    const { url, body } = buildAnthropicRequest({
      baseUrl: 'https://x.test',
      apiKey: 'sk-ant-SECRET',
      model: 'm',
      messages,
      maxTokens: 1,
      stream: true,
    });
    expect(url).not.toContain('SECRET');
    expect(body).not.toContain('SECRET');
  });
});

describe('mapAnthropicEvent', () => {
  it('maps message_start to its usage', () => {
    expect(
      mapAnthropicEvent(
        ev(
          {
            type: 'message_start',
            message: { usage: { input_tokens: 25, output_tokens: 1, cache_read_input_tokens: 7, cache_creation_input_tokens: 3 } },
          },
          'message_start',
        ),
      ),
    ).toEqual([{ type: 'usage', usage: { inputTokens: 25, outputTokens: 1, cacheReadTokens: 7, cacheWriteTokens: 3 } }]);
  });

  it('leaves out null usage counters and maps a message_start without usage to nothing', () => {
    expect(
      mapAnthropicEvent(ev({ type: 'message_start', message: { usage: { input_tokens: 5, cache_read_input_tokens: null } } })),
    ).toEqual([{ type: 'usage', usage: { inputTokens: 5 } }]);
    expect(mapAnthropicEvent(ev({ type: 'message_start', message: {} }))).toEqual([]);
  });

  it('maps a tool_use content_block_start to tool-start with its index, id and name', () => {
    expect(
      mapAnthropicEvent(
        ev({
          type: 'content_block_start',
          index: 2,
          content_block: { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} },
        }),
      ),
    ).toEqual([{ type: 'tool-start', index: 2, id: 'toolu_1', name: 'get_weather' }]);
  });

  it('maps a text block that starts with text to a text delta, and an empty one to nothing', () => {
    expect(mapAnthropicEvent(ev({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: 'Hi' } }))).toEqual([
      { type: 'text', text: 'Hi' },
    ]);
    expect(mapAnthropicEvent(ev({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }))).toEqual([]);
    expect(mapAnthropicEvent(ev({ type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } }))).toEqual(
      [],
    );
  });

  it.each<[string, unknown, ChatDelta[]]>([
    ['text_delta', { type: 'text_delta', text: 'Hello' }, [{ type: 'text', text: 'Hello' }]],
    ['thinking_delta', { type: 'thinking_delta', thinking: 'Let me see' }, [{ type: 'thinking', text: 'Let me see' }]],
    ['signature_delta', { type: 'signature_delta', signature: 'EqQB' }, [{ type: 'thinking-signature', signature: 'EqQB' }]],
    ['input_json_delta', { type: 'input_json_delta', partial_json: '{"a":' }, [{ type: 'tool-input', index: 3, json: '{"a":' }]],
    ['an empty input_json_delta', { type: 'input_json_delta', partial_json: '' }, [{ type: 'tool-input', index: 3, json: '' }]],
    ['citations_delta (not shown)', { type: 'citations_delta', citation: {} }, []],
    ['a future delta type', { type: 'hologram_delta', x: 1 }, []],
    ['a text_delta whose text is not a string', { type: 'text_delta', text: 42 }, []],
    ['a thinking_delta without thinking', { type: 'thinking_delta' }, []],
    ['an input_json_delta without partial_json', { type: 'input_json_delta' }, []],
  ])('maps a content_block_delta carrying %s', (_name, delta, expected) => {
    expect(mapAnthropicEvent(ev({ type: 'content_block_delta', index: 3, delta }))).toEqual(expected);
  });

  it('maps a content_block_delta without a delta to nothing', () => {
    expect(mapAnthropicEvent(ev({ type: 'content_block_delta', index: 0 }))).toEqual([]);
  });

  it('maps message_delta to usage then the stop reason', () => {
    expect(
      mapAnthropicEvent(
        ev({ type: 'message_delta', delta: { stop_reason: 'max_tokens', stop_sequence: null }, usage: { output_tokens: 15 } }),
      ),
    ).toEqual([
      { type: 'usage', usage: { outputTokens: 15 } },
      { type: 'stop', reason: 'max_tokens' },
    ]);
  });

  it('maps a message_delta with a null stop reason and no usage to nothing', () => {
    expect(mapAnthropicEvent(ev({ type: 'message_delta', delta: { stop_reason: null } }))).toEqual([]);
  });

  it('maps message_stop to done', () => {
    expect(mapAnthropicEvent(ev({ type: 'message_stop' }, 'message_stop'))).toEqual([{ type: 'done' }]);
  });

  it('maps an error event to an error delta with the provider type and message', () => {
    expect(mapAnthropicEvent(ev({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, 'error'))).toEqual([
      { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
    ]);
  });

  it('treats an event named error as an error even when its data has another type (no message: no words invented)', () => {
    expect(mapAnthropicEvent(ev({ type: 'message_stop' }, 'error'))).toEqual([
      { type: 'error', error: { type: 'error', message: '' } },
    ]);
  });

  it('falls back to the SSE event name when the data has no type', () => {
    expect(mapAnthropicEvent(ev({}, 'message_stop'))).toEqual([{ type: 'done' }]);
    expect(mapAnthropicEvent(ev({ delta: { type: 'text_delta', text: 'x' } }, 'content_block_delta'))).toEqual([
      { type: 'text', text: 'x' },
    ]);
  });

  it.each([
    ['ping', { type: 'ping' }],
    ['content_block_stop', { type: 'content_block_stop', index: 0 }],
    ['an unknown future event', { type: 'message_reticulate', splines: 3 }],
  ])('maps %s to nothing', (_name, data) => {
    expect(mapAnthropicEvent(ev(data))).toEqual([]);
  });

  it.each([
    ['truncated JSON', '{"type":"content_block_delta","index":0,"delta":{"type":"text_d'],
    ['plain text', 'Bad Gateway'],
    ['an empty data field', ''],
    ['JSON null', 'null'],
    ['a JSON string', '"message_stop"'],
    ['a JSON number', '42'],
  ])('reports %s as malformed', (_name, data) => {
    expect(mapAnthropicEvent(ev(data))).toBe('malformed');
  });
});

describe('readChatStream and accumulateChat', () => {
  it('reads the four Anthropic fixtures in test/fixtures/streams', () => {
    expect(ANTHROPIC_FIXTURES).toEqual([
      'anthropic-error.sse',
      'anthropic-text.sse',
      'anthropic-thinking.sse',
      'anthropic-tool-use.sse',
    ]);
  });

  it('turns the text fixture into text, usage, stop and done, in stream order', async () => {
    expect(await collect(loadText('anthropic-text.sse'))).toEqual([
      { type: 'usage', usage: { inputTokens: 25, outputTokens: 1 } },
      { type: 'text', text: 'Hello' },
      { type: 'text', text: '! Ça va? 你好，世界 🌍👩‍💻' },
      { type: 'text', text: ' Line one\nline two: "quoted".' },
      { type: 'usage', usage: { outputTokens: 15 } },
      { type: 'stop', reason: 'end_turn' },
      { type: 'done' },
    ]);
  });

  it.each([1, 2, 3, 7, 64, 100_000])('gives the same result for the text fixture cut into %i-byte chunks', async (size) => {
    expect(await ours(loadText('anthropic-text.sse'), size)).toEqual({
      text: 'Hello! Ça va? 你好，世界 🌍👩‍💻 Line one\nline two: "quoted".',
      thinking: '',
      toolCalls: [],
      stopReason: 'end_turn',
      usage: { inputTokens: 25, outputTokens: 15 },
      error: null,
      complete: true,
    });
  });

  it('accumulates thinking separately from the answer text', async () => {
    const result = await ours(loadText('anthropic-thinking.sse'));
    expect(result.thinking).toBe(
      'I need to find the GCD of 1071 and 462 using the Euclidean algorithm.\n\n1071 = 2 × 462 + 147\n462 = 3 × 147 + 21\n147 = 7 × 21 + 0\n\nSo the GCD is 21.',
    );
    expect(result.text).toBe('The greatest common divisor of 1071 and 462 is **21**.');
  });

  it('keeps the partial answer and the error of a stream that fails midway, and marks it incomplete', async () => {
    expect(await ours(loadText('anthropic-error.sse'))).toEqual({
      text: 'Here is the first part of',
      thinking: '',
      toolCalls: [],
      stopReason: null,
      usage: { inputTokens: 31, outputTokens: 1 },
      error: { type: 'overloaded_error', message: 'Overloaded' },
      complete: false,
    });
  });

  it('stops reading after message_stop, ignoring whatever follows', async () => {
    const text = `${anthropicSse(['Hi'])}data: not json at all\n\nevent: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"LATE"}}\n\n`;
    const result = await ours(text);
    expect(result.text).toBe('Hi');
    expect(result.error).toBeNull();
    expect(result.complete).toBe(true);
  });

  it('yields one malformed-stream error and stops at data that is not JSON', async () => {
    const text = `${anthropicSse(['Before'], { end: 'none' })}data: {"type":"content_block_delta"\n\n${anthropicSse(['After'])}`;
    const deltas = await collect(text);
    expect(deltas.at(-1)).toEqual({ type: 'error', error: MALFORMED_STREAM_ERROR });
    expect(deltas.filter((d) => d.type === 'error')).toHaveLength(1);
    const result = await accumulateChat(deltas);
    expect(result.text).toBe('Before');
    expect(result.complete).toBe(false);
  });

  it('reports a body that ends without message_stop as incomplete, with no error', async () => {
    const result = await ours(anthropicSse(['Half an ans'], { end: 'none' }));
    expect(result).toMatchObject({ text: 'Half an ans', complete: false, error: null, stopReason: null });
  });

  it('stops with the signal: an aborted read rejects', async () => {
    const controller = new AbortController();
    controller.abort();
    const gen = readChatStream({ kind: 'anthropic' }, bodyOf(loadText('anthropic-text.sse')), { signal: controller.signal });
    await expect(gen.next()).rejects.toThrow();
  });
});

describe('accumulateChat', () => {
  it('parses tool inputs per index, in index order, whatever order their pieces arrive in', async () => {
    const result = await accumulateChat([
      { type: 'tool-start', index: 3, id: 'b', name: 'second' },
      { type: 'tool-start', index: 1, id: 'a', name: 'first' },
      { type: 'tool-input', index: 3, json: '{"y":' },
      { type: 'tool-input', index: 1, json: '{"x":1' },
      { type: 'tool-input', index: 3, json: '[true]}' },
      { type: 'tool-input', index: 1, json: '}' },
    ]);
    expect(result.toolCalls).toEqual([
      { id: 'a', name: 'first', input: { x: 1 } },
      { id: 'b', name: 'second', input: { y: [true] } },
    ]);
  });

  it('gives a tool with no input an empty object, and keeps unparsable input as the raw string', async () => {
    const result = await accumulateChat([
      { type: 'tool-start', index: 0, id: 'a', name: 'noargs' },
      { type: 'tool-input', index: 0, json: '  ' },
      { type: 'tool-start', index: 1, id: 'b', name: 'broken' },
      { type: 'tool-input', index: 1, json: '{"cut": "off' },
    ]);
    expect(result.toolCalls).toEqual([
      { id: 'a', name: 'noargs', input: {} },
      { id: 'b', name: 'broken', input: '{"cut": "off' },
    ]);
  });

  it('overlays usage field by field, with later values winning', async () => {
    const result = await accumulateChat([
      { type: 'usage', usage: { inputTokens: 10, outputTokens: 1, cacheReadTokens: 4 } },
      { type: 'usage', usage: { outputTokens: 20 } },
      { type: 'usage', usage: { inputTokens: 12 } },
    ]);
    expect(result.usage).toEqual({ inputTokens: 12, outputTokens: 20, cacheReadTokens: 4 });
  });

  it('keeps the last stop reason and error, and ignores thinking signatures', async () => {
    const result = await accumulateChat([
      { type: 'thinking-signature', signature: 'sig' },
      { type: 'stop', reason: 'tool_use' },
      { type: 'stop', reason: 'end_turn' },
      { type: 'error', error: { type: 'a', message: '1' } },
      { type: 'error', error: { type: 'b', message: '2' } },
    ]);
    expect(result).toEqual({
      text: '',
      thinking: '',
      toolCalls: [],
      stopReason: 'end_turn',
      usage: {},
      error: { type: 'b', message: '2' },
      complete: false,
    });
  });
});

// ---------------------------------------------------------------------------------------
// Differential oracle: the official SDK (@anthropic-ai/sdk 1.12.0) reads the same bytes.
// ---------------------------------------------------------------------------------------

interface Comparable {
  text: string;
  thinking: string;
  toolCalls: { id: string; name: string; input: unknown }[];
  stopReason: string | null;
  usage: Record<string, number>;
  error: { type: string; message: string } | null;
}

async function viaSdk(text: string): Promise<Comparable> {
  const bytes = new TextEncoder().encode(text);
  const client = new Anthropic({
    apiKey: 'x',
    maxRetries: 0,
    fetch: async () => new Response(bytes, { headers: { 'content-type': 'text/event-stream' } }),
  });
  const stream = client.messages.stream({ model: 'claude-sonnet-5-5', max_tokens: 1024, messages: [{ role: 'user', content: 'Hi' }] });
  let streamedText = '';
  stream.on('text', (delta) => {
    streamedText += delta;
  });
  try {
    const message = await stream.finalMessage();
    const usage: Record<string, number> = {};
    const u = message.usage;
    if (typeof u.input_tokens === 'number') usage.inputTokens = u.input_tokens;
    if (typeof u.output_tokens === 'number') usage.outputTokens = u.output_tokens;
    if (typeof u.cache_read_input_tokens === 'number') usage.cacheReadTokens = u.cache_read_input_tokens;
    if (typeof u.cache_creation_input_tokens === 'number') usage.cacheWriteTokens = u.cache_creation_input_tokens;
    return {
      text: message.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join(''),
      thinking: message.content.flatMap((b) => (b.type === 'thinking' ? [b.thinking] : [])).join(''),
      toolCalls: message.content.flatMap((b) => (b.type === 'tool_use' ? [{ id: b.id, name: b.name, input: b.input }] : [])),
      stopReason: message.stop_reason,
      usage,
      error: null,
    };
  } catch (cause) {
    if (!(cause instanceof Anthropic.APIError)) throw cause;
    const body = cause.error as { error?: { type: string; message: string } } | undefined;
    return {
      text: streamedText,
      thinking: '',
      toolCalls: [],
      stopReason: null,
      usage: {},
      error: body?.error ?? null,
    };
  }
}

async function viaOurs(text: string, chunkSize: number): Promise<Comparable> {
  const result = await ours(text, chunkSize);
  return {
    text: result.text,
    thinking: result.thinking,
    toolCalls: result.toolCalls,
    stopReason: result.stopReason,
    // The SDK gives no usage for a failed stream; compare usage only for finished ones.
    usage: result.error ? {} : (result.usage as Record<string, number>),
    error: result.error,
  };
}

/** Extra streams in the documented wire format, for cases the fixtures do not cover. */
const event = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
const SYNTHETIC: Record<string, string> = {
  'two tool calls, cache usage, max_tokens':
    event('message_start', {
      type: 'message_start',
      message: {
        id: 'msg_s1',
        type: 'message',
        role: 'assistant',
        content: [],
        model: 'm',
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 10, output_tokens: 1, cache_read_input_tokens: 2048, cache_creation_input_tokens: 0 },
      },
    }) +
    event('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: 'Checking ' } }) +
    event('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'both.' } }) +
    event('content_block_stop', { type: 'content_block_stop', index: 0 }) +
    event('content_block_start', {
      type: 'content_block_start',
      index: 1,
      content_block: { type: 'tool_use', id: 'toolu_a', name: 'lookup', input: {} },
    }) +
    event('content_block_delta', {
      type: 'content_block_delta',
      index: 1,
      delta: { type: 'input_json_delta', partial_json: '{"q": "caf' },
    }) +
    event('content_block_delta', {
      type: 'content_block_delta',
      index: 1,
      delta: { type: 'input_json_delta', partial_json: 'é ☕", "n": [1, 2.5, null]}' },
    }) +
    event('content_block_stop', { type: 'content_block_stop', index: 1 }) +
    event('content_block_start', {
      type: 'content_block_start',
      index: 2,
      content_block: { type: 'tool_use', id: 'toolu_b', name: 'now', input: {} },
    }) +
    event('content_block_stop', { type: 'content_block_stop', index: 2 }) +
    event('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: 'max_tokens', stop_sequence: null },
      usage: { output_tokens: 40, input_tokens: 11, cache_creation_input_tokens: 5 },
    }) +
    event('message_stop', { type: 'message_stop' }),
  'many small text deltas with a ping (test helper)': anthropicSse(['a', 'β', ' 🍕', '\n', '"q"', '\\', ''], {
    stopReason: 'stop_sequence',
  }),
};

describe('differential: our reader agrees with @anthropic-ai/sdk 1.12.0', () => {
  const cases: [string, string][] = [
    ...ANTHROPIC_FIXTURES.map((name) => [name, loadText(name)] as [string, string]),
    ...Object.entries(SYNTHETIC),
  ];

  it.each(cases)('%s: same text, thinking, tool inputs, stop reason, usage and error', async (_name, text) => {
    const expected = await viaSdk(text);
    expect(await viaOurs(text, 7)).toEqual(expected);
    expect(await viaOurs(text, 1)).toEqual(expected);
  });

  it('the oracle really sees the content (guards against comparing two empty results)', async () => {
    const sdk = await Promise.all(cases.map(([, text]) => viaSdk(text)));
    expect(sdk.map((r) => r.text.length > 0 || r.toolCalls.length > 0)).toEqual(cases.map(() => true));
    expect(sdk.find((r) => r.toolCalls.length === 2)?.toolCalls[1]).toEqual({ id: 'toolu_b', name: 'now', input: {} });
    expect(sdk.some((r) => r.error?.type === 'overloaded_error')).toBe(true);
  });
});
