import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL } from '../../src/storage/settings.ts';
import { checkSettings, originPattern } from '../../src/storage/validate-settings.ts';

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
    expect(base(input)).toEqual({ ok: true, provider: 'anthropic', model: MODEL, baseUrl: expected, custom: null });
  });

  it.each([
    ['plain http to a remote host', 'http://api.anthropic.com'],
    ['plain http to a LAN address', 'http://192.168.1.10:8787'],
    ['plain http to 0.0.0.0', 'http://0.0.0.0:8787'],
    ['plain http to a host that only starts like 127', 'http://127.0.0.1.evil.test'],
    ['plain http to a host that only starts like localhost', 'http://localhost.evil.test'],
    ['plain http to a localhost subdomain', 'http://api.localhost:8787'],
    ['ws', 'ws://localhost:8787'],
    ['ftp', 'ftp://files.example.com'],
    ['file', 'file:///etc/passwd'],
    ['javascript', 'javascript:alert(1)'],
    ['data', 'data:text/plain,hi'],
  ])('rejects %s as not https', (_name, input) => {
    const result = base(input);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.message).toMatch(/must start with https/);
  });

  it.each([
    ['a bare host', 'api.anthropic.com'],
    ['words', 'my proxy'],
    ['a scheme without a host', 'https://'],
  ])('rejects %s as not a URL, quoting the input', (_name, input) => {
    const result = base(input);
    expect(result).toEqual({ ok: false, message: expect.stringContaining(`"${input}" is not a URL`) });
  });

  it.each([
    ['a user and password', 'https://user:secret@proxy.example.com'],
    ['a user only', 'https://sk-ant-key@proxy.example.com'],
    ['a password only', 'https://:secret@proxy.example.com'],
    ['credentials on loopback http', 'http://user:pw@127.0.0.1:8787'],
  ])('rejects credentials in the URL (%s)', (_name, input) => {
    expect(base(input)).toEqual({ ok: false, message: 'Put credentials in the API key field, not in the base URL.' });
  });

  it.each([
    ['a query', 'https://proxy.example.com/v1?key=sk-ant-x'],
    ['a fragment', 'https://proxy.example.com/#frag'],
    ['a query on loopback', 'http://localhost:8787/?a=1'],
  ])('rejects %s', (_name, input) => {
    expect(base(input)).toEqual({ ok: false, message: 'The base URL cannot have a query or a fragment.' });
  });
});

describe('checkSettings: model', () => {
  it('uses the default model when the model is empty or blank', () => {
    expect(checkSettings({ model: '', baseUrl: '' })).toEqual({ ok: true, provider: 'anthropic', model: DEFAULT_MODEL, baseUrl: '', custom: null });
    expect(checkSettings({ model: '  \t', baseUrl: '' })).toEqual({ ok: true, provider: 'anthropic', model: DEFAULT_MODEL, baseUrl: '', custom: null });
    expect(DEFAULT_MODEL).toBe('claude-sonnet-5-5');
  });

  it('trims spaces around the model name', () => {
    expect(checkSettings({ model: '  claude-opus-4-1 ', baseUrl: '' })).toEqual({ ok: true, provider: 'anthropic', model: 'claude-opus-4-1', baseUrl: '', custom: null });
  });

  it.each([['claude sonnet'], ['claude-\tsonnet'], ['claude\nsonnet'], ['claude\u00A0sonnet']])(
    'rejects a model name with whitespace inside: %j',
    (model) => {
      expect(checkSettings({ model, baseUrl: '' })).toEqual({ ok: false, message: 'The model name cannot contain spaces.' });
    },
  );

  it('rejects a bad model before it looks at the base URL', () => {
    expect(checkSettings({ model: 'a b', baseUrl: 'not a url' })).toEqual({
      ok: false,
      message: 'The model name cannot contain spaces.',
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
