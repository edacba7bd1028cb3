/**
 * A provider's stored model options turned into the parts of a ChatRequest they decide.
 * Only answers use them: the connection test sends its own tiny request (max_tokens 1, no
 * thinking, no extra fields).
 */
import type { ProviderId } from '../shared/ids.ts';
import type { ModelOptions } from '../shared/model-options.ts';
import { modelOptionsSupport, parseExtraFields } from './catalog.ts';
import { ProviderSetupError, type ChatRequest } from './provider.ts';

export type OptionsPart = Pick<ChatRequest, 'maxTokens' | 'temperature' | 'reasoning' | 'extraFields'>;

/** Throws a ProviderSetupError for extra fields that cannot be used (stored by hand, or by a bug). */
export function chatRequestOptions(provider: ProviderId, options: ModelOptions): OptionsPart {
  const support = modelOptionsSupport(provider);
  const part: OptionsPart = { maxTokens: options.maxTokens };
  if (!support.applies) return part;
  if (options.temperature !== null) part.temperature = options.temperature;
  if (options.thinking && support.thinking !== null) {
    part.reasoning = { budgetTokens: options.thinkingBudget, effort: options.reasoningEffort };
  }
  const extra = parseExtraFields(options.extraFields);
  if (!extra.ok) throw new ProviderSetupError(extra.error.code, { params: extra.error.params, detail: extra.error.detail });
  if (extra.value) part.extraFields = extra.value;
  return part;
}
