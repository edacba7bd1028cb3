/**
 * What an answer cost, estimated from the provider's token counts and a table of list prices
 * in US dollars per million tokens. Prices change: the table carries the date it was checked,
 * the panel always marks a cost as estimated, and a model not in the table shows no cost.
 *
 * Sources, checked on PRICES_CHECKED: Anthropic platform.claude.com/docs/en/about-claude/pricing
 * (cache reads as listed; 5-minute cache writes), OpenAI platform.openai.com/docs/pricing
 * (standard tier, prompts under 270K tokens), DeepSeek api-docs.deepseek.com/quick_start/pricing.
 * Long-prompt tiers and batch discounts are not modelled.
 */
import type { ProviderId } from './ids.ts';
import type { Usage } from './schemas.ts';

export const PRICES_CHECKED = '2026-12-03';

export interface Price {
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
}

/** Model id prefixes, longest match wins ("claude-sonnet-5-5" before "claude-sonnet-5"). */
const ANTHROPIC: Record<string, Price> = {
  'claude-fable-5-1': { input: 10, output: 50, cacheRead: 0.25, cacheWrite: 12.5 },
  'claude-fable-5': { input: 10, output: 50, cacheRead: 1, cacheWrite: 12.5 },
  'claude-opus-5-5': { input: 4, output: 20, cacheRead: 0.2, cacheWrite: 5 },
  'claude-opus-5': { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 },
  'claude-opus-4-5': { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 },
  'claude-opus-4-6': { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 },
  'claude-opus-4-7': { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 },
  'claude-opus-4-8': { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 },
  'claude-opus-4-1': { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 },
  'claude-opus-4-0': { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 },
  'claude-sonnet-5-5': { input: 2, output: 10, cacheRead: 0.1, cacheWrite: 2.5 },
  'claude-sonnet-5': { input: 2, output: 10, cacheRead: 0.2, cacheWrite: 2.5 },
  'claude-sonnet-4': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  'claude-haiku-5-5': { input: 0.1, output: 0.5, cacheRead: 0.01, cacheWrite: 0.125 },
  'claude-haiku-4-5': { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 },
  'claude-3-5-haiku': { input: 0.8, output: 4, cacheRead: 0.08, cacheWrite: 1 },
};

const OPENAI: Record<string, Price> = {
  'gpt-5.5': { input: 5, output: 30, cacheRead: 0.5 },
  'gpt-5.4-nano': { input: 0.2, output: 1.25, cacheRead: 0.02 },
  'gpt-5.4-mini': { input: 0.75, output: 4.5, cacheRead: 0.075 },
  'gpt-5.4': { input: 2.5, output: 15, cacheRead: 0.25 },
  'gpt-5.2': { input: 1.75, output: 14, cacheRead: 0.175 },
  'gpt-5.1': { input: 1.25, output: 10, cacheRead: 0.125 },
};

const DEEPSEEK: Record<string, Price> = {
  'deepseek-chat': { input: 0.28, output: 0.42, cacheRead: 0.028 },
  'deepseek-reasoner': { input: 0.28, output: 0.42, cacheRead: 0.028 },
};

/** Which table a provider's model ids are priced from. Resellers (OpenRouter, Together...) set their own prices: none. */
const TABLES: Partial<Record<ProviderId, Record<string, Price>>> = {
  anthropic: ANTHROPIC,
  openai: OPENAI,
  deepseek: DEEPSEEK,
};

/** The price of a model, matched on the longest prefix that ends at the id's end or a separator. */
export function priceFor(provider: ProviderId, model: string): Price | null {
  const table = TABLES[provider];
  if (!table) return null;
  let best: string | null = null;
  for (const prefix of Object.keys(table)) {
    if (!model.startsWith(prefix)) continue;
    const next = model.charAt(prefix.length);
    // "claude-sonnet-5" must not price "claude-sonnet-55"; "-2025..." or "@..." may follow.
    if (next !== '' && next !== '-' && next !== '@' && next !== ':') continue;
    if (best === null || prefix.length > best.length) best = prefix;
  }
  return best === null ? null : (table[best] as Price);
}

/**
 * Anthropic's input_tokens leave out the cached part (reported as cache read and write);
 * the OpenAI family's prompt_tokens include the cached part reported as cacheReadTokens.
 */
const INPUT_INCLUDES_CACHE_READ: Partial<Record<ProviderId, boolean>> = { anthropic: false };

/** Dollars, or null when the price or the needed counts are unknown. */
export function estimateCost(provider: ProviderId, usage: Usage, price: Price): number | null {
  const { inputTokens, outputTokens } = usage;
  if (inputTokens === undefined || outputTokens === undefined) return null;
  const cacheRead = usage.cacheReadTokens ?? 0;
  const cacheWrite = usage.cacheWriteTokens ?? 0;
  const includesCache = INPUT_INCLUDES_CACHE_READ[provider] ?? true;
  const uncached = includesCache ? Math.max(0, inputTokens - cacheRead) : inputTokens;
  const dollars =
    uncached * price.input +
    outputTokens * price.output +
    cacheRead * (price.cacheRead ?? price.input) +
    cacheWrite * (price.cacheWrite ?? price.input);
  return dollars / 1_000_000;
}
