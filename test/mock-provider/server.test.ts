import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockProvider, type MockProvider, type Scenario } from './server.ts';
import { accumulateChat, readChatStream, type StreamFormat } from '../../src/providers/index.ts';

let mock: MockProvider;

type ErrorClass = abstract new (...args: never[]) => Error;

beforeAll(async () => {
  mock = await startMockProvider();
});
afterAll(async () => {
  await mock.close();
});
beforeEach(() => {
  mock.reset();
});

const ANTHROPIC_HEADERS = {
  'content-type': 'application/json',
  'x-api-key': 'sk-ant-test',
  'anthropic-version': '2023-06-01',
};

function anthropicBody(extra: Record<string, unknown> = {}) {
  return JSON.stringify({
    model: 'claude-test',
    max_tokens: 256,
    stream: true,
    messages: [{ role: 'user', content: 'Summarize: the quick brown fox jumps over the lazy dog' }],
    ...extra,
  });
}

function postAnthropic(extra: Record<string, unknown> = {}, init: RequestInit = {}) {
  return fetch(`${mock.url}/v1/messages`, {
    method: 'POST',
    headers: ANTHROPIC_HEADERS,
    body: anthropicBody(extra),
    ...init,
  });
}

/** Read a body to the end, keeping every read as it arrived. */
async function readChunks(res: Response): Promise<Uint8Array[]> {
  const reader = res.body!.getReader();
  const chunks: Uint8Array[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return chunks;
    chunks.push(value);
  }
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Minimal SSE framing for assertions (the project's real parser lives in src/sse). */
function parseSSE(text: string): { event: string | null; data: string }[] {
  return text
    .split(/\n\n/)
    .filter((block) => block.trim() !== '')
    .map((block) => {
      let event: string | null = null;
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      return { event, data: data.join('\n') };
    });
}

function anthropicText(text: string): string {
  return parseSSE(text)
    .filter((e) => e.event === 'content_block_delta')
    .map((e) => JSON.parse(e.data) as { delta: { type: string; text?: string } })
    .filter((e) => e.delta.type === 'text_delta')
    .map((e) => e.delta.text)
    .join('');
}

function anthropicClient(options: { apiKey?: string } = {}) {
  return new Anthropic({ apiKey: options.apiKey ?? 'sk-ant-test', baseURL: mock.url, maxRetries: 0 });
}

function openaiClient(options: { apiKey?: string } = {}) {
  return new OpenAI({ apiKey: options.apiKey ?? 'sk-test', baseURL: `${mock.url}/v1`, maxRetries: 0 });
}

describe('Anthropic wire format', () => {
  it('streams the event sequence byte for byte like the API (padding off)', async () => {
    mock.enqueue({ text: ['Hello', ' there', '!'], padding: false, usage: { inputTokens: 11 } });
    const res = await postAnthropic();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('request-id')).toMatch(/^req_011C\w{20}$/);
    const text = new TextDecoder().decode(concat(await readChunks(res)));
    const normalized = text.replace(/"msg_01\w+"/, '"MSG_ID"');
    expect(normalized).toBe(
      'event: message_start\n' +
        'data: {"type":"message_start","message":{"model":"claude-test","id":"MSG_ID","type":"message","role":"assistant","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":11,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":0},"output_tokens":1,"service_tier":"standard","inference_geo":"not_available"}}}\n\n' +
        'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n' +
        'event: ping\ndata: {"type": "ping"}\n\n' +
        'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}\n\n' +
        'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" there"}}\n\n' +
        'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"!"}}\n\n' +
        'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n' +
        'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"input_tokens":11,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":3}}\n\n' +
        'event: message_stop\ndata: {"type":"message_stop"}\n\n',
    );
  });

  it('pads data lines like the real API by default, and the SDK accepts it', async () => {
    mock.enqueue({ text: ['Hi', ' you'] });
    const message = await anthropicClient()
      .messages.stream({ model: 'claude-test', max_tokens: 100, messages: [{ role: 'user', content: 'hey' }] })
      .finalMessage();
    expect(message.content).toEqual([{ type: 'text', text: 'Hi you' }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage.output_tokens).toBe(2);
    mock.enqueue({ text: ['a'] });
    const raw = (await (await postAnthropic()).text()).split('\n').filter((l) => l.startsWith('data: {"type":"content_block_stop"'));
    expect(raw[0]).toMatch(/"index":0 +\}$/);
  });

  it('the official SDK assembles text, thinking and a tool call from our bytes', async () => {
    mock.enqueue({
      thinking: ['Let me', ' think.'],
      text: ['I will check', ' the weather.'],
      toolCalls: [{ name: 'get_weather', id: 'toolu_01Test', inputJson: ['{"locati', 'on": "P', 'aris"}'] }],
      usage: { inputTokens: 377, outputTokens: 65, cacheReadTokens: 5 },
    });
    const message = await anthropicClient()
      .messages.stream({ model: 'claude-test', max_tokens: 100, messages: [{ role: 'user', content: 'Weather in Paris?' }] })
      .finalMessage();
    expect(message.content[0]).toMatchObject({ type: 'thinking', thinking: 'Let me think.' });
    expect(message.content[1]).toEqual({ type: 'text', text: 'I will check the weather.' });
    expect(message.content[2]).toMatchObject({
      type: 'tool_use',
      id: 'toolu_01Test',
      name: 'get_weather',
      input: { location: 'Paris' },
    });
    expect(message.stop_reason).toBe('tool_use');
    expect(message.usage).toMatchObject({ input_tokens: 377, output_tokens: 65, cache_read_input_tokens: 5 });
    expect(message.model).toBe('claude-test');
  });

  it('replays raw SSE bytes (an SDK fixture) through the SDK', async () => {
    const fixture =
      'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_4QpJur2dWWDjF6C758FbBw5vm12BaVipnK","type":"message","role":"assistant","content":[],"model":"claude-3-opus-20240229","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":11,"output_tokens":1}}}\n\n' +
      'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n' +
      'event: ping\ndata: {"type": "ping"}\n\n' +
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}\n\n' +
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" there"}}\n\n' +
      'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n' +
      'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":6}}\n\n' +
      'event: message_stop\ndata: {"type":"message_stop"}\n\n';
    mock.enqueue({ raw: fixture, chunking: { bytes: 5 }, writeGapMs: 0 });
    const message = await anthropicClient()
      .messages.stream({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] })
      .finalMessage();
    expect(message.content).toEqual([{ type: 'text', text: 'Hello there' }]);
    expect(message.id).toBe('msg_4QpJur2dWWDjF6C758FbBw5vm12BaVipnK');
  });

  it('answers stream:false with a JSON Message and honours max_tokens (the "Test connection" request)', async () => {
    mock.enqueue({ text: ['Hello', ' world'] });
    const message = await anthropicClient().messages.create({
      model: 'claude-test',
      max_tokens: 1,
      messages: [{ role: 'user', content: 'ping' }],
    });
    expect(message).toMatchObject({ type: 'message', role: 'assistant', model: 'claude-test', stop_reason: 'max_tokens' });
    expect(message.content).toEqual([{ type: 'text', text: 'Hello' }]);
    expect(mock.requests[0]?.body).toMatchObject({ max_tokens: 1 });
  });

  it('lists models in Anthropic shape when the request carries anthropic-version', async () => {
    const page = await anthropicClient().models.list();
    expect(page.data.length).toBeGreaterThan(0);
    expect(page.data[0]).toMatchObject({ type: 'model', id: expect.any(String), display_name: expect.any(String) });
    const res = await fetch(`${mock.url}/v1/models`);
    expect(await res.json()).toMatchObject({
      object: 'list',
      data: expect.arrayContaining([expect.objectContaining({ object: 'model' })]),
    });
  });
});

