import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ollamaAllowsOrigin } from './ollama.ts';
import { startMockProvider, type MockProvider } from './server.ts';

let mock: MockProvider;
beforeAll(async () => {
  mock = await startMockProvider({ ollama: { delayMs: 1 } });
});
afterAll(() => mock.close());

describe('the origin check, as Ollama does it', () => {
  it.each([
    [undefined, true],
    ['http://localhost', true],
    ['http://127.0.0.1:5173', true],
    ['https://0.0.0.0:8443', true],
    ['tauri://localhost', true],
    ['chrome-extension://abcdefghijklmnopabcdefghijklmnop', false],
    ['moz-extension://0b7a8e8c-2f52-4b52-9a9b-5c7c8a0b1d2e', false],
    ['http://127.0.0.2:5555', false],
    ['https://example.com', false],
    ['http://localhost.evil.test', false],
  ])('%s → allowed %s', (origin, allowed) => {
    expect(ollamaAllowsOrigin(origin)).toBe(allowed);
  });

  it('adds what OLLAMA_ORIGINS would', () => {
    expect(ollamaAllowsOrigin('chrome-extension://abc', ['chrome-extension://*'])).toBe(true);
  });

  it('refuses an extension origin with 403 and an empty body, on every route', async () => {
    for (const [method, path] of [
      ['GET', '/api/tags'],
      ['POST', '/v1/chat/completions'],
      ['OPTIONS', '/v1/chat/completions'],
    ] as const) {
      const response = await fetch(`${mock.url}${path}`, { method, headers: { origin: 'chrome-extension://abc' } });
      expect(response.status).toBe(403);
      expect(await response.text()).toBe('');
    }
    expect(mock.requests.at(-1)).toMatchObject({ status: 403 });
  });
});

describe('the native routes', () => {
  it('lists models and reports a context window', async () => {
    const tags = (await (await fetch(`${mock.url}/api/tags`)).json()) as { models: { name: string; model: string }[] };
    expect(tags.models.map((m) => m.name)).toEqual(['llama3.2:latest', 'qwen2.5:7b', 'smollm2:1.7b']);
    const show = (await (
      await fetch(`${mock.url}/api/show`, { method: 'POST', body: JSON.stringify({ model: 'llama3.2:latest' }) })
    ).json()) as { model_info: Record<string, unknown> };
    expect(show.model_info['llama.context_length']).toBe(131_072);
    expect((await fetch(`${mock.url}/api/show`, { method: 'POST', body: '{"model":"nope"}' })).status).toBe(404);
  });

  it('streams /api/chat as NDJSON, done last', async () => {
    const response = await fetch(`${mock.url}/api/chat`, {
      method: 'POST',
      body: JSON.stringify({ model: 'llama3.2:latest', messages: [{ role: 'user', content: 'Hi there' }] }),
    });
    expect(response.headers.get('content-type')).toBe('application/x-ndjson');
    const lines = (await response.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { done: boolean; message: { content: string } });
    expect(lines.length).toBeGreaterThan(3);
    expect(lines.at(-1)!.done).toBe(true);
    expect(lines.slice(0, -1).every((line) => !line.done)).toBe(true);
    expect(lines.map((line) => line.message.content).join('')).toContain('You wrote: "Hi there"');
  });

  it('keeps the OpenAI-compatible chat route', async () => {
    const response = await fetch(`${mock.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://localhost:3000' },
      body: JSON.stringify({ model: 'llama3.2:latest', stream: true, messages: [{ role: 'user', content: 'Hi' }] }),
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('data: [DONE]');
  });
});
