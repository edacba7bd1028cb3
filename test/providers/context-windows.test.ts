import { describe, expect, it } from 'vitest';
import { contextWindowFor, knownContextWindow } from '../../src/providers/context-windows.ts';

describe('knownContextWindow', () => {
  it.each([
    ['claude-sonnet-4-5-20250929', 200_000],
    ['claude-sonnet-5-5', 200_000],
    ['gpt-4o-mini', 128_000],
    ['gpt-4.1-nano', 1_047_576],
    ['gpt-4', 8_192],
    ['gpt-4-turbo-2024-04-09', 128_000],
    ['gpt-5.4-mini', 400_000],
    ['o3-mini', 200_000],
    ['o1-mini', 128_000],
    ['gemini-2.5-flash', 1_048_576],
    ['models/gemini-1.5-pro-002', 2_097_152],
    ['deepseek-chat', 128_000],
    ['mistral-medium-latest', 128_000],
    ['llama3.2', 131_072],
    ['llama3', 8_192],
    ['meta-llama/Llama-3.3-70B-Instruct-Turbo', 131_072],
    ['openai/gpt-4o', 128_000],
    ['Qwen/Qwen2.5-72B-Instruct', 32_768],
    ['grok-4', 256_000],
  ])('%s → %i (longest prefix, vendor prefix and case ignored)', (model, window) => {
    expect(knownContextWindow(model)).toBe(window);
  });

  it('knows nothing of an unknown model', () => {
    expect(knownContextWindow('my-local-model')).toBeNull();
    expect(knownContextWindow('')).toBeNull();
  });
});

describe('contextWindowFor', () => {
  it('prefers the provider’s listed number, then the table, else unknown', () => {
    expect(contextWindowFor('gpt-4o', 2048)).toEqual({ contextWindow: 2048, source: 'provider' });
    expect(contextWindowFor('gpt-4o', undefined)).toEqual({ contextWindow: 128_000, source: 'table' });
    expect(contextWindowFor('mystery', undefined)).toEqual({ contextWindow: null });
    expect(contextWindowFor('mystery', 0)).toEqual({ contextWindow: null });
  });
});
