import { describe, expect, it } from 'vitest';
import { checkSettings, continuesMidSentence, originPattern, PRESETS } from '../../src/providers/catalog.ts';
import { providerFor } from '../../src/providers/registry.ts';
import { continuationMode } from '../../src/background/answers/run-answer.ts';
import type { CustomEndpoint } from '../../src/shared/custom-endpoint.ts';
import { DEFAULT_MODEL } from '../../src/shared/ids.ts';
import { DEFAULT_MODEL_OPTIONS } from '../../src/shared/model-options.ts';
import { MAX_URL_CHARS } from '../../src/shared/limits.ts';

const MODEL = 'claude-sonnet-5-5';
const base = (baseUrl: string) => checkSettings({ model: MODEL, baseUrl });

describe('checkSettings: base URL', () => {
  it.each([
    ['', ''],
    ['   ', ''],
    ['https://api.anthropic.com', 'https://api.anthropic.com'],
    ['https://api.anthropic.com/', 'https://api.anthropic.com'],
    ['  https://proxy.example.com///  ', 'https://proxy.example.com'],
    ['https://proxy.example.com/anthropic/', 'https://proxy.example.com/anthropic'],
    ['https://proxy.example.com/a/b//', 'https://proxy.example.com/a/b'],
    ['https://proxy.example.com:8443/v', 'https://proxy.example.com:8443/v'],
    ['HTTPS://Proxy.Example.COM', 'https://proxy.example.com'],
    ['https://proxy.example.com:443/', 'https://proxy.example.com'],
    ['http://localhost:8787', 'http://localhost:8787'],
    ['http://LOCALHOST:8787/', 'http://localhost:8787'],
    ['http://127.0.0.1:8787/', 'http://127.0.0.1:8787'],
    ['http://127.0.0.1', 'http://127.0.0.1'],
    ['http://127.45.6.7:9000/mock', 'http://127.45.6.7:9000/mock'],
    ['http://[::1]:8787', 'http://[::1]:8787'],
    ['http://[0:0:0:0:0:0:0:1]:8787', 'http://[::1]:8787'],
  ])('accepts %j as %j', (input, expected) => {
    expect(base(input)).toEqual({
      ok: true,
      provider: 'anthropic',
      model: MODEL,
      baseUrl: expected,
      custom: null,
      options: DEFAULT_MODEL_OPTIONS,
    });
  });

  it.each([
    ['plain http to a remote host', 'http://api.anthropic.com'],
    ['plain http to a LAN address', 'http://192.168.1.10:8787'],
    ['plain http to 0.0.0.0', 'http://0.0.0.0:8787'],
    ['plain http to a host that only starts like 127', 'http://127.0.0.1.evil.test'],
    ['plain http to a host that only starts like localhost', 'http://localhost.evil.test'],
    ['plain http to a localhost subdomain', 'http://api.localhost:8787'],
  ])('rejects %s with a key as needing https', (_name, input) => {
    expect(base(input)).toEqual({ ok: false, error: { code: 'url-needs-https', params: { field: 'base-url' } } });
  });

  it.each([
    ['ws', 'ws://localhost:8787'],
    ['ftp', 'ftp://files.example.com'],
    ['file', 'file:///etc/passwd'],
    ['javascript', 'javascript:alert(1)'],
    ['data', 'data:text/plain,hi'],
  ])('rejects %s as neither https nor http', (_name, input) => {
    expect(base(input)).toEqual({ ok: false, error: { code: 'url-scheme', params: { field: 'base-url' } } });
  });

  it.each([
    ['a bare host', 'api.anthropic.com'],
    ['words', 'my proxy'],
    ['a scheme without a host', 'https://'],
  ])('rejects %s as not a URL, giving the input back', (_name, input) => {
    expect(base(input)).toEqual({ ok: false, error: { code: 'url-invalid', params: { value: input } } });
  });

  it('gives back the trimmed input, capped at 200 characters', () => {
    expect(base('  my proxy  ')).toEqual({ ok: false, error: { code: 'url-invalid', params: { value: 'my proxy' } } });
    const long = `not a url ${'x'.repeat(300)}`;
    expect(base(long)).toEqual({ ok: false, error: { code: 'url-invalid', params: { value: long.slice(0, 200) } } });
  });

  it('accepts plain http to a LAN server that gets no key (a local Ollama elsewhere on the network)', () => {
    expect(checkSettings({ provider: 'ollama', model: 'llama3.2', baseUrl: 'http://192.168.1.10:11434/v1/' })).toEqual({
      ok: true,
      options: DEFAULT_MODEL_OPTIONS,
      provider: 'ollama',
      model: 'llama3.2',
      baseUrl: 'http://192.168.1.10:11434/v1',
      custom: null,
    });
    expect(checkSettings({ provider: 'ollama', model: 'llama3.2', baseUrl: 'http://192.168.1.10:11434/v1', sendsKey: true })).toEqual({
      ok: false,
      error: { code: 'url-needs-https', params: { field: 'base-url' } },
    });
  });

  it('refuses a URL longer than requests may carry', () => {
    const url = `https://proxy.example.com/${'a'.repeat(MAX_URL_CHARS)}`;
    expect(base(url)).toEqual({ ok: false, error: { code: 'url-too-long', params: { max: MAX_URL_CHARS } } });
  });

  it.each([
    ['a user and password', 'https://user:secret@proxy.example.com'],
    ['a user only', 'https://sk-ant-key@proxy.example.com'],
    ['a password only', 'https://:secret@proxy.example.com'],
    ['credentials on loopback http', 'http://user:pw@127.0.0.1:8787'],
  ])('rejects credentials in the URL (%s)', (_name, input) => {
    expect(base(input)).toEqual({ ok: false, error: { code: 'url-credentials', params: { field: 'base-url' } } });
  });

  it.each([
    ['a query', 'https://proxy.example.com/v1?key=sk-ant-x'],
    ['a fragment', 'https://proxy.example.com/#frag'],
    ['a query on loopback', 'http://localhost:8787/?a=1'],
  ])('rejects %s', (_name, input) => {
    expect(base(input)).toEqual({ ok: false, error: { code: 'url-query' } });
  });
});

