import { describe, expect, it } from 'vitest';
import { newKeyOrigin, requestOrigin } from '../../src/providers/key-destination.ts';

const anthropic = { provider: 'anthropic' as const, baseUrl: '', custom: null };

describe('where a saved key may go', () => {
  it('stays where it was saved: the provider’s own address, or the saved base URL', () => {
    expect(newKeyOrigin(anthropic, anthropic)).toBeNull();
    const proxy = { ...anthropic, baseUrl: 'https://proxy.example/v1' };
    expect(newKeyOrigin(proxy, proxy)).toBeNull();
    expect(newKeyOrigin(proxy, { ...proxy, baseUrl: 'https://proxy.example/other' })).toBeNull(); // same origin, other path
    expect(newKeyOrigin(proxy, anthropic)).toBeNull(); // back to the provider's own
  });

  it('names the new origin when the address moves elsewhere', () => {
    expect(newKeyOrigin(anthropic, { ...anthropic, baseUrl: 'https://evil.example/v1' })).toBe('https://evil.example');
    expect(newKeyOrigin(anthropic, { ...anthropic, baseUrl: 'http://127.0.0.1:8787' })).toBe('http://127.0.0.1:8787');
    // Another port is another origin.
    const local = { ...anthropic, baseUrl: 'http://127.0.0.1:8787' };
    expect(newKeyOrigin(local, { ...local, baseUrl: 'http://127.0.0.1:9999' })).toBe('http://127.0.0.1:9999');
  });

  it('does not carry a saved address over to another provider, and reads custom endpoints by their URL', () => {
    const saved = { provider: 'openai' as const, baseUrl: 'https://proxy.example/v1', custom: null };
    expect(newKeyOrigin(saved, { provider: 'groq', baseUrl: 'https://proxy.example/v1', custom: null })).toBe('https://proxy.example');
    const custom = { provider: 'custom-sse' as const, baseUrl: '', custom: { url: 'https://sse.example/stream' } as never };
    expect(requestOrigin(custom)).toBe('https://sse.example');
    expect(newKeyOrigin(custom, custom)).toBeNull();
    expect(newKeyOrigin(custom, { ...custom, custom: { url: 'https://other.example/stream' } as never })).toBe('https://other.example');
  });
});
