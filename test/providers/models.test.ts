/**
 * The model picker's listing: requests for Anthropic and OpenAI-compatible servers, and
 * parsing of their documented response shapes (and junk).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anthropicProvider } from '../../src/providers/anthropic.ts';
import { customProvider } from '../../src/providers/custom.ts';
import { HttpFailure } from '../../src/providers/http.ts';
import { fetchModelList, MAX_MODELS, ModelListInvalidError, modelsRequest, parseModelList } from '../../src/providers/models.ts';
import { openAIProvider } from '../../src/providers/openai.ts';
import type { ProviderSettings } from '../../src/providers/provider.ts';

describe('modelsRequest', () => {
  it('lists Anthropic models with the key, version and browser opt-in headers', () => {
    // Only what to send: redirects, cookies and the cache are refused where it is sent
    // (http.ts; the listing below and http.test.ts check that).
    expect(modelsRequest('anthropic', 'https://api.anthropic.com/', 'sk-ant-KEY')).toEqual({
      url: 'https://api.anthropic.com/v1/models?limit=1000',
      method: 'GET',
      headers: {
        accept: 'application/json',
        'x-api-key': 'sk-ant-KEY',
        'anthropic-version': '2023-06-01',
        'anthropic-dangerous-direct-browser-access': 'true',
      },
    });
  });

  it('lists OpenAI-compatible models at {baseUrl}/models with Bearer auth only when a key is given', () => {
    const openai = modelsRequest('openai', 'https://api.openai.com/v1', 'sk-KEY');
    expect(openai.url).toBe('https://api.openai.com/v1/models');
    expect(openai).toEqual({
      url: 'https://api.openai.com/v1/models',
      method: 'GET',
      headers: { accept: 'application/json', authorization: 'Bearer sk-KEY' },
    });
    const ollama = modelsRequest('openai', 'http://localhost:11434/v1/', '');
    expect(ollama.url).toBe('http://localhost:11434/v1/models');
    expect(ollama.headers).toEqual({ accept: 'application/json' });
    expect(ollama).not.toHaveProperty('body');
  });
});

describe('fetchModelList and Provider.listModels', () => {
  type Seen = { url: string; init: RequestInit };
  function fakeFetch(response: () => Response): { fetch: typeof fetch; seen: Seen[] } {
    const seen: Seen[] = [];
    const fetch = (async (url: string, init: RequestInit) => {
      seen.push({ url, init });
      return response();
    }) as unknown as typeof globalThis.fetch;
    return { fetch, seen };
  }
  const json = (status: number, body: unknown) => () =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const settings = (provider: ProviderSettings['provider'], baseUrl = ''): ProviderSettings => ({
    provider,
    model: '',
    baseUrl,
    custom: null,
  });

  it('GETs the listing with the key-safety options and parses it', async () => {
    const { fetch, seen } = fakeFetch(json(200, { data: [{ id: 'gpt-b' }, { id: 'gpt-a' }] }));
    const signal = new AbortController().signal;
    const list = await fetchModelList('openai', modelsRequest('openai', 'https://api.openai.com/v1', 'sk-KEY'), { signal, fetch });
    expect(list).toEqual([
      { id: 'gpt-a', label: 'gpt-a' },
      { id: 'gpt-b', label: 'gpt-b' },
    ]);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.url).toBe('https://api.openai.com/v1/models');
    expect(seen[0]!.init).toEqual({
      method: 'GET',
      headers: { accept: 'application/json', authorization: 'Bearer sk-KEY' },
      redirect: 'manual',
      credentials: 'omit',
      cache: 'no-store',
      signal,
    });
  });

  it('throws HttpFailure for an error status and ModelListInvalidError for a body that is not JSON', async () => {
    const signal = new AbortController().signal;
    const request = modelsRequest('anthropic', 'https://api.anthropic.com', 'k');
    const failure = await fetchModelList('anthropic', request, {
      signal,
      fetch: fakeFetch(json(401, { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } })).fetch,
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(HttpFailure);
    expect(failure).toMatchObject({ status: 401, url: request.url });
    const html = fakeFetch(() => new Response('<html>login</html>', { status: 200 }));
    await expect(fetchModelList('anthropic', request, { signal, fetch: html.fetch })).rejects.toBeInstanceOf(ModelListInvalidError);
  });

  it('lists from the provider’s own URL, or the base URL the user set', async () => {
    const signal = new AbortController().signal;
    const anthropic = fakeFetch(json(200, { data: [{ id: 'claude-x', display_name: 'Claude X' }] }));
    expect(await anthropicProvider.listModels!(settings('anthropic'), 'sk-ant', { signal, fetch: anthropic.fetch })).toEqual([
      { id: 'claude-x', label: 'Claude X' },
    ]);
    expect(anthropic.seen[0]!.url).toBe('https://api.anthropic.com/v1/models?limit=1000');
    expect(anthropic.seen[0]!.init.headers).toMatchObject({ 'x-api-key': 'sk-ant' });
    const ollama = fakeFetch(json(200, { models: [{ name: 'qwen3:8b' }] }));
    expect(
      await openAIProvider.listModels!(settings('ollama', 'http://192.168.1.5:11434/v1'), '', { signal, fetch: ollama.fetch }),
    ).toEqual([{ id: 'qwen3:8b', label: 'qwen3:8b' }]);
    expect(ollama.seen[0]!.url).toBe('http://192.168.1.5:11434/v1/models');
    expect(ollama.seen[0]!.init.headers).toEqual({ accept: 'application/json' });
  });

  it('has no listing for a custom endpoint', () => {
    expect(customProvider.listModels).toBeUndefined();
  });
});

describe('parseModelList', () => {
  it('reads Anthropic’s list, newest first, labelled with display_name', () => {
    const json = {
      data: [
        { type: 'model', id: 'claude-3-5-haiku-20241022', display_name: 'Claude Haiku 3.5', created_at: '2024-10-22T00:00:00Z' },
        { type: 'model', id: 'claude-sonnet-4-5-20250929', display_name: 'Claude Sonnet 4.5', created_at: '2025-09-29T00:00:00Z' },
        { type: 'model', id: 'claude-opus-4-1-20250805', display_name: 'Claude Opus 4.1', created_at: '2025-08-05T00:00:00Z' },
      ],
      has_more: false,
      first_id: 'claude-sonnet-4-5-20250929',
      last_id: 'claude-3-5-haiku-20241022',
    };
    expect(parseModelList('anthropic', json)).toEqual([
      { id: 'claude-sonnet-4-5-20250929', label: 'Claude Sonnet 4.5' },
      { id: 'claude-opus-4-1-20250805', label: 'Claude Opus 4.1' },
      { id: 'claude-3-5-haiku-20241022', label: 'Claude Haiku 3.5' },
    ]);
  });

  it('keeps the API order for Anthropic entries without a usable date, after the dated ones', () => {
    const json = { data: [{ id: 'b' }, { id: 'old', created_at: '2020-01-01T00:00:00Z' }, { id: 'a', created_at: 'soon' }] };
    expect(parseModelList('anthropic', json).map((m) => m.id)).toEqual(['old', 'b', 'a']);
  });

  it('reads OpenAI’s list in natural id order, labelled with the id', () => {
    const json = {
      object: 'list',
      data: [
        { id: 'gpt-4o-mini', object: 'model', created: 1721172741, owned_by: 'system' },
        { id: 'gpt-10', object: 'model', created: 1, owned_by: 'system' },
        { id: 'gpt-4o', object: 'model', created: 1715367049, owned_by: 'system' },
        { id: 'GPT-4.1', object: 'model', created: 1744316542, owned_by: 'system' },
      ],
    };
    expect(parseModelList('openai', json)).toEqual([
      { id: 'GPT-4.1', label: 'GPT-4.1' },
      { id: 'gpt-4o', label: 'gpt-4o' },
      { id: 'gpt-4o-mini', label: 'gpt-4o-mini' },
      { id: 'gpt-10', label: 'gpt-10' },
    ]);
  });

  it('labels OpenRouter models with their name, and reads Ollama’s /v1/models and native /api/tags', () => {
    expect(parseModelList('openai', { data: [{ id: 'openai/gpt-4o', name: 'OpenAI: GPT-4o', context_length: 128000 }] })).toEqual([
      { id: 'openai/gpt-4o', label: 'OpenAI: GPT-4o', contextWindow: 128000 },
    ]);
    expect(
      parseModelList('openai', {
        object: 'list',
        data: [{ id: 'llama3.2:latest', object: 'model', created: 1730000000, owned_by: 'library' }],
      }),
    ).toEqual([{ id: 'llama3.2:latest', label: 'llama3.2:latest' }]);
    expect(
      parseModelList('openai', {
        models: [
          { name: 'qwen3:8b', model: 'qwen3:8b', size: 5 },
          { name: 'gemma3:4b', model: 'gemma3:4b' },
        ],
      }),
    ).toEqual([
      { id: 'gemma3:4b', label: 'gemma3:4b' },
      { id: 'qwen3:8b', label: 'qwen3:8b' },
    ]);
  });

  it('skips junk entries and duplicates', () => {
    const json = {
      data: [
        null,
        3,
        'gpt-x',
        [],
        { id: '' },
        { id: '  ' },
        { id: 42 },
        { object: 'model' },
        { id: 'b' },
        { id: 'a', name: 7 },
        { id: 'b', name: 'dup' },
      ],
    };
    expect(parseModelList('openai', json)).toEqual([
      { id: 'a', label: 'a' },
      { id: 'b', label: 'b' },
    ]);
    expect(parseModelList('anthropic', { data: [{ id: 'x', display_name: '' }] })).toEqual([{ id: 'x', label: 'x' }]);
  });

  it('gives an empty list for anything that is not a listing', () => {
    for (const json of [null, undefined, 'text', 42, [], {}, { data: 'x' }, { data: {} }, { error: { message: 'nope' } }]) {
      expect(parseModelList('openai', json)).toEqual([]);
      expect(parseModelList('anthropic', json)).toEqual([]);
    }
  });

  it('caps the list length', () => {
    const json = { data: Array.from({ length: MAX_MODELS + 50 }, (_, i) => ({ id: `m${i}` })) };
    expect(parseModelList('openai', json)).toHaveLength(MAX_MODELS);
  });

  it('never throws, and returns unique non-empty string ids for any JSON (property)', () => {
    const entry = fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          id: fc.oneof(fc.string(), fc.jsonValue()),
          display_name: fc.jsonValue(),
          name: fc.jsonValue(),
          created_at: fc.oneof(
            fc.string(),
            fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          ),
        },
        { requiredKeys: [] },
      ),
    );
    fc.assert(
      fc.property(
        fc.constantFrom('anthropic' as const, 'openai' as const),
        fc.oneof(fc.jsonValue(), fc.record({ data: fc.array(entry) })),
        (kind, json) => {
          const list = parseModelList(kind, json);
          const ids = list.map((m) => m.id);
          expect(new Set(ids).size).toBe(ids.length);
          for (const m of list) {
            expect(typeof m.id).toBe('string');
            expect(m.id.trim()).not.toBe('');
            expect(typeof m.label).toBe('string');
            expect(m.label.trim()).not.toBe('');
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
