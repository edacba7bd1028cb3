/**
 * OpenAI chat completions and the compatible family: the request builder, each rule of the
 * chunk mapping (written from the chat-streaming reference and the compatible servers'
 * docs), and the OpenAI-family HTTP error messages.
 */
import { describe, expect, it } from 'vitest';
import { failureError } from '../../src/background/answers/errors.ts';
import { OLLAMA_ORIGINS_SETTING } from '../../src/providers/catalog.ts';
import { accumulateChat, MALFORMED_STREAM_ERROR, readChatStream, type ChatDelta } from '../../src/providers/index.ts';
import {
  buildOpenAIRequest,
  isLikelyOllama,
  mapOpenAIUsage,
  openAIProvider,
  usesMaxCompletionTokens,
} from '../../src/providers/openai.ts';

const enc = new TextEncoder();

function bodyOf(text: string, size = 5): ReadableStream<Uint8Array> {
  const bytes = enc.encode(text);
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + size));
      offset += size;
    },
  });
}

/** `data: <json>` events, one per item; strings are sent as they are. */
const sse = (...items: unknown[]): string =>
  items.map((item) => `data: ${typeof item === 'string' ? item : JSON.stringify(item)}\n\n`).join('');

const chunk = (delta: Record<string, unknown>, finish: string | null = null, extra: Record<string, unknown> = {}) => ({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'gpt-4o',
  choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  ...extra,
});

async function deltas(text: string): Promise<ChatDelta[]> {
  const out: ChatDelta[] = [];
  for await (const d of readChatStream({ kind: 'openai' }, bodyOf(text))) out.push(d);
  return out;
}

const result = (text: string) => accumulateChat(readChatStream({ kind: 'openai' }, bodyOf(text)));

describe('buildOpenAIRequest', () => {
  const messages = [
    { role: 'user' as const, content: 'Hi' },
    { role: 'assistant' as const, content: 'Hello' },
    { role: 'user' as const, content: 'Summarise "this" — ☕' },
  ];

  it('builds a streaming POST to {baseUrl}/chat/completions for OpenAI with Bearer auth and usage', () => {
    const request = buildOpenAIRequest({
      baseUrl: 'https://api.openai.com/v1',
      apiKey: 'sk-KEY',
      model: 'gpt-4o-mini',
      system: 'Be brief.',
      messages,
      maxTokens: 1024,
      stream: true,
    });
    expect(request.url).toBe('https://api.openai.com/v1/chat/completions');
    expect(request.method).toBe('POST');
    expect(request.headers).toEqual({
      'content-type': 'application/json',
      accept: 'text/event-stream',
      authorization: 'Bearer sk-KEY',
    });
    expect(JSON.parse(request.body as string)).toEqual({
      model: 'gpt-4o-mini',
      messages: [{ role: 'system', content: 'Be brief.' }, ...messages],
      max_completion_tokens: 1024,
      stream: true,
      stream_options: { include_usage: true },
    });
    // Redirects, cookies and the HTTP cache are refused where it is sent (http.test.ts):
    // the request itself carries no transport options.
    expect(Object.keys(request).sort()).toEqual(['body', 'headers', 'method', 'url']);
  });

  it('sends no Authorization without a key, uses max_tokens off api.openai.com, and trims a trailing slash', () => {
    const {
      url,
      headers,
      body: bodyText,
    } = buildOpenAIRequest({
      baseUrl: 'http://localhost:11434/v1/',
      model: 'llama3.2',
      messages,
      maxTokens: 300,
      stream: true,
    });
    expect(url).toBe('http://localhost:11434/v1/chat/completions');
    expect(headers).toEqual({ 'content-type': 'application/json', accept: 'text/event-stream' });
    const body = JSON.parse(bodyText as string);
    expect(body.max_tokens).toBe(300);
    expect(body).not.toHaveProperty('max_completion_tokens');
    expect(body.messages).toEqual(messages);
    expect(
      buildOpenAIRequest({ baseUrl: 'https://x.test/v1', apiKey: '', model: 'm', messages, maxTokens: 1, stream: true }).headers,
    ).not.toHaveProperty('authorization');
  });

  it('leaves out stream fields for a non-streaming request, and stream_options when asked to', () => {
    const plain = buildOpenAIRequest({
      baseUrl: 'https://api.groq.com/openai/v1',
      apiKey: 'k',
      model: 'm',
      system: '',
      messages,
      maxTokens: 1,
      stream: false,
    });
    expect(plain.headers).toMatchObject({ accept: 'application/json' });
    expect(JSON.parse(plain.body as string)).toEqual({ model: 'm', messages, max_tokens: 1 });
    const noUsage = buildOpenAIRequest({
      baseUrl: 'https://api.mistral.ai/v1',
      apiKey: 'k',
      model: 'm',
      messages,
      maxTokens: 1,
      stream: true,
      includeUsage: false,
    });
    expect(JSON.parse(noUsage.body as string)).toEqual({ model: 'm', messages, max_tokens: 1, stream: true });
  });

  it('recognises only OpenAI’s own host for max_completion_tokens', () => {
    expect(usesMaxCompletionTokens('https://api.openai.com/v1')).toBe(true);
    expect(usesMaxCompletionTokens('https://API.OpenAI.com/v1')).toBe(true);
    expect(usesMaxCompletionTokens('https://api.openai.com.evil.test/v1')).toBe(false);
    expect(usesMaxCompletionTokens('https://openrouter.ai/api/v1')).toBe(false);
    expect(usesMaxCompletionTokens('not a url')).toBe(false);
  });
});

