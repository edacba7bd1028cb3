/**
 * A provider's model options as the user sets them in settings: sampling temperature,
 * the maximum output tokens, a system prompt of their own, extended thinking, and extra
 * request fields. One schema for the port and storage; what applies to which provider,
 * and the checks with their error codes, are in src/providers/catalog.ts.
 */
import * as v from 'valibot';
import {
  DEFAULT_THINKING_BUDGET,
  MAX_ANSWER_TOKENS,
  MAX_EXTRA_FIELDS_CHARS,
  MAX_OUTPUT_TOKENS,
  MAX_SYSTEM_PROMPT_CHARS,
  MAX_TEMPERATURE_OPENAI,
} from './limits.ts';
import { ProviderIdSchema, type ProviderId } from './ids.ts';

/** OpenAI's `reasoning_effort` values that the compatible servers also accept. */
export const REASONING_EFFORTS = ['low', 'medium', 'high'] as const;
export type ReasoningEffort = (typeof REASONING_EFFORTS)[number];

const tokens = (min: number, max: number) => v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));

/**
 * The bounds here are the loosest any provider allows (a sanity check at the port and on
 * disk); checkSettings applies each provider's own (Anthropic's temperature is 0–1, its
 * thinking budget must stay below max_tokens) and says what is wrong in a code.
 */
export const ModelOptionsSchema = v.object({
  /** null: the provider's default, and nothing is sent. */
  temperature: v.nullable(v.pipe(v.number(), v.minValue(0), v.maxValue(MAX_TEMPERATURE_OPENAI))),
  maxTokens: tokens(1, MAX_OUTPUT_TOKENS),
  /** Added after Aside's own system prompt, never instead of it; "" for none. */
  systemPrompt: v.pipe(v.string(), v.maxLength(MAX_SYSTEM_PROMPT_CHARS)),
  /** Extended thinking (Anthropic) or reasoning effort (the OpenAI family); sent only when on. */
  thinking: v.boolean(),
  /** Anthropic's `budget_tokens` (at least MIN_THINKING_BUDGET and below maxTokens when thinking is on: checkSettings). */
  thinkingBudget: tokens(1, MAX_OUTPUT_TOKENS),
  /** The OpenAI family's `reasoning_effort`. */
  reasoningEffort: v.picklist(REASONING_EFFORTS),
  /** A JSON object as the user typed it, merged into the request body last; "" for none. */
  extraFields: v.pipe(v.string(), v.maxLength(MAX_EXTRA_FIELDS_CHARS)),
});
export type ModelOptions = v.InferOutput<typeof ModelOptionsSchema>;

export const DEFAULT_MODEL_OPTIONS: Readonly<ModelOptions> = Object.freeze({
  temperature: null,
  maxTokens: MAX_ANSWER_TOKENS,
  systemPrompt: '',
  thinking: false,
  thinkingBudget: DEFAULT_THINKING_BUDGET,
  reasoningEffort: 'medium',
  extraFields: '',
});

/** Options by provider; a provider without an entry uses DEFAULT_MODEL_OPTIONS. */
export const ModelOptionsByProviderSchema = v.record(ProviderIdSchema, ModelOptionsSchema);
export type ModelOptionsByProvider = v.InferOutput<typeof ModelOptionsByProviderSchema>;

/** The options of one provider: its own, or the defaults (a copy either way). */
export function modelOptionsOf(byProvider: ModelOptionsByProvider | undefined, provider: ProviderId): ModelOptions {
  return { ...(byProvider?.[provider] ?? DEFAULT_MODEL_OPTIONS) };
}
