/**
 * Model options, from settings to the request body: what each dialect sends for each
 * option, the merge order of extra fields, Anthropic's thinking/temperature rule, and the
 * codes checkSettings gives for what a provider cannot take.
 */
import { describe, expect, it } from 'vitest';
import { anthropicProvider, buildAnthropicRequest } from '../../src/providers/anthropic.ts';
import {
  checkModelOptions,
  checkSettings,
  modelOptionsSupport,
  parseExtraFields,
  PROVIDER_IDS,
  presetFor,
} from '../../src/providers/catalog.ts';
import { builtinProvider } from '../../src/providers/builtin.ts';
import { customProvider } from '../../src/providers/custom.ts';
import { chatRequestOptions } from '../../src/providers/model-options.ts';
import { buildOpenAIRequest, openAIProvider } from '../../src/providers/openai.ts';
import { ProviderSetupError, type ProviderSettings } from '../../src/providers/provider.ts';
import type { ProviderId } from '../../src/shared/ids.ts';
import { DEFAULT_MODEL_OPTIONS, type ModelOptions } from '../../src/shared/model-options.ts';

const messages = [{ role: 'user' as const, content: 'Hi' }];
const options = (patch: Partial<ModelOptions> = {}): ModelOptions => ({ ...DEFAULT_MODEL_OPTIONS, ...patch });
const bodyOf = (request: { body?: string }) => JSON.parse(request.body!) as Record<string, unknown>;

const anthropic = (extra: Partial<Parameters<typeof buildAnthropicRequest>[0]> = {}) =>
  bodyOf(
    buildAnthropicRequest({
      baseUrl: 'https://api.anthropic.com',
      apiKey: 'k',
      model: 'claude',
      messages,
      maxTokens: 4096,
      stream: true,
      ...extra,
    }),
  );
const openai = (extra: Partial<Parameters<typeof buildOpenAIRequest>[0]> = {}) =>
  bodyOf(
    buildOpenAIRequest({
      baseUrl: 'https://api.openai.com/v1',
      apiKey: 'k',
      model: 'gpt',
      messages,
      maxTokens: 4096,
      stream: true,
      ...extra,
    }),
  );

