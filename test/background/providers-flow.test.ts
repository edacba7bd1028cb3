/**
 * The background with providers other than Anthropic: what it sends, how it reads the
 * answer, model listing, and what happens when a host permission was revoked.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { BackgroundMessage, PanelMessage } from '../../src/messaging/protocol.ts';
import { PANEL_PORT_NAME } from '../../src/messaging/protocol.ts';
import type { CustomEndpoint } from '../../src/shared/custom-endpoint.ts';
import { saveApiKey } from '../../src/storage/keys.ts';
import { saveSettings, type StoredSettings } from '../../src/storage/settings.ts';
import { settle, type FakePort } from '../fake-port.ts';
import { chunkedResponse, jsonResponse } from '../helpers/anthropic-sse.ts';
import { startTestBackground, type BackgroundHarness } from '../helpers/background.ts';

let bg: BackgroundHarness;
let fetchMock: ReturnType<typeof vi.fn>;

const ollama: StoredSettings = { provider: 'ollama', model: 'llama3.2', baseUrl: '', custom: null, modelOptions: {} };

function openaiChunks(parts: string[]): string {
  const chunk = (delta: object, finish: string | null = null) =>
    `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  return (
    chunk({ role: 'assistant', content: '' }) +
    parts.map((text) => chunk({ content: text })).join('') +
    chunk({}, 'stop') +
    `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [], usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 } })}\n\n` +
    'data: [DONE]\n\n'
  );
}

function connect(): FakePort {
  return fakeBrowser.runtime.connect({ name: PANEL_PORT_NAME }) as unknown as FakePort;
}

const received = (port: FakePort) => port.received as BackgroundMessage[];

async function askAndWait(port: FakePort, requestId: string, text = 'Hello?') {
  port.postMessage({ type: 'ask', requestId, turns: [{ role: 'user', text }] } satisfies PanelMessage);
  await vi.waitFor(
    () => {
      const last = received(port).at(-1);
      expect(last?.type === 'end' || last?.type === 'failed').toBe(true);
    },
    { timeout: 5_000 },
  );
  const stream = received(port).filter((m) => 'requestId' in m && m.requestId === requestId);
  return { text: stream.flatMap((m) => (m.type === 'delta' ? [m.text] : [])).join(''), last: stream.at(-1)! };
}

beforeEach(() => {
  bg = startTestBackground();
  fetchMock = vi.fn();
  vi.stubGlobal('fetch', fetchMock);
});

afterEach(() => vi.unstubAllGlobals());

describe('a local OpenAI-compatible server (Ollama)', () => {
  it('needs no key, sends the chat-completions request, and streams the answer', async () => {
    await saveSettings(ollama);
    fetchMock.mockResolvedValue(chunkedResponse(openaiChunks(['Hi ', 'there', '!']), 11));
    const { text, last } = await askAndWait(connect(), 'o1');
    expect(text).toBe('Hi there!');
    expect(last).toMatchObject({ type: 'end', outcome: 'complete', stopReason: 'stop' });
    const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(url).toBe('http://localhost:11434/v1/chat/completions');
    expect((init.headers as Record<string, string>).authorization).toBeUndefined();
    const body = JSON.parse(init.body as string);
    expect(body).toMatchObject({ model: 'llama3.2', stream: true, stream_options: { include_usage: true } });
    expect(body.messages[0].role).toBe('system');
    expect(body.messages.at(-1)).toEqual({ role: 'user', content: 'Hello?' });
  });

  it('explains an Ollama origin 403 with the exact setting to change', async () => {
    await saveSettings(ollama);
    fetchMock.mockResolvedValue(new Response('', { status: 403 }));
    const { last } = await askAndWait(connect(), 'o2');
    expect(last).toMatchObject({
      type: 'failed',
      error: { code: 'ollama-origin', params: { setting: 'OLLAMA_ORIGINS=chrome-extension://*,moz-extension://*' } },
    });
  });

  it('lists its models', async () => {
    fetchMock.mockResolvedValue(jsonResponse(200, { object: 'list', data: [{ id: 'qwen3:8b' }, { id: 'llama3.2:latest' }] }));
    const port = connect();
    port.postMessage({
      type: 'list-models',
      requestId: 'l1',
      settings: { provider: 'ollama', apiKey: null, model: '', baseUrl: '' },
    } satisfies PanelMessage);
    await vi.waitFor(() => expect(received(port).at(-1)?.type).toBe('models'));
    expect(fetchMock.mock.calls[0]?.[0]).toBe('http://localhost:11434/v1/models');
    const models = received(port).at(-1) as Extract<BackgroundMessage, { type: 'models' }>;
    expect(models.models.map((m) => m.id).sort()).toEqual(['llama3.2:latest', 'qwen3:8b']);
    expect(models.error).toBeUndefined();
  });

  it('refuses to send when the host permission was revoked, and says how to fix it', async () => {
    await saveSettings(ollama);
    bg.permissionsContains.mockResolvedValue(false);
    const { last } = await askAndWait(connect(), 'o3');
    expect(fetchMock).not.toHaveBeenCalled();
    expect(last).toMatchObject({
      type: 'failed',
      error: { code: 'no-permission', params: { host: 'localhost:11434' }, fix: 'settings' },
    });
    expect(bg.permissionsContains).toHaveBeenCalledWith({ origins: ['http://localhost/*'] });
  });
});

describe('reasoning text', () => {
  it('streams DeepSeek reasoning_content as thinking, before and apart from the answer', async () => {
    await saveSettings({ provider: 'deepseek', model: 'deepseek-reasoner', baseUrl: '', custom: null, modelOptions: {} });
    await saveApiKey('sk-ds', 'deepseek');
    const chunk = (delta: object, finish: string | null = null) =>
      `data: ${JSON.stringify({ id: 'd', object: 'chat.completion.chunk', created: 1, model: 'deepseek-reasoner', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    const sse =
      chunk({ role: 'assistant', content: null, reasoning_content: '' }) +
      chunk({ content: null, reasoning_content: 'The user greets. ' }) +
      chunk({ content: null, reasoning_content: 'Answer briefly.' }) +
      chunk({ content: 'Hello!', reasoning_content: null }) +
      chunk({ content: '' }, 'stop') +
      'data: [DONE]\n\n';
    fetchMock.mockResolvedValue(chunkedResponse(sse, 13));
    const port = connect();
    const { text, last } = await askAndWait(port, 'r1');
    expect(text).toBe('Hello!');
    expect(last).toMatchObject({ type: 'end', outcome: 'complete' });
    const stream = received(port).filter((m) => m.type === 'thinking' || m.type === 'delta');
    expect(
      stream
        .filter((m) => m.type === 'thinking')
        .map((m) => (m as { text: string }).text)
        .join(''),
    ).toBe('The user greets. Answer briefly.');
    // All reasoning is sent before the first piece of the answer.
    const firstAnswer = stream.findIndex((m) => m.type === 'delta');
    expect(stream.slice(firstAnswer).some((m) => m.type === 'thinking')).toBe(false);
  });
});

describe('OpenAI itself', () => {
  it('requires a key and sends it as a bearer token', async () => {
    await saveSettings({ provider: 'openai', model: 'gpt-5.4-mini', baseUrl: '', custom: null, modelOptions: {} });
    const noKey = await askAndWait(connect(), 'k1');
    expect(noKey.last).toMatchObject({ type: 'failed', error: { code: 'no-key' } });
    expect(fetchMock).not.toHaveBeenCalled();

    await saveApiKey('sk-openai', 'openai');
    fetchMock.mockResolvedValue(chunkedResponse(openaiChunks(['ok'])));
    const { text } = await askAndWait(connect(), 'k2');
    expect(text).toBe('ok');
    const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(url).toBe('https://api.openai.com/v1/chat/completions');
    expect((init.headers as Record<string, string>).authorization).toBe('Bearer sk-openai');
  });

  it('keeps each provider’s key apart', async () => {
    await saveApiKey('sk-ant', 'anthropic');
    await saveSettings({ provider: 'openai', model: 'gpt-5.4-mini', baseUrl: '', custom: null, modelOptions: {} });
    const { last } = await askAndWait(connect(), 'k3');
    expect(last).toMatchObject({ type: 'failed', error: { code: 'no-key' } });
  });
});

describe('a custom SSE endpoint', () => {
  const endpoint: CustomEndpoint = {
    url: 'https://sse.example.test/chat',
    method: 'POST',
    headers: 'Authorization: Bearer {{key}}\nX-Client: aside',
    bodyTemplate: '{"input": {"prompt": {{prompt}}}, "history": {{messages}}}',
    dataMode: 'json',
    textPath: 'output.text',
    pattern: '',
    reasoningPath: '',
    textMode: 'cumulative',
    doneData: '',
    eventType: 'result',
  };

  it('fills the body template, substitutes the key in headers, and turns cumulative text into deltas', async () => {
    await saveSettings({ provider: 'custom-sse', model: '', baseUrl: '', custom: endpoint, modelOptions: {} });
    await saveApiKey('sk-custom', 'custom-sse');
    const event = (n: number, text: string, finish = 'null') =>
      `id:${n}\nevent:result\n:HTTP_STATUS/200\ndata:{"output":{"text":"${text}","finish_reason":"${finish}"}}\n\n`;
    const sse = event(1, 'Guten') + event(2, 'Guten Tag') + event(3, 'Guten Tag, Welt.', 'stop');
    fetchMock.mockResolvedValue(chunkedResponse(sse, 5));
    const { text, last } = await askAndWait(connect(), 'c1', 'Greet me');
    expect(text).toBe('Guten Tag, Welt.');
    expect(last).toMatchObject({ type: 'end', outcome: 'complete' });
    const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(url).toBe('https://sse.example.test/chat');
    expect((init.headers as Record<string, string>).authorization).toBe('Bearer sk-custom');
    expect((init.headers as Record<string, string>)['x-client']).toBe('aside');
    const body = JSON.parse(init.body as string);
    expect(body.input.prompt).toBe('Greet me');
    expect(body.history.at(-1)).toEqual({ role: 'user', content: 'Greet me' });
  });

  it('Preview runs the request and shows the text it extracted', async () => {
    fetchMock.mockResolvedValue(chunkedResponse('data: {"delta":"Hello"}\n\ndata: {"delta":" there"}\n\ndata: [DONE]\n\n'));
    const port = connect();
    port.postMessage({
      type: 'test-connection',
      requestId: 'p1',
      settings: {
        provider: 'custom-sse',
        apiKey: '',
        model: '',
        baseUrl: '',
        custom: { ...endpoint, headers: '', textPath: 'delta', textMode: 'delta', eventType: '' },
      },
    } satisfies PanelMessage);
    await vi.waitFor(() => expect(received(port).at(-1)?.type).toBe('connection-test'));
    expect(received(port).at(-1)).toMatchObject({ requestId: 'p1', result: { kind: 'preview', text: 'Hello there', complete: true } });
  });

  it('Preview says so when no text is at the text path', async () => {
    fetchMock.mockResolvedValue(chunkedResponse('data: {"token":"Hello"}\n\ndata: [DONE]\n\n'));
    const port = connect();
    port.postMessage({
      type: 'test-connection',
      requestId: 'p2',
      settings: {
        provider: 'custom-sse',
        apiKey: '',
        model: '',
        baseUrl: '',
        custom: { ...endpoint, headers: '', textPath: 'delta', textMode: 'delta', eventType: '' },
      },
    } satisfies PanelMessage);
    await vi.waitFor(() => expect(received(port).at(-1)?.type).toBe('connection-test'));
    // "None of the events had text at the text path “delta”": the path is named.
    expect(received(port).at(-1)).toMatchObject({
      requestId: 'p2',
      result: {
        kind: 'failed',
        error: { code: 'custom-nothing-extracted', params: { mode: 'json', where: 'delta' }, fix: 'settings' },
      },
    });
  });

  it('rejects a body template that is not JSON before sending anything', async () => {
    const port = connect();
    port.postMessage({
      type: 'save-settings',
      settings: {
        provider: 'custom-sse',
        apiKey: null,
        model: '',
        baseUrl: '',
        custom: { ...endpoint, bodyTemplate: '{"prompt": {{prompt}' },
      },
    } satisfies PanelMessage);
    await settle();
    expect(received(port).at(-1)).toMatchObject({ type: 'notice', error: { code: 'template-json' } });
    expect((received(port).at(-1) as { error: { detail: string } }).error.detail).toMatch(/JSON/);
  });
});