describe('chunking and timing', () => {
  it('cuts the body at the given byte offsets, mid UTF-8 sequence included', async () => {
    const scenario: Scenario = { text: ['héllo ', '🌍 wörld'], padding: false, writeGapMs: 30 };
    mock.enqueue({ ...scenario });
    const whole = concat(await readChunks(await postAnthropic()));
    // Cut inside the 4-byte emoji and inside "é".
    const emojiAt = Buffer.from(whole).indexOf(Buffer.from('🌍'));
    const eAt = Buffer.from(whole).indexOf(Buffer.from('é'));
    const offsets = [eAt + 1, emojiAt + 1, emojiAt + 3, 100];
    mock.enqueue({ ...scenario, chunking: { offsets } });
    const chunks = await readChunks(await postAnthropic());
    expect(chunks.map((c) => c.length)).toEqual(
      [...offsets, whole.length].sort((a, b) => a - b).map((o, i, all) => o - (i === 0 ? 0 : all[i - 1]!)),
    );
    const decoder = new TextDecoder();
    const text = chunks.map((c) => decoder.decode(c, { stream: true })).join('') + decoder.decode();
    expect(anthropicText(text)).toBe('héllo 🌍 wörld');
    expect(text.replace(/"msg_01\w+"/, '')).toBe(new TextDecoder().decode(whole).replace(/"msg_01\w+"/, ''));
  });

  it('cuts the body every N bytes', async () => {
    mock.enqueue({ text: ['abc', 'def'], chunking: { bytes: 64 }, writeGapMs: 15 });
    const chunks = await readChunks(await postAnthropic());
    expect(chunks.length).toBeGreaterThan(5);
    expect(chunks.slice(0, -1).every((c) => c.length === 64)).toBe(true);
    expect(anthropicText(new TextDecoder().decode(concat(chunks)))).toBe('abcdef');
  });

  it('sends one event per write with delayMs between events', async () => {
    mock.enqueue({ text: ['a', 'b', 'c', 'd'], delayMs: 60 });
    const started = Date.now();
    const res = await postAnthropic();
    const reader = res.body!.getReader();
    const arrivals: { at: number; text: string }[] = [];
    const decoder = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      arrivals.push({ at: Date.now() - started, text: decoder.decode(value) });
    }
    const deltaArrivals = arrivals.filter((a) => a.text.includes('content_block_delta'));
    expect(deltaArrivals).toHaveLength(4);
    // 9 events → 8 gaps of 60 ms.
    expect(arrivals.at(-1)!.at).toBeGreaterThanOrEqual(8 * 60 - 20);
    for (let i = 1; i < deltaArrivals.length; i++) {
      expect(deltaArrivals[i]!.at - deltaArrivals[i - 1]!.at).toBeGreaterThanOrEqual(45);
    }
    // The server's own log of when each delta went out (on the high-resolution epoch clock).
    const writes = mock.requests.find((r) => r.chat)!.deltaWrites!;
    expect(writes).toHaveLength(4);
    expect(writes[0]).toBeGreaterThanOrEqual(performance.timeOrigin);
    for (let i = 1; i < writes.length; i++) expect(writes[i]! - writes[i - 1]!).toBeGreaterThanOrEqual(55);
    expect(mock.requests.find((r) => r.chat)!.clientClosedAt).toBeUndefined();
  });

  it('pause: silence after the given number of deltas, then the rest', async () => {
    mock.enqueue({ text: ['a', 'b', 'c', 'd'], delayMs: 5, pause: { afterDeltas: 2, ms: 400 } });
    const started = Date.now();
    const res = await postAnthropic();
    const reader = res.body!.getReader();
    const deltas: { at: number; text: string }[] = [];
    const decoder = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const text = decoder.decode(value);
      if (text.includes('content_block_delta')) deltas.push({ at: Date.now() - started, text });
    }
    expect(deltas.map((d) => JSON.parse(d.text.split('data: ')[1]!).delta.text)).toEqual(['a', 'b', 'c', 'd']);
    expect(deltas[2]!.at - deltas[1]!.at).toBeGreaterThanOrEqual(380);
    expect(deltas[1]!.at - deltas[0]!.at).toBeLessThan(200);
    expect(deltas[3]!.at - deltas[2]!.at).toBeLessThan(200);
  });

  it('the default scenario quotes the question word by word', async () => {
    const text = await (await postAnthropic()).text();
    const deltas = parseSSE(text).filter((e) => e.event === 'content_block_delta');
    expect(deltas.length).toBeGreaterThan(10);
    expect(anthropicText(text)).toContain('"Summarize: the quick brown fox jumps over the lazy dog"');
  });
});