describe('OpenAI stream: text, reasoning, stop, done', () => {
  it('emits content, skips empty and null content, and ends at [DONE]', async () => {
    expect(
      await deltas(
        sse(
          chunk({ role: 'assistant', content: '', refusal: null }),
          chunk({ content: 'Hel' }),
          chunk({ content: null }),
          chunk({ content: 'lo 🌍' }),
          chunk({}, 'stop'),
          '[DONE]',
        ),
      ),
    ).toEqual([{ type: 'text', text: 'Hel' }, { type: 'text', text: 'lo 🌍' }, { type: 'stop', reason: 'stop' }, { type: 'done' }]);
  });

  it('reads nothing after [DONE]', async () => {
    const out = await deltas(sse(chunk({ content: 'a' }), '[DONE]', chunk({ content: 'after' }), 'not json'));
    expect(out).toEqual([{ type: 'text', text: 'a' }, { type: 'done' }]);
  });

  it('emits text that arrives in the same chunk as finish_reason before the stop', async () => {
    expect(await deltas(sse(chunk({ content: 'end.' }, 'length')))).toEqual([
      { type: 'text', text: 'end.' },
      { type: 'stop', reason: 'length' },
    ]);
  });

  it('reads reasoning_content (DeepSeek) and reasoning (OpenRouter, Ollama) as thinking', async () => {
    expect(await deltas(sse(chunk({ reasoning_content: 'R1 ', content: null }), chunk({ reasoning: 'R2' })))).toEqual([
      { type: 'thinking', text: 'R1 ' },
      { type: 'thinking', text: 'R2' },
    ]);
  });

  it('takes reasoning_content, not both, when a server sends the same text in both fields', async () => {
    expect(
      await deltas(sse(chunk({ reasoning_content: 'same', reasoning: 'same' }), chunk({ reasoning_content: '', reasoning: 'x' }))),
    ).toEqual([
      { type: 'thinking', text: 'same' },
      { type: 'thinking', text: 'x' },
    ]);
  });

  it('shows a refusal as answer text', async () => {
    expect(
      (await result(sse(chunk({ refusal: "I can't " }), chunk({ refusal: 'help with that.' }), chunk({}, 'stop'), '[DONE]'))).text,
    ).toBe("I can't help with that.");
  });

  it('reads only choice 0', async () => {
    const two = {
      ...chunk({ content: 'zero' }),
      choices: [
        { index: 1, delta: { content: 'one' }, finish_reason: null },
        { index: 0, delta: { content: 'zero' }, finish_reason: null },
      ],
    };
    expect(await deltas(sse(two))).toEqual([{ type: 'text', text: 'zero' }]);
  });

  it('ignores keep-alive comments and unknown fields', async () => {
    const text = `: keep-alive\n\n${sse(chunk({ content: 'x', audio: null }, null, { obfuscation: 'abc', citations: [] }))}: OPENROUTER PROCESSING\n\n${sse('[DONE]')}`;
    expect(await deltas(text)).toEqual([{ type: 'text', text: 'x' }, { type: 'done' }]);
  });

  it('is incomplete when the body ends without [DONE], even after a finish_reason', async () => {
    expect(await result(sse(chunk({ content: 'cut' }, 'stop')))).toMatchObject({
      text: 'cut',
      stopReason: 'stop',
      complete: false,
      error: null,
    });
  });
});

