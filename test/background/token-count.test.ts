/** The budget's window for a local server: what the server itself reports (Ollama's /api/show). */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clearModelListCache, countRequestTokens } from '../../src/background/token-count.ts';
import { DEFAULT_MODEL_OPTIONS } from '../../src/shared/model-options.ts';
import { startMockProvider, type MockProvider } from '../mock-provider/server.ts';

let ollama: MockProvider;
beforeAll(async () => {
  ollama = await startMockProvider({ ollama: true });
});
afterAll(() => ollama.close());
beforeEach(() => clearModelListCache());

const count = (model: string, baseUrl = `${ollama.url}/v1`) =>
  countRequestTokens(
    {
      turns: [{ role: 'user', text: 'How long is my window?' }],
      settings: { provider: 'ollama', model, baseUrl, custom: null },
      apiKey: '',
      options: DEFAULT_MODEL_OPTIONS,
    },
    new AbortController().signal,
  );

describe('countRequestTokens with a local server', () => {
  it('takes the window the server reports for that model', async () => {
    expect(await count('qwen2.5:7b')).toMatchObject({ contextWindow: 32_768, windowSource: 'provider' });
    expect(await count('llama3.2:latest')).toMatchObject({ contextWindow: 131_072, windowSource: 'provider' });
    // A model no table knows: only the server can say.
    expect(await count('smollm2:1.7b')).toMatchObject({ contextWindow: 8_192, windowSource: 'provider' });
  });

  it('sends the key to a local server started with one (vLLM --api-key), and still reads a plain listing', async () => {
    const keyed = await startMockProvider({ requireApiKey: 'sk-local' });
    const result = await countRequestTokens(
      {
        turns: [{ role: 'user', text: 'Hi' }],
        settings: { provider: 'openai-compatible', model: 'mock-small-2k', baseUrl: `${keyed.url}/v1`, custom: null },
        apiKey: 'sk-local',
        options: DEFAULT_MODEL_OPTIONS,
      },
      new AbortController().signal,
    );
    expect(result).toMatchObject({ contextWindow: 2_048, windowSource: 'provider' });
    expect(keyed.requests.find((r) => r.path === '/v1/models')?.headers.authorization).toBe('Bearer sk-local');
    await keyed.close();
  });

  it('falls back to the table, or unknown, when the server is gone', async () => {
    const closed = await startMockProvider();
    await closed.close();
    expect(await count('some-local-model', `${closed.url}/v1`)).toMatchObject({ contextWindow: null });
  });
});

describe('the estimate of a follow-up', () => {
  // OpenAI lists no windows and cannot count: nothing is fetched, the estimate is all there is.
  it('measures the earlier turns, their selections included, not only the question', async () => {
    const long = 'The river runs past the mill. '.repeat(200);
    const estimate = (turns: Parameters<typeof countRequestTokens>[0]['turns']) =>
      countRequestTokens(
        {
          turns,
          settings: { provider: 'openai', model: 'gpt-4o', baseUrl: '', custom: null },
          apiKey: '',
          options: DEFAULT_MODEL_OPTIONS,
        },
        new AbortController().signal,
        { canReach: async () => false },
      );
    const alone = await estimate([{ role: 'user', text: 'And then?' }]);
    const followUp = await estimate([
      {
        role: 'user',
        text: 'Summarize',
        selection: { text: long, url: 'https://example.test/', title: 'T', originalLength: long.length, truncated: false },
      },
      { role: 'assistant', text: 'A mill by a river.' },
      { role: 'user', text: 'And then?' },
    ]);
    expect(alone.exact).toBe(false);
    // 6,000 characters of English are about 1,500 tokens, all of them in the follow-up's request.
    expect(followUp.inputTokens - alone.inputTokens).toBeGreaterThan(1_400);
  });
});