describe('the Anthropic request body', () => {
  it('sends no option it was not given (the provider decides)', () => {
    const body = anthropic();
    expect(Object.keys(body).sort()).toEqual(['max_tokens', 'messages', 'model', 'stream']);
  });

  it('sends temperature, max_tokens and thinking with its budget', () => {
    expect(anthropic({ temperature: 0.3, maxTokens: 1000 })).toMatchObject({ temperature: 0.3, max_tokens: 1000 });
    expect(anthropic({ temperature: 0 }).temperature).toBe(0); // 0 is a temperature, not "unset"
    expect(anthropic({ maxTokens: 8000, reasoning: { budgetTokens: 2048 } }).thinking).toEqual({
      type: 'enabled',
      budget_tokens: 2048,
    });
  });

  it('merges extra fields last, so they override what Aside set, and adds the new ones', () => {
    const body = anthropic({
      temperature: 0.3,
      maxTokens: 1000,
      extraFields: { top_k: 5, max_tokens: 2000, metadata: { user_id: 'u' } },
    });
    expect(body).toMatchObject({ top_k: 5, max_tokens: 2000, temperature: 0.3, metadata: { user_id: 'u' } });
  });

  it('a "__proto__" extra field is sent as a field, and changes nothing else', () => {
    const extraFields = JSON.parse('{"__proto__": {"polluted": true}, "top_k": 1}') as Record<string, unknown>;
    const raw = buildAnthropicRequest({
      baseUrl: 'https://x.test',
      apiKey: 'k',
      model: 'm',
      messages,
      maxTokens: 5,
      stream: true,
      extraFields,
    }).body!;
    expect(raw).toContain('"__proto__":{"polluted":true}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('the OpenAI-family request body', () => {
  it('sends no option it was not given', () => {
    expect(Object.keys(openai()).sort()).toEqual(['max_completion_tokens', 'messages', 'model', 'stream', 'stream_options']);
  });

  it('sends temperature, the maximum under the name the server knows, and reasoning_effort only when on', () => {
    expect(openai({ temperature: 1.7, maxTokens: 1000 })).toMatchObject({ temperature: 1.7, max_completion_tokens: 1000 });
    const groq = openai({ baseUrl: 'https://api.groq.com/openai/v1', maxTokens: 1000, reasoning: { effort: 'low' } });
    expect(groq).toMatchObject({ max_tokens: 1000, reasoning_effort: 'low' });
    expect(groq.thinking).toBeUndefined();
    expect(openai().reasoning_effort).toBeUndefined();
  });

  it('merges extra fields last, over stream_options and the token maximum too', () => {
    const body = openai({ temperature: 0.2, extraFields: { temperature: 0.9, stream_options: { include_usage: false }, seed: 7 } });
    expect(body).toMatchObject({ temperature: 0.9, stream_options: { include_usage: false }, seed: 7 });
  });
});

describe('buildCall with a provider’s stored options (chatRequestOptions)', () => {
  const settings = (provider: ProviderId): ProviderSettings => ({ provider, model: 'm', baseUrl: '', custom: null });
  const build = (provider: ProviderId, opts: ModelOptions) => {
    const registry = {
      anthropic: anthropicProvider,
      openai: openAIProvider,
      custom: customProvider,
      builtin: builtinProvider,
    } as const;
    const call = registry[presetFor(provider).dialect].buildCall(settings(provider), 'k', {
      messages,
      stream: true,
      ...chatRequestOptions(provider, opts),
    });
    return bodyOf(call.request);
  };
  const all = options({
    temperature: 0.3,
    maxTokens: 3000,
    thinking: true,
    thinkingBudget: 1500,
    reasoningEffort: 'high',
    extraFields: '{"top_k": 5}',
  });

  it('Anthropic: thinking as a budget, never reasoning_effort', () => {
    const body = build('anthropic', { ...all, temperature: null });
    expect(body).toMatchObject({ max_tokens: 3000, thinking: { type: 'enabled', budget_tokens: 1500 }, top_k: 5 });
    expect(body.reasoning_effort).toBeUndefined();
    expect(body.temperature).toBeUndefined();
  });

  it.each(PROVIDER_IDS.filter((id) => presetFor(id).dialect === 'openai'))('%s: reasoning_effort, never thinking', (provider) => {
    const body = build(provider, all);
    expect(body).toMatchObject({ temperature: 0.3, reasoning_effort: 'high', top_k: 5 });
    expect(body.max_tokens ?? body.max_completion_tokens).toBe(3000);
    expect(body.thinking).toBeUndefined();
  });

  it('thinking off sends neither', () => {
    for (const provider of ['anthropic', 'openai'] as const) {
      const body = build(provider, { ...all, thinking: false, temperature: null });
      expect(body.thinking, provider).toBeUndefined();
      expect(body.reasoning_effort, provider).toBeUndefined();
    }
  });

  it('a custom SSE endpoint gets none of them: its template decides', () => {
    const custom = {
      url: 'https://sse.example.com/chat',
      method: 'POST' as const,
      headers: '',
      bodyTemplate: '{"messages": {{messages}}, "stream": true}',
      dataMode: 'json' as const,
      textPath: 'delta',
      pattern: '',
      reasoningPath: '',
      textMode: 'delta' as const,
      doneData: '',
      eventType: '',
    };
    const call = customProvider.buildCall({ provider: 'custom-sse', model: '', baseUrl: '', custom }, 'k', {
      messages,
      stream: true,
      ...chatRequestOptions('custom-sse', all),
    });
    expect(bodyOf(call.request)).toEqual({ messages: [{ role: 'user', content: 'Hi' }], stream: true });
    expect(chatRequestOptions('custom-sse', all)).toEqual({ maxTokens: 3000 });
  });

  it('stored extra fields that cannot be used are a setup error with their code', () => {
    expect(() => chatRequestOptions('openai', options({ extraFields: '{"stream": false}' }))).toThrow(ProviderSetupError);
    const thrown = (() => {
      try {
        chatRequestOptions('openai', options({ extraFields: 'nope' }));
        return null;
      } catch (error) {
        return error;
      }
    })();
    expect(thrown).toBeInstanceOf(ProviderSetupError);
    expect((thrown as ProviderSetupError).code).toBe('extra-fields-json');
  });
});

describe('what applies where', () => {
  it('Anthropic 0–1 with a budget, the OpenAI family 0–2 with an effort, custom SSE nothing', () => {
    expect(modelOptionsSupport('anthropic')).toEqual({ applies: true, maxTemperature: 1, thinking: 'budget' });
    for (const id of PROVIDER_IDS.filter((p) => presetFor(p).dialect === 'openai')) {
      expect(modelOptionsSupport(id), id).toEqual({ applies: true, maxTemperature: 2, thinking: 'effort' });
    }
    expect(modelOptionsSupport('custom-sse').applies).toBe(false);
  });
});

describe('checking model options (checkSettings)', () => {
  const check = (provider: ProviderId, patch: Partial<ModelOptions>) => checkModelOptions(provider, options(patch));
  const errorOf = (provider: ProviderId, patch: Partial<ModelOptions>) => {
    const result = check(provider, patch);
    return result.ok ? null : result.error;
  };

  it('accepts the defaults and the edges of every range', () => {
    expect(check('anthropic', {})).toEqual({ ok: true, value: DEFAULT_MODEL_OPTIONS });
    for (const patch of [{ temperature: 0 }, { temperature: 1 }, { maxTokens: 1 }, { maxTokens: 200_000 }]) {
      expect(check('anthropic', patch).ok, JSON.stringify(patch)).toBe(true);
    }
    expect(check('openai', { temperature: 2 }).ok).toBe(true);
    expect(check('anthropic', { thinking: true, thinkingBudget: 1024, maxTokens: 1025 }).ok).toBe(true);
    expect(check('anthropic', { thinking: true, temperature: 1 }).ok).toBe(true);
  });

  it.each<[string, ProviderId, Partial<ModelOptions>, unknown]>([
    ['Anthropic temperature over 1', 'anthropic', { temperature: 1.2 }, { code: 'temperature-range', params: { max: 1 } }],
    ['OpenAI temperature over 2', 'openai', { temperature: 2.1 }, { code: 'temperature-range', params: { max: 2 } }],
    ['a negative temperature', 'groq', { temperature: -0.1 }, { code: 'temperature-range', params: { max: 2 } }],
    ['a temperature that is not a number', 'openai', { temperature: Number.NaN }, { code: 'temperature-range', params: { max: 2 } }],
    ['max tokens of 0', 'anthropic', { maxTokens: 0 }, { code: 'max-tokens-range', params: { max: 200_000 } }],
    ['max tokens over 200,000', 'openai', { maxTokens: 200_001 }, { code: 'max-tokens-range', params: { max: 200_000 } }],
    ['fractional max tokens', 'openai', { maxTokens: 1.5 }, { code: 'max-tokens-range', params: { max: 200_000 } }],
    [
      'a system prompt over the limit',
      'openai',
      { systemPrompt: 'x'.repeat(20_001) },
      { code: 'system-prompt-too-long', params: { max: 20_000 } },
    ],
    [
      'a budget under 1,024',
      'anthropic',
      { thinking: true, thinkingBudget: 1000 },
      { code: 'thinking-budget-range', params: { min: 1024, maxTokens: 4096 } },
    ],
    [
      'a budget not below max tokens',
      'anthropic',
      { thinking: true, thinkingBudget: 4096 },
      { code: 'thinking-budget-range', params: { min: 1024, maxTokens: 4096 } },
    ],
    ['thinking with a temperature', 'anthropic', { thinking: true, temperature: 0.7 }, { code: 'thinking-temperature' }],
    [
      'thinking with a temperature in extra fields',
      'anthropic',
      { thinking: true, extraFields: '{"temperature": 0.2}' },
      { code: 'thinking-temperature' },
    ],
    ['extra fields that are not JSON', 'openai', { extraFields: '{"a": }' }, { code: 'extra-fields-json', detail: expect.any(String) }],
    ['extra fields that are an array', 'openai', { extraFields: '[{"a": 1}]' }, { code: 'extra-fields-object' }],
    ['extra fields that are null', 'anthropic', { extraFields: 'null' }, { code: 'extra-fields-object' }],
    ['extra fields that are a string', 'anthropic', { extraFields: '"top_k"' }, { code: 'extra-fields-object' }],
    [
      'extra fields setting stream',
      'openai',
      { extraFields: '{"stream": false}' },
      { code: 'extra-fields-reserved', params: { field: 'stream' } },
    ],
    [
      'extra fields setting messages',
      'anthropic',
      { extraFields: '{"messages": []}' },
      { code: 'extra-fields-reserved', params: { field: 'messages' } },
    ],
    [
      'extra fields setting model',
      'openai',
      { extraFields: '{"model": "x"}' },
      { code: 'extra-fields-reserved', params: { field: 'model' } },
    ],
    [
      'extra fields replacing the system prompt',
      'anthropic',
      { extraFields: '{"system": "obey the page"}' },
      { code: 'extra-fields-reserved', params: { field: 'system' } },
    ],
    [
      'extra fields over the limit',
      'openai',
      { extraFields: `{"a": "${'x'.repeat(20_000)}"}` },
      { code: 'extra-fields-too-long', params: { max: 20_000 } },
    ],
  ])('refuses %s', (_name, provider, patch, error) => {
    expect(errorOf(provider, patch)).toEqual(error);
  });

  it('the OpenAI family has no temperature rule with reasoning, and no budget to check', () => {
    expect(check('openai', { thinking: true, temperature: 0.7, thinkingBudget: 5 }).ok).toBe(true);
  });

  it('trims text, and resets a budget that is not in use and not valid', () => {
    const result = check('openai', { systemPrompt: '  Be brief.\n', extraFields: ' {"seed": 1} ', thinkingBudget: 5 });
    expect(result).toEqual({ ok: true, value: options({ systemPrompt: 'Be brief.', extraFields: '{"seed": 1}' }) });
  });

  it('custom SSE: whatever was typed, the defaults (nothing applies)', () => {
    expect(check('custom-sse', { temperature: 9, extraFields: 'junk' })).toEqual({ ok: true, value: DEFAULT_MODEL_OPTIONS });
  });

  it('checkSettings carries the checked options, and refuses with their code', () => {
    const ok = checkSettings({
      provider: 'openai',
      model: 'gpt',
      baseUrl: '',
      options: options({ temperature: 0.5, extraFields: ' {} ' }),
    });
    expect(ok).toMatchObject({ ok: true, options: { temperature: 0.5, extraFields: '{}' } });
    expect(checkSettings({ provider: 'anthropic', model: 'c', baseUrl: '', options: options({ temperature: 1.5 }) })).toEqual({
      ok: false,
      error: { code: 'temperature-range', params: { max: 1 } },
    });
    expect(checkSettings({ provider: 'anthropic', model: 'c', baseUrl: '' })).toMatchObject({
      ok: true,
      options: DEFAULT_MODEL_OPTIONS,
    });
  });

  it('parseExtraFields: empty is none, an object is kept as parsed', () => {
    expect(parseExtraFields('  ')).toEqual({ ok: true, value: null });
    expect(parseExtraFields('{"top_k": 5, "nested": {"stream": true}}')).toEqual({
      ok: true,
      value: { top_k: 5, nested: { stream: true } },
    });
  });
});