describe('OpenAI stream: tool calls', () => {
  it('starts a tool on the fragment with id and name and joins argument fragments by index', async () => {
    const out = await deltas(
      sse(
        chunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'f', arguments: '' } }] }),
        chunk({ tool_calls: [{ index: 0, function: { arguments: '{"x":' } }] }),
        chunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'g', arguments: '{}' } }] }),
        chunk({ tool_calls: [{ index: 0, function: { arguments: '1}' } }] }),
        chunk({}, 'tool_calls'),
      ),
    );
    expect(out).toEqual([
      { type: 'tool-start', index: 0, id: 'call_a', name: 'f' },
      { type: 'tool-input', index: 0, json: '{"x":' },
      { type: 'tool-start', index: 1, id: 'call_b', name: 'g' },
      { type: 'tool-input', index: 1, json: '{}' },
      { type: 'tool-input', index: 0, json: '1}' },
      { type: 'stop', reason: 'tool_calls' },
    ]);
    expect((await accumulateChat(out)).toolCalls).toEqual([
      { id: 'call_a', name: 'f', input: { x: 1 } },
      { id: 'call_b', name: 'g', input: {} },
    ]);
  });

  it('does not restart a tool when later fragments repeat its id and name', async () => {
    const out = await deltas(
      sse(
        chunk({ tool_calls: [{ index: 0, id: 'c', function: { name: 'f', arguments: '{"a"' } }] }),
        chunk({ tool_calls: [{ index: 0, id: 'c', function: { name: 'f', arguments: ':2}' } }] }),
      ),
    );
    expect(out.filter((d) => d.type === 'tool-start')).toHaveLength(1);
    expect((await accumulateChat(out)).toolCalls).toEqual([{ id: 'c', name: 'f', input: { a: 2 } }]);
  });

  it('keeps the arguments joined so far when a later fragment renames the tool (the last name wins, as in the SDK)', async () => {
    const out = await deltas(
      sse(
        chunk({ tool_calls: [{ index: 0, id: 'c', function: { name: 'old', arguments: '{"k":' } }] }),
        chunk({ tool_calls: [{ index: 0, function: { name: 'new', arguments: 'true}' } }] }),
      ),
    );
    expect((await accumulateChat(out)).toolCalls).toEqual([{ id: 'c', name: 'new', input: { k: true } }]);
  });

  it('numbers calls without an index (Gemini) by their ids, and gives id-less fragments to the last call', async () => {
    const out = await deltas(
      sse(
        chunk({ tool_calls: [{ id: 'g1', type: 'function', function: { name: 'a', arguments: '{"n":' } }] }),
        chunk({ tool_calls: [{ function: { arguments: '1}' } }] }),
        chunk({ tool_calls: [{ id: 'g2', type: 'function', function: { name: 'b', arguments: '{"n":2}' } }] }),
      ),
    );
    expect((await accumulateChat(out)).toolCalls).toEqual([
      { id: 'g1', name: 'a', input: { n: 1 } },
      { id: 'g2', name: 'b', input: { n: 2 } },
    ]);
  });

  it('passes a tool argument string that is not JSON through as text', async () => {
    const out = await deltas(sse(chunk({ tool_calls: [{ index: 0, id: 'c', function: { name: 'f', arguments: '{"cut' } }] })));
    expect((await accumulateChat(out)).toolCalls).toEqual([{ id: 'c', name: 'f', input: '{"cut' }]);
  });
});

