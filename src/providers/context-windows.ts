/**
 * Context windows (input + output tokens) of known models, for the budget before sending,
 * when the provider's model list does not report one. Matched by the longest prefix of the
 * model id, case-insensitive, after any vendor prefix (`openai/gpt-4o` on OpenRouter,
 * `models/gemini-2.5-pro`, `meta-llama/Llama-3.3-70B` on Together). An unknown model has no
 * window: the panel says "window unknown" rather than invent one.
 *
 * As of 2026-12-03. Sources: Anthropic docs.claude.com/en/docs/about-claude/models/overview
 * (200k for every Claude model; Sonnet's 1M is a beta header Aside does not send); OpenAI
 * platform.openai.com/docs/models (gpt-4o 128k, gpt-4.1 1,047,576, gpt-5 400k, o1/o3/o4 200k,
 * gpt-4 8,192, gpt-3.5-turbo 16,385); Google ai.google.dev/gemini-api/docs/models
 * (1,048,576; 1.5 Pro 2M); DeepSeek api-docs.deepseek.com/quick_start/pricing (128k);
 * Mistral docs.mistral.ai/getting-started/models (large/medium/nemo 128k, codestral 256k);
 * Meta's model cards (Llama 3 8k, 3.1+ 128k); Qwen's model cards (32k native); xAI
 * docs.x.ai/docs/models (grok-4 256k, grok-3 128k).
 */

/** [id prefix, window]. The longest matching prefix wins, so families go before their members only for readability. */
const KNOWN_WINDOWS: readonly (readonly [string, number])[] = [
  ['claude-', 200_000],
  ['gpt-3.5-turbo', 16_385],
  ['gpt-4', 8_192],
  ['gpt-4-32k', 32_768],
  ['gpt-4-turbo', 128_000],
  ['gpt-4o', 128_000],
  ['gpt-4.1', 1_047_576],
  ['gpt-4.5', 128_000],
  ['gpt-5', 400_000],
  ['chatgpt-4o', 128_000],
  ['o1', 200_000],
  ['o1-mini', 128_000],
  ['o1-preview', 128_000],
  ['o3', 200_000],
  ['o4-mini', 200_000],
  ['gemini-', 1_048_576],
  ['gemini-1.5-pro', 2_097_152],
  ['gemini-1.0', 32_760],
  ['gemma-3', 128_000],
  ['deepseek-', 128_000],
  ['mistral-large', 128_000],
  ['mistral-medium', 128_000],
  ['mistral-small', 128_000],
  ['open-mistral-nemo', 128_000],
  ['codestral', 256_000],
  ['ministral', 128_000],
  ['pixtral', 128_000],
  ['llama3', 8_192],
  ['llama-3-', 8_192],
  ['meta-llama-3-', 8_192],
  ['llama-3.1', 131_072],
  ['llama-3.2', 131_072],
  ['llama-3.3', 131_072],
  ['llama3.1', 131_072],
  ['llama3.2', 131_072],
  ['llama3.3', 131_072],
  ['meta-llama-3.1', 131_072],
  ['llama-4', 131_072],
  ['qwen', 32_768],
  ['qwen-long', 1_000_000],
  ['qwen2.5-1m', 1_000_000],
  ['grok-2', 131_072],
  ['grok-3', 131_072],
  ['grok-4', 256_000],
];

/** The model id without a vendor prefix ("openai/gpt-4o" → "gpt-4o"), lower-cased. */
function bareModelId(model: string): string {
  const trimmed = model.trim().toLowerCase();
  const slash = trimmed.lastIndexOf('/');
  return slash >= 0 ? trimmed.slice(slash + 1) : trimmed;
}

/** The known window of a model, or null when it is not in the table. */
export function knownContextWindow(model: string): number | null {
  const id = bareModelId(model);
  let best: readonly [string, number] | null = null;
  for (const entry of KNOWN_WINDOWS) {
    if (id.startsWith(entry[0]) && (!best || entry[0].length > best[0].length)) best = entry;
  }
  return best ? best[1] : null;
}

/** Where a window came from: the provider's model list, or the table above. */
export type WindowSource = 'provider' | 'table';

/** The provider's own number if it gave one, else the table's; null: unknown. */
export function contextWindowFor(
  model: string,
  listed: number | undefined,
): { contextWindow: number; source: WindowSource } | { contextWindow: null } {
  if (listed !== undefined && listed > 0) return { contextWindow: listed, source: 'provider' };
  const known = knownContextWindow(model);
  return known === null ? { contextWindow: null } : { contextWindow: known, source: 'table' };
}
