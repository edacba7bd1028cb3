/**
 * Fields that streams of several dialects share, read the same way everywhere: usage in
 * OpenAI's naming and the error value of a mid-stream error event. Pure (the panel's custom
 * endpoint preview uses them through custom-extract.ts).
 */
import type { ChatUsage } from './types.ts';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object';
const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

/**
 * OpenAI-style usage (`prompt_tokens`, `completion_tokens`, details) to ChatUsage.
 * inputTokens is the provider's `prompt_tokens`, which (unlike Anthropic's input_tokens)
 * already includes the cached part reported as cacheReadTokens.
 */
export function mapOpenAIUsage(usage: unknown): ChatUsage | null {
  if (!isObject(usage)) return null;
  const out: ChatUsage = {};
  const input = num(usage.prompt_tokens);
  if (input !== undefined) out.inputTokens = input;
  const output = num(usage.completion_tokens);
  if (output !== undefined) out.outputTokens = output;
  const promptDetails = usage.prompt_tokens_details;
  const cached = (isObject(promptDetails) ? num(promptDetails.cached_tokens) : undefined) ?? num(usage.prompt_cache_hit_tokens); // DeepSeek
  if (cached !== undefined) out.cacheReadTokens = cached;
  const completionDetails = usage.completion_tokens_details;
  const reasoning = isObject(completionDetails) ? num(completionDetails.reasoning_tokens) : undefined;
  if (reasoning !== undefined) out.reasoningTokens = reasoning;
  return out;
}

/** The type and message of an error value found in a stream (a string or an error object). */
export function streamErrorOf(error: unknown): { type: string; message: string } {
  if (typeof error === 'string') return { type: 'error', message: error };
  const e = isObject(error) ? error : {};
  const type =
    typeof e.type === 'string' && e.type !== ''
      ? e.type
      : typeof e.code === 'string' || typeof e.code === 'number'
        ? String(e.code)
        : 'error';
  const message = typeof e.message === 'string' ? e.message : '';
  return { type, message };
}