describe('OpenAI stream: usage', () => {
  it('maps the usage chunk with empty choices, including cached and reasoning tokens', async () => {
    const usage = {
      prompt_tokens: 100,
      completion_tokens: 50,
      total_tokens: 150,
      prompt_tokens_details: { cached_tokens: 64, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 30, audio_tokens: 0 },
    };
    expect(await deltas(sse({ ...chunk({}), choices: [], usage }))).toEqual([
      { type: 'usage', usage: { inputTokens: 100, outputTokens: 50, cacheReadTokens: 64, reasoningTokens: 30 } },
    ]);
  });

  it('ignores usage: null on ordinary chunks', async () => {
    expect(await deltas(sse(chunk({ content: 'a' }, null, { usage: null })))).toEqual([{ type: 'text', text: 'a' }]);
  });

  it('reads DeepSeek prompt_cache_hit_tokens and Groq x_groq.usage', () => {
    expect(
      mapOpenAIUsage({ prompt_tokens: 10, completion_tokens: 2, prompt_cache_hit_tokens: 8, prompt_cache_miss_tokens: 2 }),
    ).toEqual({ inputTokens: 10, outputTokens: 2, cacheReadTokens: 8 });
    expect(mapOpenAIUsage({ prompt_tokens_details: { cached_tokens: 5 }, prompt_cache_hit_tokens: 8 })).toEqual({ cacheReadTokens: 5 });
    expect(mapOpenAIUsage(null)).toBeNull();
    expect(mapOpenAIUsage({ prompt_tokens: 'x' })).toEqual({});
  });

  it('reads Groq usage from x_groq on the last chunk', async () => {
    const last = chunk({}, 'stop', { x_groq: { id: 'req_1', usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 } } });
    expect(await result(sse(last, '[DONE]'))).toMatchObject({ usage: { inputTokens: 7, outputTokens: 3 }, complete: true });
  });
});

describe('OpenAI stream: errors', () => {
  it('reports a mid-stream {"error": {...}} chunk, keeps the partial answer and stops reading', async () => {
    const r = await result(
      sse(
        chunk({ content: 'partial' }),
        { error: { message: 'The server had an error.', type: 'server_error', param: null, code: null } },
        chunk({ content: ' never' }),
        '[DONE]',
      ),
    );
    expect(r).toMatchObject({
      text: 'partial',
      error: { type: 'server_error', message: 'The server had an error.' },
      complete: false,
    });
  });

  it.each([
    [
      'OpenRouter (numeric code, finish_reason error)',
      {
        error: { code: 502, message: 'Provider returned error' },
        choices: [{ index: 0, delta: { content: '' }, finish_reason: 'error' }],
      },
      { type: '502', message: 'Provider returned error' },
    ],
    [
      'code string without type',
      { error: { code: 'rate_limit_exceeded', message: 'Slow down' } },
      { type: 'rate_limit_exceeded', message: 'Slow down' },
    ],
    ['a bare string', { error: 'boom' }, { type: 'error', message: 'boom' }],
    [
      'vLLM object: error',
      { object: 'error', message: 'max_tokens too large', type: 'BadRequestError', param: null, code: 400 },
      { type: 'BadRequestError', message: 'max_tokens too large' },
    ],
    ['an empty error object (no message: no words invented)', { error: {} }, { type: 'error', message: '' }],
  ])('maps the error shape: %s', async (_label, data, error) => {
    expect(await deltas(sse(data))).toEqual([{ type: 'error', error }]);
  });

  it('treats an event named error as an error', async () => {
    expect(await deltas(`event: error\ndata: {"message":"overloaded","type":"overloaded_error"}\n\n`)).toEqual([
      { type: 'error', error: { type: 'overloaded_error', message: 'overloaded' } },
    ]);
  });

  it('does not treat error: null, false or "" as an error', async () => {
    expect(
      await deltas(
        sse(
          chunk({ content: 'a' }, null, { error: null }),
          chunk({ content: 'b' }, null, { error: false }),
          chunk({ content: 'c' }, null, { error: '' }),
        ),
      ),
    ).toEqual([
      { type: 'text', text: 'a' },
      { type: 'text', text: 'b' },
      { type: 'text', text: 'c' },
    ]);
  });

  it('yields one malformed-stream error and stops at data that is not a JSON object', async () => {
    for (const bad of ['{"choices": [', '42', 'null', 'OPENROUTER PROCESSING']) {
      expect(await deltas(sse(chunk({ content: 'ok' }), bad, chunk({ content: 'never' }), '[DONE]'))).toEqual([
        { type: 'text', text: 'ok' },
        { type: 'error', error: MALFORMED_STREAM_ERROR },
      ]);
    }
  });

  it('rejects when aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stopped'));
    const gen = readChatStream({ kind: 'openai' }, bodyOf(sse(chunk({ content: 'a' }))), { signal: controller.signal });
    await expect(gen.next()).rejects.toThrow('stopped');
  });
});

