/**
 * The model picker's listing: requests for Anthropic and OpenAI-compatible servers, and
 * parsing of their documented response shapes (and junk).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_MODELS, modelsRequest, parseModelList } from '../../src/providers/models.ts';

describe('modelsRequest', () => {
  it('lists Anthropic models with the key, version and browser opt-in headers', () => {
    const { url, init } = modelsRequest('anthropic', 'https://api.anthropic.com/', 'sk-ant-KEY');
    expect(url).toBe('https://api.anthropic.com/v1/models?limit=1000');
    expect(init).toEqual({
      method: 'GET',
      headers: {
        accept: 'application/json',
        'x-api-key': 'sk-ant-KEY',
        'anthropic-version': '2023-06-01',
        'anthropic-dangerous-direct-browser-access': 'true',
      },
      redirect: 'error',
      credentials: 'omit',
      cache: 'no-store',
    });
  });

  it('lists OpenAI-compatible models at {baseUrl}/models with Bearer auth only when a key is given', () => {
    const openai = modelsRequest('openai', 'https://api.openai.com/v1', 'sk-KEY');
    expect(openai.url).toBe('https://api.openai.com/v1/models');
    expect(openai.init.headers).toEqual({ accept: 'application/json', authorization: 'Bearer sk-KEY' });
    expect(openai.init).toMatchObject({ method: 'GET', redirect: 'error', credentials: 'omit' });
    const ollama = modelsRequest('openai', 'http://localhost:11434/v1/', '');
    expect(ollama.url).toBe('http://localhost:11434/v1/models');
    expect(ollama.init.headers).toEqual({ accept: 'application/json' });
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
      { id: 'openai/gpt-4o', label: 'OpenAI: GPT-4o' },
    ]);
    expect(parseModelList('openai', { object: 'list', data: [{ id: 'llama3.2:latest', object: 'model', created: 1730000000, owned_by: 'library' }] }))
      .toEqual([{ id: 'llama3.2:latest', label: 'llama3.2:latest' }]);
    expect(parseModelList('openai', { models: [{ name: 'qwen3:8b', model: 'qwen3:8b', size: 5 }, { name: 'gemma3:4b', model: 'gemma3:4b' }] }))
      .toEqual([{ id: 'gemma3:4b', label: 'gemma3:4b' }, { id: 'qwen3:8b', label: 'qwen3:8b' }]);
  });

  it('skips junk entries and duplicates', () => {
    const json = { data: [null, 3, 'gpt-x', [], { id: '' }, { id: '  ' }, { id: 42 }, { object: 'model' }, { id: 'b' }, { id: 'a', name: 7 }, { id: 'b', name: 'dup' }] };
    expect(parseModelList('openai', json)).toEqual([{ id: 'a', label: 'a' }, { id: 'b', label: 'b' }]);
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
      fc.record({ id: fc.oneof(fc.string(), fc.jsonValue()), display_name: fc.jsonValue(), name: fc.jsonValue(), created_at: fc.oneof(fc.string(), fc.date({ noInvalidDate: true }).map((d) => d.toISOString())) }, { requiredKeys: [] }),
    );
    fc.assert(
      fc.property(fc.constantFrom('anthropic' as const, 'openai' as const), fc.oneof(fc.jsonValue(), fc.record({ data: fc.array(entry) })), (kind, json) => {
        const list = parseModelList(kind, json);
        const ids = list.map((m) => m.id);
        expect(new Set(ids).size).toBe(ids.length);
        for (const m of list) {
          expect(typeof m.id).toBe('string');
          expect(m.id.trim()).not.toBe('');
          expect(typeof m.label).toBe('string');
          expect(m.label.trim()).not.toBe('');
        }
      }),
      { numRuns: 300 },
    );
  });
});
