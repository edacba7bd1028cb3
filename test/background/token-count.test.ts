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

  it('falls back to the table, or unknown, when the server is gone', async () => {
    const closed = await startMockProvider();
    await closed.close();
    expect(await count('some-local-model', `${closed.url}/v1`)).toMatchObject({ contextWindow: null });
  });
});