describe('checkSettings: model', () => {
  it('uses the default model when the model is empty or blank', () => {
    expect(checkSettings({ model: '', baseUrl: '' })).toEqual({
      ok: true,
      options: DEFAULT_MODEL_OPTIONS,
      provider: 'anthropic',
      model: DEFAULT_MODEL,
      baseUrl: '',
      custom: null,
    });
    expect(checkSettings({ model: '  \t', baseUrl: '' })).toEqual({
      ok: true,
      options: DEFAULT_MODEL_OPTIONS,
      provider: 'anthropic',
      model: DEFAULT_MODEL,
      baseUrl: '',
      custom: null,
    });
    expect(DEFAULT_MODEL).toBe('claude-sonnet-5-5');
  });

  it('trims spaces around the model name', () => {
    expect(checkSettings({ model: '  claude-opus-4-1 ', baseUrl: '' })).toEqual({
      ok: true,
      options: DEFAULT_MODEL_OPTIONS,
      provider: 'anthropic',
      model: 'claude-opus-4-1',
      baseUrl: '',
      custom: null,
    });
  });

  it.each([['claude sonnet'], ['claude-\tsonnet'], ['claude\nsonnet'], ['claude\u00A0sonnet']])(
    'rejects a model name with whitespace inside: %j',
    (model) => {
      expect(checkSettings({ model, baseUrl: '' })).toEqual({ ok: false, error: { code: 'model-spaces' } });
    },
  );

  it('rejects a bad model before it looks at the base URL', () => {
    expect(checkSettings({ model: 'a b', baseUrl: 'not a url' })).toEqual({ ok: false, error: { code: 'model-spaces' } });
  });

  it('asks for a model where the provider has no default, unless only the model list is wanted', () => {
    expect(PRESETS['openai-compatible'].defaultModel).toBe('');
    expect(checkSettings({ provider: 'openai-compatible', model: ' ', baseUrl: 'https://llm.example.com/v1' })).toEqual({
      ok: false,
      error: { code: 'model-missing' },
    });
    expect(
      checkSettings({ provider: 'openai-compatible', model: '', baseUrl: 'https://llm.example.com/v1', modelOptional: true }),
    ).toEqual({
      ok: true,
      options: DEFAULT_MODEL_OPTIONS,
      provider: 'openai-compatible',
      model: '',
      baseUrl: 'https://llm.example.com/v1',
      custom: null,
    });
  });

  it('asks for a base URL where the provider has none of its own', () => {
    expect(checkSettings({ provider: 'openai-compatible', model: 'm', baseUrl: '  ' })).toEqual({
      ok: false,
      error: { code: 'base-url-missing' },
    });
    expect(checkSettings({ provider: 'openai', model: 'm', baseUrl: '' })).toEqual({
      ok: true,
      options: DEFAULT_MODEL_OPTIONS,
      provider: 'openai',
      model: 'm',
      baseUrl: '',
      custom: null,
    });
  });
});