describe('endings', () => {
  it('event: error with overloaded_error after N deltas; the SDK reports it', async () => {
    mock.enqueue({ text: ['one', ' two', ' three', ' four'], end: { kind: 'error', afterDeltas: 2 } });
    const text = await (await postAnthropic()).text();
    expect(anthropicText(text)).toBe('one two');
    const last = parseSSE(text).at(-1)!;
    expect(last.event).toBe('error');
    expect(JSON.parse(last.data)).toMatchObject({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    expect(text).not.toContain('message_stop');

    mock.enqueue({ text: ['one', ' two', ' three'], end: { kind: 'error', afterDeltas: 1 } });
    const stream = anthropicClient().messages.stream({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] });
    const seen: string[] = [];
    stream.on('text', (t) => seen.push(t));
    const error = await stream.finalMessage().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect((error as InstanceType<typeof Anthropic.APIError>).type).toBe('overloaded_error');
    expect(seen).toEqual(['one']);
  });

  it('no-end-marker ends the response cleanly without message_stop', async () => {
    mock.enqueue({ text: ['a', 'b', 'c'], end: { kind: 'no-end-marker' } });
    const text = await (await postAnthropic()).text();
    expect(text).toContain('message_delta');
    expect(text).not.toContain('message_stop');
    mock.enqueue({ text: ['a', 'b', 'c'], end: { kind: 'no-end-marker', afterDeltas: 2 } });
    const cut = await (await postAnthropic()).text();
    expect(anthropicText(cut)).toBe('ab');
    expect(cut).not.toContain('content_block_stop');
    expect((await mock.responseFinished(1)).clientClosed).toBe(false);
  });

  it('destroy after N deltas kills the socket mid-stream (client sees a network error)', async () => {
    mock.enqueue({ text: ['a', 'b', 'c', 'd'], end: { kind: 'destroy', afterDeltas: 2 } });
    const res = await postAnthropic();
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const error = await (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return null;
        text += decoder.decode(value, { stream: true });
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(anthropicText(text)).toBe('ab');
    expect(await mock.responseFinished(0)).toEqual({ clientClosed: false });
  });

  it('OpenAI dialect: in-stream error and missing [DONE]', async () => {
    mock.enqueue({ text: ['x', 'y', 'z'], end: { kind: 'error', afterDeltas: 2 } });
    const res = await fetch(`${mock.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'gpt-test', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    const events = parseSSE(await res.text());
    expect(JSON.parse(events.at(-1)!.data)).toEqual({
      error: { message: expect.any(String), type: 'server_error', param: null, code: null },
    });
    expect(events.some((e) => e.data === '[DONE]')).toBe(false);
  });
});

describe('client-close detection', () => {
  it('reports clientClosed when the client aborts mid-stream, within a second', async () => {
    mock.enqueue({ text: Array.from({ length: 50 }, (_, i) => `w${i} `), delayMs: 100 });
    const controller = new AbortController();
    const res = await postAnthropic({}, { signal: controller.signal });
    const reader = res.body!.getReader();
    let text = '';
    const decoder = new TextDecoder();
    while (!text.includes('"w1 "')) {
      const { value } = await reader.read();
      text += decoder.decode(value, { stream: true });
    }
    const req = await mock.nextRequest();
    const abortedAt = performance.timeOrigin + performance.now();
    controller.abort();
    expect(await mock.responseFinished(req.index, 2000)).toEqual({ clientClosed: true });
    const closedAt = mock.requests[req.index]!.clientClosedAt!;
    expect(closedAt).toBeGreaterThanOrEqual(abortedAt);
    expect(closedAt - abortedAt).toBeLessThan(1000);
  });

  it('hangAfterHeaders sends headers then nothing; the abort is still seen', async () => {
    mock.enqueue({ hangAfterHeaders: true });
    const controller = new AbortController();
    const res = await postAnthropic({}, { signal: controller.signal });
    expect(res.status).toBe(200);
    const read = res.body!.getReader().read();
    const raced = await Promise.race([read.then(() => 'data'), new Promise((r) => setTimeout(() => r('silence'), 300))]);
    expect(raced).toBe('silence');
    controller.abort();
    await read.catch(() => {});
    expect(await mock.responseFinished(0, 2000)).toEqual({ clientClosed: true });
  });

  it('a normally finished response is not a client close', async () => {
    mock.enqueue({ text: ['ok'] });
    await (await postAnthropic()).text();
    expect(await mock.responseFinished(0, 2000)).toEqual({ clientClosed: false });
  });
});

describe('validation and HTTP errors (Anthropic)', () => {
  async function errorOf(res: Response) {
    return {
      status: res.status,
      body: (await res.json()) as { type: string; error: { type: string; message: string }; request_id: string },
    };
  }

  it('requires anthropic-version, x-api-key, model, max_tokens and messages', async () => {
    const noVersion = await fetch(`${mock.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': 'k', 'content-type': 'application/json' },
      body: anthropicBody(),
    });
    expect(await errorOf(noVersion)).toMatchObject({
      status: 400,
      body: { type: 'error', error: { type: 'invalid_request_error', message: 'anthropic-version: header is required' } },
    });
    const noKey = await fetch(`${mock.url}/v1/messages`, {
      method: 'POST',
      headers: { 'anthropic-version': '2023-06-01' },
      body: anthropicBody(),
    });
    expect(await errorOf(noKey)).toMatchObject({ status: 401, body: { error: { type: 'authentication_error' } } });
    for (const field of ['model', 'max_tokens', 'messages']) {
      const body = JSON.parse(anthropicBody()) as Record<string, unknown>;
      delete body[field];
      const res = await fetch(`${mock.url}/v1/messages`, { method: 'POST', headers: ANTHROPIC_HEADERS, body: JSON.stringify(body) });
      expect(await errorOf(res)).toMatchObject({
        status: 400,
        body: { error: { type: 'invalid_request_error', message: `${field}: Field required` } },
      });
    }
  });

  it('applies the browser-access rule to requests with an Origin', async () => {
    const denied = await postAnthropic({}, { headers: { ...ANTHROPIC_HEADERS, origin: 'chrome-extension://abc' } });
    expect(await errorOf(denied)).toMatchObject({ status: 401, body: { error: { type: 'authentication_error' } } });
    const allowed = await postAnthropic(
      {},
      { headers: { ...ANTHROPIC_HEADERS, origin: 'chrome-extension://abc', 'anthropic-dangerous-direct-browser-access': 'true' } },
    );
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('chrome-extension://abc');
    await allowed.body?.cancel();
  });

  it('requireApiKey: 401 authentication_error on a wrong key, SDK maps it', async () => {
    mock.enqueue({ requireApiKey: 'sk-right', text: ['ok'] }, { requireApiKey: 'sk-right', text: ['ok'] });
    const error = await anthropicClient({ apiKey: 'sk-wrong' })
      .messages.create({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    const ok = await anthropicClient({ apiKey: 'sk-right' }).messages.create({
      model: 'm',
      max_tokens: 5,
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(ok.content).toEqual([{ type: 'text', text: 'ok' }]);
  });

  const cases: [number, string, ErrorClass][] = [
    [400, 'invalid_request_error', Anthropic.BadRequestError],
    [401, 'authentication_error', Anthropic.AuthenticationError],
    [403, 'permission_error', Anthropic.PermissionDeniedError],
    [404, 'not_found_error', Anthropic.NotFoundError],
    [413, 'request_too_large', Anthropic.APIError],
    [429, 'rate_limit_error', Anthropic.RateLimitError],
    [500, 'api_error', Anthropic.InternalServerError],
    [529, 'overloaded_error', Anthropic.InternalServerError],
  ];
  for (const [status, type, errorClass] of cases) {
    it(`HTTP ${status} ${type}: real body and headers; the SDK throws its ${errorClass.name}`, async () => {
      mock.enqueue({ httpError: { status } });
      const res = await postAnthropic();
      const { body } = await errorOf(res);
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(res.headers.get('request-id')).toBe(body.request_id);
      expect(Object.keys(body)).toEqual(['type', 'error', 'request_id']);
      expect(body).toMatchObject({ type: 'error', error: { type, message: expect.any(String) } });
      if (status === 429) expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      if (status === 404) expect(body.error.message).toBe('model: claude-test');

      mock.enqueue({ httpError: { status } });
      const error = await anthropicClient()
        .messages.stream({ model: 'claude-test', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] })
        .finalMessage()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(errorClass);
      expect((error as InstanceType<typeof Anthropic.APIError>).status).toBe(status);
      expect((error as InstanceType<typeof Anthropic.APIError>).type).toBe(type);
    });
  }

  it('retryAfter and raw (non-JSON) bodies', async () => {
    mock.enqueue(
      { httpError: { status: 429, retryAfter: 3 } },
      { httpError: { status: 413, rawBody: '<html>413 Request Entity Too Large</html>' } },
    );
    expect((await postAnthropic()).headers.get('retry-after')).toBe('3');
    const res = await postAnthropic();
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toBe('text/html');
    expect(await res.text()).toContain('413');
  });

  it('redirect: a 307 with the location, never followed here', async () => {
    mock.enqueue({ redirect: { location: 'http://127.0.0.1:9/v1/messages' } });
    const res = await postAnthropic({}, { redirect: 'manual' });
    expect(res.status).toBe(307);
    expect(res.headers.get('location')).toBe('http://127.0.0.1:9/v1/messages');
  });
});

describe('OpenAI dialect', () => {
  it('the official SDK assembles a streamed completion with usage from our bytes', async () => {
    mock.enqueue({ text: ['Hel', 'lo', ' world'], usage: { inputTokens: 9, outputTokens: 3 }, delayMs: 5 });
    const completion = await openaiClient()
      .chat.completions.stream({
        model: 'gpt-test',
        messages: [{ role: 'user', content: 'hi' }],
        stream_options: { include_usage: true },
      })
      .finalChatCompletion();
    expect(completion.choices[0]?.message.content).toBe('Hello world');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 });
    const req = await mock.nextRequest();
    expect(req).toMatchObject({ method: 'POST', path: '/v1/chat/completions', dialect: 'openai', chat: true });
    expect(req.headers.authorization).toBe('Bearer sk-test');
  });

  it('streams tool_calls and reasoning; create({stream:true}) iterates chunks', async () => {
    mock.enqueue({
      thinking: ['hmm'],
      text: [],
      toolCalls: [{ name: 'get_weather', input: { location: 'Paris', unit: 'celsius' } }],
    });
    const stream = await openaiClient().chat.completions.create({
      model: 'gpt-test',
      stream: true,
      messages: [{ role: 'user', content: 'weather?' }],
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const args = chunks
      .flatMap((c) => c.choices[0]?.delta.tool_calls ?? [])
      .map((t) => t.function?.arguments ?? '')
      .join('');
    expect(JSON.parse(args)).toEqual({ location: 'Paris', unit: 'celsius' });
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('tool_calls');
    expect(chunks.some((c) => (c.choices[0]?.delta as { reasoning_content?: string } | undefined)?.reasoning_content === 'hmm')).toBe(
      true,
    );

    mock.enqueue({ toolCalls: [{ name: 'f', input: { a: 1 } }], text: [] });
    const final = await openaiClient()
      .chat.completions.stream({ model: 'gpt-test', messages: [{ role: 'user', content: 'x' }] })
      .finalChatCompletion();
    expect(final.choices[0]?.message.tool_calls?.[0]).toMatchObject({
      type: 'function',
      function: { name: 'f', arguments: '{"a":1}' },
    });
  });

  it('answers stream:false with a chat.completion object', async () => {
    mock.enqueue({ text: ['Just', ' JSON'] });
    const completion = await openaiClient().chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'x' }] });
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]?.message.content).toBe('Just JSON');
  });

  it('ends with data: [DONE] and sends the usage chunk only when asked', async () => {
    mock.enqueue({ text: ['a'] }, { text: ['a'] });
    const post = (includeUsage: boolean) =>
      fetch(`${mock.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer x' },
        body: JSON.stringify({
          model: 'gpt-test',
          stream: true,
          ...(includeUsage && { stream_options: { include_usage: true } }),
          messages: [{ role: 'user', content: 'x' }],
        }),
      });
    const withUsage = parseSSE(await (await post(true)).text());
    expect(withUsage.at(-1)?.data).toBe('[DONE]');
    const usageChunk = JSON.parse(withUsage.at(-2)!.data) as { choices: unknown[]; usage: unknown };
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage).toMatchObject({ prompt_tokens: expect.any(Number), completion_tokens: 1 });
    const withoutUsage = parseSSE(await (await post(false)).text());
    expect(withoutUsage.at(-1)?.data).toBe('[DONE]');
    expect(withoutUsage.slice(0, -1).every((e) => !('usage' in (JSON.parse(e.data) as object)))).toBe(true);
  });

  const cases: [number, string | undefined, string, string | null, ErrorClass][] = [
    [401, undefined, 'invalid_request_error', 'invalid_api_key', OpenAI.AuthenticationError],
    [404, undefined, 'invalid_request_error', 'model_not_found', OpenAI.NotFoundError],
    [429, undefined, 'requests', 'rate_limit_exceeded', OpenAI.RateLimitError],
    [429, 'insufficient_quota', 'insufficient_quota', 'insufficient_quota', OpenAI.RateLimitError],
    [500, undefined, 'server_error', null, OpenAI.InternalServerError],
    [503, undefined, 'server_error', null, OpenAI.InternalServerError],
  ];
  for (const [status, code, type, expectedCode, errorClass] of cases) {
    it(`HTTP ${status} ${expectedCode ?? type}: real body; the SDK throws its ${errorClass.name}`, async () => {
      mock.enqueue({ httpError: { status, ...(code !== undefined && { code }) } });
      const res = await fetch(`${mock.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: 'Bearer sk-abcdefghijklmnop' },
        body: JSON.stringify({ model: 'gpt-test', stream: true, messages: [{ role: 'user', content: 'x' }] }),
      });
      const raw = await res.text();
      expect(res.status).toBe(status);
      expect(raw).toMatch(/^\{\n {4}"error": \{\n {8}"message": /);
      const body = JSON.parse(raw) as { error: Record<string, unknown> };
      expect(Object.keys(body.error)).toEqual(['message', 'type', 'param', 'code']);
      expect(body.error).toMatchObject({ type, code: expectedCode });
      if (expectedCode === 'invalid_api_key') expect(body.error.message).not.toContain('sk-abcdefghijklmnop');
      if (expectedCode === 'rate_limit_exceeded') expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      if (expectedCode === 'insufficient_quota') expect(res.headers.get('retry-after')).toBeNull();

      mock.enqueue({ httpError: { status, ...(code !== undefined && { code }) } });
      const error = await openaiClient()
        .chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'x' }] })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(errorClass);
      expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe(expectedCode);
    });
  }

  it('requireApiKey checks the Bearer token', async () => {
    mock.enqueue({ requireApiKey: 'sk-right' });
    const error = await openaiClient({ apiKey: 'sk-wrong-key-123' })
      .chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe('invalid_api_key');
  });

  it('validates model and messages', async () => {
    const res = await fetch(`${mock.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'gpt-test' }) });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: {
        message: "Missing required parameter: 'messages'.",
        type: 'invalid_request_error',
        param: 'messages',
        code: 'missing_required_parameter',
      },
    });
  });

  it('lists models', async () => {
    const page = await openaiClient().models.list();
    expect(page.data.map((m) => m.object)).toContain('model');
  });
});

describe('queue, recording, CORS', () => {
  it('consumes scenarios in order, then falls back to the default', async () => {
    mock.enqueue({ text: ['first'] }, { text: ['second'] });
    const texts = [];
    for (let i = 0; i < 2; i++) texts.push(anthropicText(await (await postAnthropic()).text()));
    expect(texts).toEqual(['first', 'second']);
    expect(mock.pending).toBe(0);
    // The third request gets the default scenario: read its first delta, then hang up.
    const controller = new AbortController();
    const res = await postAnthropic({}, { signal: controller.signal });
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('text_delta')) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    expect(text).toContain('"text":"Hello"');
  });

  it('nextRequest returns already-arrived requests in order, then waits for the next one', async () => {
    mock.enqueue({ text: ['a'] }, { text: ['b'] }, { text: ['c'] });
    await (await postAnthropic({ messages: [{ role: 'user', content: 'one' }] })).text();
    await (await postAnthropic({ messages: [{ role: 'user', content: 'two' }] })).text();
    expect((await mock.nextRequest()).body).toMatchObject({ messages: [{ content: 'one' }] });
    expect((await mock.nextRequest()).body).toMatchObject({ messages: [{ content: 'two' }] });
    const pending = mock.nextRequest();
    await (await postAnthropic({ messages: [{ role: 'user', content: 'three' }] })).text();
    const third = await pending;
    expect(third.body).toMatchObject({ messages: [{ content: 'three' }] });
    expect(third.headers['x-api-key']).toBe('sk-ant-test');
    await expect(mock.nextRequest(50)).rejects.toThrow(/timed out/);
  });

  it('answers preflights like a permissive local server', async () => {
    const res = await fetch(`${mock.url}/v1/messages`, {
      method: 'OPTIONS',
      headers: {
        origin: 'moz-extension://1234',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'x-api-key, anthropic-version, content-type, x-custom',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('moz-extension://1234');
    const allowed = res.headers.get('access-control-allow-headers')!.split(', ');
    for (const h of [
      'x-api-key',
      'anthropic-version',
      'anthropic-dangerous-direct-browser-access',
      'authorization',
      'content-type',
      'x-custom',
    ]) {
      expect(allowed).toContain(h);
    }
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    expect(mock.requests[0]).toMatchObject({ method: 'OPTIONS', chat: false });
  });

  it('unknown paths get a 404 in the right shape and do not consume scenarios', async () => {
    mock.enqueue({ text: ['kept'] });
    const res = await fetch(`${mock.url}/v1/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { message: expect.any(String) } });
    expect(mock.pending).toBe(1);
  });
});