describe('OpenAI-family HTTP errors', () => {
  const classify = (status: number, body: string, url = 'https://api.openai.com/v1/chat/completions') =>
    openAIProvider.classifyFailure(status, body, { url });

  it('recognises Ollama refusing the extension origin (403, empty body), and the user is told what to set', () => {
    const failure = classify(403, '', 'http://localhost:11434/v1/chat/completions');
    expect(failure).toEqual({ kind: 'ollama-origin' });
    // The background adds the setting to write and the retry; the panel words it.
    expect(failureError(failure, 403, { model: 'llama3.2' })).toEqual({
      code: 'ollama-origin',
      params: { status: 403, setting: 'OLLAMA_ORIGINS=chrome-extension://*,moz-extension://*' },
      fix: 'retry',
    });
    expect(OLLAMA_ORIGINS_SETTING).toBe('OLLAMA_ORIGINS=chrome-extension://*,moz-extension://*');
    expect(classify(403, '  ', 'http://192.168.1.20:11434/v1/chat/completions').kind).toBe('ollama-origin');
    expect(classify(403, '', 'https://ollama.home.arpa/v1/chat/completions').kind).toBe('ollama-origin');
  });

  it('keeps the generic 403 for other servers, an unparsable URL, or with a JSON body', () => {
    const generic = classify(403, '', 'https://api.openai.com/v1/chat/completions');
    expect(generic).toEqual({ kind: 'forbidden' });
    expect(classify(403, '', '')).toEqual(generic);
    expect(classify(403, '', 'not a url')).toEqual(generic);
    expect(classify(403, '{"error":{"message":"nope"}}', 'http://localhost:11434/v1/chat/completions')).toEqual({
      kind: 'forbidden',
      providerMessage: 'nope',
    });
    expect(failureError(generic, 403, { model: 'm' })).toEqual({ code: 'forbidden', params: { status: 403 }, fix: 'settings' });
  });

  it('recognises Ollama by its default port or its host name', () => {
    expect(isLikelyOllama('http://127.0.0.1:11434/v1')).toBe(true);
    expect(isLikelyOllama('http://ollama:8080/v1')).toBe(true);
    expect(isLikelyOllama('http://my-ollama.lan/v1')).toBe(true);
    expect(isLikelyOllama('http://notollama.example/v1')).toBe(false);
    expect(isLikelyOllama('http://localhost:1234/v1')).toBe(false);
    expect(isLikelyOllama(undefined)).toBe(false);
    expect(isLikelyOllama('::')).toBe(false);
  });

  it('names OpenAI’s unsupported-region 403 (no settings button: a key cannot fix it)', () => {
    const body = JSON.stringify({
      error: {
        code: 'unsupported_country_region_territory',
        message: 'Country, region, or territory not supported',
        param: null,
        type: 'request_forbidden',
      },
    });
    const failure = classify(403, body);
    expect(failure).toEqual({ kind: 'region-blocked', providerMessage: 'Country, region, or territory not supported' });
    expect(failureError(failure, 403, { model: 'gpt-4o' })).toEqual({
      code: 'region-blocked',
      params: { status: 403 },
      detail: 'Country, region, or territory not supported',
    });
  });

  it('maps OpenRouter’s 402 insufficient credits to quota, and an unexplained 402 to http-status with a retry', () => {
    const body = JSON.stringify({
      error: { code: 402, message: 'Insufficient credits. Add more using https://openrouter.ai/credits' },
    });
    expect(classify(402, body, 'https://openrouter.ai/api/v1/chat/completions')).toEqual({
      kind: 'quota',
      providerMessage: 'Insufficient credits. Add more using https://openrouter.ai/credits',
    });
    const bare = classify(402, '');
    expect(bare).toEqual({ kind: 'http-status' });
    expect(failureError(bare, 402, { model: 'm' })).toEqual({ code: 'http-status', params: { status: 402 }, fix: 'retry' });
  });

  it('maps OpenAI’s insufficient_quota 429 to quota, never to a retry', () => {
    const body = JSON.stringify({
      error: { message: 'You exceeded your current quota.', type: 'insufficient_quota', param: null, code: 'insufficient_quota' },
    });
    const failure = classify(429, body);
    expect(failure.kind).toBe('quota');
    const error = failureError(failure, 429, { model: 'gpt-4o' });
    expect(error.code).toBe('quota');
    expect(error.fix).toBeUndefined();
  });
});