describe('checkSettings: custom endpoint', () => {
  const endpoint: CustomEndpoint = {
    url: ' https://llm.example.com/v1/stream ',
    method: 'POST',
    headers: 'Authorization: Bearer {{key}}',
    bodyTemplate: '{"messages": {{messages}}, "stream": true}',
    dataMode: 'json',
    textPath: ' choices.0.delta.content ',
    pattern: '',
    reasoningPath: ' ',
    textMode: 'delta',
    doneData: ' [DONE] ',
    eventType: '',
  };
  const custom = (patch: Partial<CustomEndpoint> | null, sendsKey?: boolean) =>
    checkSettings({
      provider: 'custom-sse',
      model: '',
      baseUrl: '',
      custom: patch === null ? null : { ...endpoint, ...patch },
      ...(sendsKey === undefined ? {} : { sendsKey }),
    });

  it('accepts a complete endpoint, trimmed, with no model and no base URL', () => {
    expect(custom({})).toEqual({
      ok: true,
      options: DEFAULT_MODEL_OPTIONS,
      provider: 'custom-sse',
      model: '',
      baseUrl: '',
      custom: {
        ...endpoint,
        url: 'https://llm.example.com/v1/stream',
        textPath: 'choices.0.delta.content',
        reasoningPath: '',
        doneData: '[DONE]',
      },
    });
  });

  it('accepts JSONPath, plain text (no path needed) and a regex with a group; keeps the pattern as typed', () => {
    expect(custom({ textPath: " $.choices[0]['delta'].content " })).toMatchObject({
      ok: true,
      custom: { textPath: "$.choices[0]['delta'].content" },
    });
    expect(custom({ dataMode: 'text', textPath: '' })).toMatchObject({ ok: true, custom: { dataMode: 'text' } });
    expect(custom({ dataMode: 'regex', textPath: '', pattern: ' ^data (?<text>.*)$' })).toMatchObject({
      ok: true,
      custom: { dataMode: 'regex', pattern: ' ^data (?<text>.*)$' },
    });
    // Another mode does not check the (hidden) path.
    expect(custom({ dataMode: 'text', textPath: '$.a[*]' }).ok).toBe(true);
  });

  it('refuses JSONPath it does not read and malformed paths, naming the field, the token and the column', () => {
    expect(custom({ textPath: '$.choices[*].text' })).toEqual({
      ok: false,
      error: { code: 'custom-path-unsupported', params: { field: 'text-path', token: '*', column: 11 } },
    });
    expect(custom({ reasoningPath: '$..reasoning' })).toEqual({
      ok: false,
      error: { code: 'custom-path-unsupported', params: { field: 'reasoning-path', token: '..', column: 2 } },
    });
    expect(custom({ textPath: "$['text" })).toEqual({
      ok: false,
      error: { code: 'custom-path-syntax', params: { field: 'text-path', column: 8 } },
    });
  });

  it('refuses a regex that does not compile (with the engine’s words), has no group, or is empty', () => {
    const broken = custom({ dataMode: 'regex', pattern: '(?<text>[a-' });
    expect(broken).toMatchObject({ ok: false, error: { code: 'custom-pattern-invalid', detail: expect.stringMatching(/./) } });
    expect(custom({ dataMode: 'regex', pattern: 'text=.*' })).toEqual({ ok: false, error: { code: 'custom-pattern-group' } });
    expect(custom({ dataMode: 'regex', pattern: '' })).toEqual({ ok: false, error: { code: 'custom-pattern-missing' } });
    // Unicode mode: an escape that means nothing is an error, not a silent literal.
    expect(custom({ dataMode: 'regex', pattern: '(\\q)' })).toMatchObject({ ok: false, error: { code: 'custom-pattern-invalid' } });
  });

  it('refuses a missing endpoint, a missing text path, a bad header line and a template that is not JSON', () => {
    expect(custom(null)).toEqual({ ok: false, error: { code: 'custom-incomplete' } });
    expect(custom({ textPath: '  ' })).toEqual({ ok: false, error: { code: 'custom-text-path' } });
    expect(custom({ headers: 'Authorization: Bearer {{key}}\nnot a header' })).toEqual({
      ok: false,
      error: { code: 'header-line', params: { line: 2 } },
    });
    const template = custom({ bodyTemplate: '{"messages": {{messages}}' });
    expect(template.ok).toBe(false);
    expect(template.ok ? null : template.error.code).toBe('template-json');
    expect(template.ok ? '' : template.error.detail).toEqual(expect.any(String));
    // A GET sends no body, so its (stale) template is not checked.
    expect(custom({ method: 'GET', bodyTemplate: '{"messages": {{messages}}' }).ok).toBe(true);
  });

  it('checks the endpoint URL as the endpoint URL, and needs https when {{key}} is in the headers', () => {
    expect(custom({ url: 'ftp://llm.example.com/' })).toEqual({
      ok: false,
      error: { code: 'url-scheme', params: { field: 'endpoint-url' } },
    });
    expect(custom({ url: 'http://192.168.1.10:8080/stream' })).toEqual({
      ok: false,
      error: { code: 'url-needs-https', params: { field: 'endpoint-url' } },
    });
    expect(custom({ url: 'http://192.168.1.10:8080/stream', headers: 'X-Trace: 1' }).ok).toBe(true);
    expect(custom({ url: 'http://192.168.1.10:8080/stream', headers: 'X-Trace: 1' }, true)).toEqual({
      ok: false,
      error: { code: 'url-needs-https', params: { field: 'endpoint-url' } },
    });
    expect(custom({ url: `https://llm.example.com/${'a'.repeat(MAX_URL_CHARS)}` })).toEqual({
      ok: false,
      error: { code: 'url-too-long', params: { max: MAX_URL_CHARS } },
    });
  });
});