describe('custom SSE shapes (custom-sse.ts), read by Aside’s own custom dialect', () => {
  const ask = (shape: string, scenario: Scenario) => {
    mock.enqueue(scenario);
    return fetch(`${mock.url}/custom/stream?shape=${shape}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'Hi' }], stream: true }),
    });
  };
  const read = async (response: Response, format: Omit<Extract<StreamFormat, { kind: 'custom' }>, 'kind'>) =>
    accumulateChat(readChatStream({ kind: 'custom', ...format }, response.body!));

  it('jsonpath: the text under a dotted key only JSONPath names, then [DONE]', async () => {
    const response = await ask('jsonpath', { text: ['Hel', 'lo'] });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(await read(response, { textPath: "$.result['my.text']" })).toMatchObject({ text: 'Hello', complete: true });
    expect(mock.requests.at(-1)).toMatchObject({ path: '/custom/stream', dialect: 'custom', chat: true });
  });

  it('plain: the data lines are the text, a line break as two data lines', async () => {
    const response = await ask('plain', { text: ['Line', ' one\nline two'] });
    expect(await read(response, { dataMode: 'text', textPath: '' })).toMatchObject({ text: 'Line one\nline two', complete: true });
  });

  it('tagged: numbered lines and pings, for a regular expression', async () => {
    const response = await ask('tagged', { text: ['a', 'b|c'] });
    expect(await read(response, { dataMode: 'regex', textPath: '', pattern: '^\\d+\\|(?<text>.*)$' })).toMatchObject({
      text: 'ab|c',
      complete: true,
    });
  });
});
