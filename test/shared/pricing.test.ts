import { describe, expect, it } from 'vitest';
import { estimateCost, priceFor, PRICES_CHECKED } from '../../src/shared/pricing.ts';

describe('the price table', () => {
  it('carries the date it was checked', () => {
    expect(PRICES_CHECKED).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('matches the longest prefix that ends at a separator', () => {
    expect(priceFor('anthropic', 'claude-sonnet-5-5')).toMatchObject({ input: 2, output: 10, cacheRead: 0.1 });
    expect(priceFor('anthropic', 'claude-sonnet-5-20260601')).toMatchObject({ cacheRead: 0.2 });
    expect(priceFor('anthropic', 'claude-sonnet-55')).toBeNull();
    expect(priceFor('openai', 'gpt-5.4-mini-2026-03-01')).toMatchObject({ input: 0.75 });
    expect(priceFor('openai', 'gpt-5.4')).toMatchObject({ input: 2.5 });
    expect(priceFor('openrouter', 'anthropic/claude-sonnet-5-5')).toBeNull();
    expect(priceFor('anthropic', 'my-fine-tune')).toBeNull();
  });

  it("prices Anthropic's cache tokens apart from its input, and takes OpenAI's cached part out of its input", () => {
    const sonnet = priceFor('anthropic', 'claude-sonnet-5-5')!;
    // 1M input at $2 + 1M output at $10 + 1M cache reads at $0.10 + 1M cache writes at $2.50
    expect(
      estimateCost('anthropic', { inputTokens: 1e6, outputTokens: 1e6, cacheReadTokens: 1e6, cacheWriteTokens: 1e6 }, sonnet),
    ).toBeCloseTo(14.6, 6);
    const mini = priceFor('openai', 'gpt-5.4-mini')!;
    // prompt_tokens 1M of which 400k cached: 600k at $0.75 + 400k at $0.075 + 1M out at $4.50
    expect(estimateCost('openai', { inputTokens: 1e6, cacheReadTokens: 4e5, outputTokens: 1e6 }, mini)).toBeCloseTo(
      0.45 + 0.03 + 4.5,
      6,
    );
  });

  it('gives no cost without both counts', () => {
    expect(estimateCost('anthropic', { outputTokens: 5 }, priceFor('anthropic', 'claude-sonnet-5-5')!)).toBeNull();
  });
});