describe('originPattern', () => {
  it.each([
    ['https://api.anthropic.com', 'https://api.anthropic.com/*'],
    ['https://proxy.example.com/anthropic/v2', 'https://proxy.example.com/*'],
    ['https://proxy.example.com:8443', 'https://proxy.example.com/*'],
    ['http://127.0.0.1:8787', 'http://127.0.0.1/*'],
    ['http://localhost:8787/mock', 'http://localhost/*'],
    ['http://[::1]:8787', 'http://[::1]/*'],
  ])('gives %s the host pattern %s (any path, any port)', (url, pattern) => {
    expect(originPattern(url)).toBe(pattern);
  });

  it('throws on a string that is not a URL', () => {
    expect(() => originPattern('not a url')).toThrow();
  });
});

describe('continuesMidSentence', () => {
  it('agrees with the background’s continuation mode for every provider, with thinking off and on', () => {
    for (const preset of Object.values(PRESETS)) {
      for (const thinking of [false, true]) {
        const options = { ...DEFAULT_MODEL_OPTIONS, thinking };
        expect(continuesMidSentence(preset.id, options), `${preset.id}, thinking ${thinking}`).toBe(
          continuationMode(providerFor(preset.dialect), options) === 'prefill',
        );
      }
    }
  });

  it('is true for Anthropic without thinking only', () => {
    expect(continuesMidSentence('anthropic', { thinking: false })).toBe(true);
    expect(continuesMidSentence('anthropic', { thinking: true })).toBe(false);
    expect(continuesMidSentence('openai', { thinking: false })).toBe(false);
  });
});
