import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  isLocalAddress,
  llamaCppContextLength,
  localOrigin,
  ollamaContextLength,
  probeLocalServer,
  ProbeRefused,
  settingsForServer,
} from '../../src/providers/local-servers.ts';
import { startMockProvider, type MockProvider } from '../mock-provider/server.ts';

let ollama: MockProvider;
let openai: MockProvider;
beforeAll(async () => {
  [ollama, openai] = await Promise.all([startMockProvider({ ollama: true }), startMockProvider()]);
});
afterAll(async () => {
  await Promise.all([ollama.close(), openai.close()]);
});

/** fetch as a browser extension sends it: with its own Origin. */
const fromExtension: typeof fetch = (input, init) =>
  fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), origin: 'chrome-extension://abc' } });

describe('probeLocalServer', () => {
  it('finds Ollama, its models and their windows from /api/show', async () => {
    expect(await probeLocalServer(ollama.url)).toEqual({
      origin: ollama.url,
      kind: 'ollama',
      models: [
        { id: 'llama3.2:latest', label: 'llama3.2:latest', contextWindow: 131_072 },
        { id: 'qwen2.5:7b', label: 'qwen2.5:7b', contextWindow: 32_768 },
        { id: 'smollm2:1.7b', label: 'smollm2:1.7b', contextWindow: 8_192 },
      ],
    });
  });

  it('reports Ollama’s origin check as ProbeRefused', async () => {
    await expect(probeLocalServer(ollama.url, { fetch: fromExtension })).rejects.toBeInstanceOf(ProbeRefused);
  });

  it('finds an OpenAI-compatible server by /v1/models', async () => {
    const server = await probeLocalServer(openai.url);
    expect(server?.kind).toBe('openai-compatible');
    expect(server?.models.length).toBeGreaterThan(0);
  });

  it('throws a network error where nothing listens (the other routes are not tried)', async () => {
    const closed = await startMockProvider();
    const url = closed.url;
    await closed.close();
    await expect(probeLocalServer(url)).rejects.toBeInstanceOf(TypeError);
  });

  it('tells LM Studio and llama.cpp apart by their own routes, with their windows', async () => {
    const fake =
      (routes: Record<string, unknown>): typeof fetch =>
      async (input) => {
        const path = new URL(input instanceof Request ? input.url : input).pathname;
        return path in routes ? Response.json(routes[path]) : new Response('not found', { status: 404 });
      };
    const lmStudio = await probeLocalServer('http://127.0.0.1:1234', {
      fetch: fake({
        '/v1/models': { data: [{ id: 'qwen3-8b' }] },
        '/api/v0/models': { data: [{ id: 'qwen3-8b', max_context_length: 40_960 }] },
      }),
    });
    expect(lmStudio).toEqual({
      origin: 'http://127.0.0.1:1234',
      kind: 'lmstudio',
      models: [{ id: 'qwen3-8b', label: 'qwen3-8b', contextWindow: 40_960 }],
    });
    const llama = await probeLocalServer('http://127.0.0.1:8080', {
      fetch: fake({ '/v1/models': { data: [{ id: 'gemma.gguf' }] }, '/props': { default_generation_settings: { n_ctx: 8192 } } }),
    });
    expect(llama?.kind).toBe('llamacpp');
    expect(llama?.models[0]?.contextWindow).toBe(8192);
    const vllm = await probeLocalServer('http://127.0.0.1:8000', {
      fetch: fake({ '/v1/models': { data: [{ id: 'Qwen/Qwen3-8B', owned_by: 'vllm', max_model_len: 32_768 }] } }),
    });
    expect(vllm).toMatchObject({ kind: 'vllm', models: [{ id: 'Qwen/Qwen3-8B', contextWindow: 32_768 }] });
    expect(await probeLocalServer('http://127.0.0.1:9', { fetch: fake({ '/': 'hello' }) })).toBeNull();
  });
});

describe('parsing', () => {
  it('reads the windows', () => {
    expect(ollamaContextLength({ model_info: { 'general.architecture': 'qwen2', 'qwen2.context_length': 32_768 } })).toBe(32_768);
    expect(ollamaContextLength({ model_info: { 'qwen2.context_length': 'big' } })).toBeUndefined();
    expect(ollamaContextLength(null)).toBeUndefined();
    expect(llamaCppContextLength({ n_ctx: 4096 })).toBe(4096);
    expect(llamaCppContextLength({ default_generation_settings: { n_ctx: -1 } })).toBeUndefined();
  });

  it.each([
    ['192.168.1.5:11434', 'http://192.168.1.5:11434'],
    ['http://127.0.0.1:1234/v1', 'http://127.0.0.1:1234'],
    ['https://gpu.lan', 'https://gpu.lan'],
    ['', null],
    ['ftp://x', null],
    ['http://user:pw@host', null],
    ['http://[bad', null],
  ])('localOrigin(%j) = %j', (typed, origin) => {
    expect(localOrigin(typed)).toBe(origin);
  });

  it.each([
    ['http://127.0.0.1:11434', true],
    ['http://localhost:1234', true],
    ['http://192.168.0.10', true],
    ['http://10.1.2.3:8000', true],
    ['http://172.20.0.1', true],
    ['http://172.32.0.1', false],
    ['http://gpu.local:8080', true],
    ['http://[::1]:11434', true],
    ['https://api.openai.com', false],
    ['not a url', false],
  ])('isLocalAddress(%s) = %s', (url, local) => {
    expect(isLocalAddress(url)).toBe(local);
  });

  it('fills the preset a server kind belongs to', () => {
    expect(settingsForServer({ origin: 'http://127.0.0.1:11434', kind: 'ollama' })).toEqual({
      provider: 'ollama',
      baseUrl: 'http://127.0.0.1:11434/v1',
    });
    expect(settingsForServer({ origin: 'http://h:1234', kind: 'lmstudio' }).provider).toBe('lmstudio');
    expect(settingsForServer({ origin: 'http://h:8080', kind: 'llamacpp' }).provider).toBe('openai-compatible');
  });
});
