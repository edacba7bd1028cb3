/**
 * The providers a user can pick, each with its base URL, dialect and a sensible default
 * model: plain data, the one part of src/providers the panel may import. The model picker
 * lists what the provider actually serves (GET /models), so a default only has to be a
 * good first guess. Names and key hints are words, so they live in the panel's catalogs
 * (`provider_<id>`, `provider_<id>_key_hint`). It also says what settings each accepts
 * (checkSettings), which the panel needs to ask for the right host permission in a click.
 */
import type { CustomEndpoint } from '../shared/custom-endpoint.ts';
import { userError, type UserError } from '../shared/errors.ts';
import { DEFAULT_MODEL, type Dialect, type ProviderId } from '../shared/ids.ts';
import {
  DEFAULT_THINKING_BUDGET,
  MAX_EXTRA_FIELDS_CHARS,
  MAX_OUTPUT_TOKENS,
  MAX_SYSTEM_PROMPT_CHARS,
  MAX_TEMPERATURE_ANTHROPIC,
  MAX_TEMPERATURE_OPENAI,
  MAX_URL_CHARS,
  MIN_THINKING_BUDGET,
} from '../shared/limits.ts';
import { DEFAULT_MODEL_OPTIONS, REASONING_EFFORTS, type ModelOptions } from '../shared/model-options.ts';
import { compileFormat, formatProblemError, streamFormatOf } from './custom-extract.ts';
import { fillJsonTemplate, parseHeaderLines } from './custom-template.ts';

export { parseHeaderLines } from './custom-template.ts';

export { PROVIDER_IDS, type Dialect, type ProviderId } from '../shared/ids.ts';

export interface ProviderPreset {
  id: ProviderId;
  /** Which Provider implementation speaks to it (src/providers/registry.ts). */
  dialect: Dialect;
  /** "" when the user must enter one. */
  baseUrl: string;
  defaultModel: string;
  /** Whether requests need a key (local servers usually take none). */
  needsKey: boolean;
  /** Whether the provider can list its models. */
  listsModels: boolean;
}

const preset = (
  id: ProviderId,
  dialect: Dialect,
  baseUrl: string,
  defaultModel: string,
  needsKey = true,
  listsModels = true,
): ProviderPreset => ({ id, dialect, baseUrl, defaultModel, needsKey, listsModels });

export const PRESETS: Record<ProviderId, ProviderPreset> = {
  anthropic: preset('anthropic', 'anthropic', 'https://api.anthropic.com', DEFAULT_MODEL),
  openai: preset('openai', 'openai', 'https://api.openai.com/v1', 'gpt-5.4-mini'),
  gemini: preset('gemini', 'openai', 'https://generativelanguage.googleapis.com/v1beta/openai', 'gemini-2.5-flash'),
  openrouter: preset('openrouter', 'openai', 'https://openrouter.ai/api/v1', 'openrouter/auto'),
  groq: preset('groq', 'openai', 'https://api.groq.com/openai/v1', 'llama-3.3-70b-versatile'),
  deepseek: preset('deepseek', 'openai', 'https://api.deepseek.com/v1', 'deepseek-chat'),
  mistral: preset('mistral', 'openai', 'https://api.mistral.ai/v1', 'mistral-medium-latest'),
  xai: preset('xai', 'openai', 'https://api.x.ai/v1', 'grok-4'),
  together: preset('together', 'openai', 'https://api.together.xyz/v1', 'meta-llama/Llama-3.3-70B-Instruct-Turbo'),
  lmstudio: preset('lmstudio', 'openai', 'http://localhost:1234/v1', '', false),
  ollama: preset('ollama', 'openai', 'http://localhost:11434/v1', 'llama3.2', false),
  'openai-compatible': preset('openai-compatible', 'openai', '', '', false),
  'custom-sse': preset('custom-sse', 'custom', '', '', false, false),
  // The browser's own model (Chrome's Prompt API): no address, no key, one model.
  'chrome-builtin': preset('chrome-builtin', 'builtin', '', 'gemini-nano', false, false),
};

export function presetFor(id: ProviderId): ProviderPreset {
  return PRESETS[id];
}

/** Ollama's fix for its origin check (the Firefox extension UUID is random per install). */
export const OLLAMA_ORIGINS_SETTING = 'OLLAMA_ORIGINS=chrome-extension://*,moz-extension://*';

/** Origins in the manifest's host_permissions: reachable without asking. */
export const BUILT_IN_ORIGINS = ['https://api.anthropic.com'];

// ---------------------------------------------------------------------------------------
// Settings: checked in the panel as typed, and again in the background, which never trusts
// the panel. Problems are error codes; the panel words them.
// ---------------------------------------------------------------------------------------

export type SettingsCheck =
  | { ok: true; provider: ProviderId; model: string; baseUrl: string; custom: CustomEndpoint | null; options: ModelOptions }
  | { ok: false; error: UserError };

export interface SettingsToCheck {
  provider?: ProviderId;
  model: string;
  baseUrl: string;
  custom?: CustomEndpoint | null;
  /** The provider's model options as typed (numbers may be NaN when what was typed is not one); default: the defaults. */
  options?: ModelOptions;
  /** Whether an API key will be sent (decides whether plain http is acceptable). */
  sendsKey?: boolean;
  /** Listing models needs no model yet. */
  modelOptional?: boolean;
}

type Field = 'base-url' | 'endpoint-url';
type Checked<T> = { ok: true; value: T } | { ok: false; error: UserError };

const fail = (...args: Parameters<typeof userError>): { ok: false; error: UserError } => ({
  ok: false,
  error: userError(...args),
});

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]']);

export function isLoopback(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}

/**
 * A URL the key is sent to must be https, except on this machine: plain http would show
 * the key to anyone on the network path. Without a key (a LAN Ollama), http is allowed.
 */
export function checkEndpointUrl(raw: string, sendsKey: boolean, field: Field = 'base-url'): Checked<string> {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return fail('url-invalid', { params: { value: raw.trim().slice(0, 200) } });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return fail('url-scheme', { params: { field } });
  if (url.protocol === 'http:' && sendsKey && !isLoopback(url.hostname)) {
    return fail('url-needs-https', { params: { field } });
  }
  if (url.username || url.password) return fail('url-credentials', { params: { field } });
  return { ok: true, value: url.href };
}

function checkBaseUrl(raw: string, sendsKey: boolean): Checked<string> {
  const check = checkEndpointUrl(raw, sendsKey);
  if (!check.ok) return check;
  const url = new URL(check.value);
  if (url.search || url.hash) return fail('url-query');
  return { ok: true, value: `${url.origin}${url.pathname.replace(/\/+$/, '')}` };
}

function checkCustom(custom: CustomEndpoint | null | undefined, sendsKey: boolean): Checked<CustomEndpoint> {
  if (!custom) return fail('custom-incomplete');
  const url = checkEndpointUrl(custom.url, sendsKey || /\{\{\s*key\s*\}\}/.test(custom.headers), 'endpoint-url');
  if (!url.ok) return url;
  if (custom.dataMode === 'json' && custom.textPath.trim() === '') return fail('custom-text-path');
  const format = compileFormat(streamFormatOf(custom));
  if (!format.ok) {
    const { code, params, detail } = formatProblemError(format.problem);
    return fail(code, { params, ...(detail !== undefined ? { detail } : {}) });
  }
  const headers = parseHeaderLines(custom.headers);
  if (!headers.ok) return fail('header-line', { params: { line: headers.line } });
  if (custom.method === 'POST') {
    try {
      fillJsonTemplate(custom.bodyTemplate, { messages: [], prompt: '', system: '' });
    } catch (error) {
      return fail('template-json', { detail: error instanceof Error ? error.message : String(error) });
    }
  }
  return {
    ok: true,
    value: {
      ...custom,
      url: url.value,
      textPath: custom.textPath.trim(),
      reasoningPath: custom.reasoningPath.trim(),
      doneData: custom.doneData.trim(),
      eventType: custom.eventType.trim(),
    },
  };
}

export function checkSettings(input: SettingsToCheck): SettingsCheck {
  const result = checkSettingsFields(input);
  if (!result.ok) return result;
  const url = result.custom ? result.custom.url : result.baseUrl;
  if (url.length > MAX_URL_CHARS) return fail('url-too-long', { params: { max: MAX_URL_CHARS } });
  return result;
}

function checkSettingsFields(input: SettingsToCheck): SettingsCheck {
  const provider = input.provider ?? 'anthropic';
  const preset = presetFor(provider);
  const sendsKey = input.sendsKey ?? preset.needsKey;
  const model = input.model.trim() || preset.defaultModel;
  if (/\s/.test(model)) return fail('model-spaces');

  if (preset.dialect === 'custom') {
    const custom = checkCustom(input.custom, sendsKey);
    if (!custom.ok) return custom;
    // The body template decides what a custom endpoint is sent: no model options apply.
    return { ok: true, provider, model, baseUrl: '', custom: custom.value, options: { ...DEFAULT_MODEL_OPTIONS } };
  }
  if (preset.dialect === 'builtin') {
    // No address and no options: the browser runs its one model.
    return { ok: true, provider, model, baseUrl: '', custom: null, options: { ...DEFAULT_MODEL_OPTIONS } };
  }
  if (model === '' && !input.modelOptional) return fail('model-missing');
  const options = checkModelOptions(provider, input.options ?? DEFAULT_MODEL_OPTIONS);
  if (!options.ok) return options;
  const raw = input.baseUrl.trim();
  if (raw === '') {
    if (preset.baseUrl === '') return fail('base-url-missing');
    return { ok: true, provider, model, baseUrl: '', custom: null, options: options.value };
  }
  const base = checkBaseUrl(raw, sendsKey);
  if (!base.ok) return base;
  return { ok: true, provider, model, baseUrl: base.value, custom: null, options: options.value };
}

// ---------------------------------------------------------------------------------------
// Model options: which apply to a provider, and whether they are usable.
// ---------------------------------------------------------------------------------------

export interface ModelOptionsSupport {
  /** False for custom SSE endpoints: their body template decides what is sent. */
  applies: boolean;
  /** The highest temperature the provider documents (Anthropic 1, the OpenAI family 2). */
  maxTemperature: number;
  /**
   * How extended thinking is asked for: Anthropic's `thinking` with a token budget, or the
   * OpenAI family's `reasoning_effort` (Gemini, OpenRouter, Groq, DeepSeek, ... accept it or
   * ignore it); null where there is no way.
   */
  thinking: 'budget' | 'effort' | null;
}

/**
 * Whether Continue lets the model carry on from the same character (an assistant prefill):
 * the Anthropic API continues an assistant message, except with extended thinking; every
 * other dialect is asked to go on instead, where a few words may repeat. The panel says so;
 * the same rule as `Provider.continuesAssistantMessage` with the background's
 * `continuationMode` (test/providers/catalog.test.ts keeps them in step).
 */
export function continuesMidSentence(provider: ProviderId, options: Pick<ModelOptions, 'thinking'>): boolean {
  return presetFor(provider).dialect === 'anthropic' && !options.thinking;
}

export function modelOptionsSupport(provider: ProviderId): ModelOptionsSupport {
  switch (presetFor(provider).dialect) {
    case 'anthropic':
      return { applies: true, maxTemperature: MAX_TEMPERATURE_ANTHROPIC, thinking: 'budget' };
    case 'openai':
      return { applies: true, maxTemperature: MAX_TEMPERATURE_OPENAI, thinking: 'effort' };
    case 'custom':
    case 'builtin':
      return { applies: false, maxTemperature: 0, thinking: null };
  }
}

/**
 * Top-level request fields extra fields may not set, because Aside sets them: the model
 * (chosen in its own field), the conversation, streaming (answers are read as a stream),
 * and the system prompt (Aside's rule that page text is untrusted comes first and cannot be
 * replaced; the user's own goes after it, in the System prompt field).
 */
export const RESERVED_EXTRA_FIELDS = ['model', 'messages', 'stream', 'system'] as const;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Extra request fields as typed: null for none, else the object to merge into the body. */
export function parseExtraFields(text: string): Checked<Record<string, unknown> | null> {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, value: null };
  if (trimmed.length > MAX_EXTRA_FIELDS_CHARS) return fail('extra-fields-too-long', { params: { max: MAX_EXTRA_FIELDS_CHARS } });
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (error) {
    return fail('extra-fields-json', { detail: error instanceof Error ? error.message : String(error) });
  }
  if (!isPlainObject(value)) return fail('extra-fields-object');
  const reserved = RESERVED_EXTRA_FIELDS.find((field) => Object.hasOwn(value, field));
  if (reserved) return fail('extra-fields-reserved', { params: { field: reserved } });
  return { ok: true, value };
}

const isTokenCount = (n: number, min: number, max: number) => Number.isInteger(n) && n >= min && n <= max;

/**
 * A provider's model options, checked against what that provider accepts; the value
 * returned is what is stored (text trimmed, values of hidden controls kept only if valid).
 */
export function checkModelOptions(provider: ProviderId, options: ModelOptions): Checked<ModelOptions> {
  const support = modelOptionsSupport(provider);
  if (!support.applies) return { ok: true, value: { ...DEFAULT_MODEL_OPTIONS } };
  const { temperature, maxTokens } = options;
  if (temperature !== null && !(Number.isFinite(temperature) && temperature >= 0 && temperature <= support.maxTemperature)) {
    return fail('temperature-range', { params: { max: support.maxTemperature } });
  }
  if (!isTokenCount(maxTokens, 1, MAX_OUTPUT_TOKENS)) return fail('max-tokens-range', { params: { max: MAX_OUTPUT_TOKENS } });
  const systemPrompt = options.systemPrompt.trim();
  if (systemPrompt.length > MAX_SYSTEM_PROMPT_CHARS)
    return fail('system-prompt-too-long', { params: { max: MAX_SYSTEM_PROMPT_CHARS } });
  const thinking = options.thinking && support.thinking !== null;
  const budgetThinking = thinking && support.thinking === 'budget';
  let thinkingBudget = options.thinkingBudget;
  if (budgetThinking) {
    // Anthropic: at least 1,024, and below max_tokens (thinking counts towards it).
    if (!isTokenCount(thinkingBudget, MIN_THINKING_BUDGET, maxTokens - 1)) {
      return fail('thinking-budget-range', { params: { min: MIN_THINKING_BUDGET, maxTokens } });
    }
  } else if (!isTokenCount(thinkingBudget, MIN_THINKING_BUDGET, MAX_OUTPUT_TOKENS - 1)) {
    thinkingBudget = DEFAULT_THINKING_BUDGET; // not in use, and not shown: nothing to correct
  }
  const reasoningEffort = REASONING_EFFORTS.includes(options.reasoningEffort)
    ? options.reasoningEffort
    : DEFAULT_MODEL_OPTIONS.reasoningEffort;
  const extra = parseExtraFields(options.extraFields);
  if (!extra.ok) return extra;
  if (budgetThinking) {
    // Anthropic refuses extended thinking with a temperature other than 1, whichever field sets it.
    const extraTemperature = extra.value && Object.hasOwn(extra.value, 'temperature') ? extra.value.temperature : undefined;
    if ((temperature !== null && temperature !== 1) || (extraTemperature !== undefined && extraTemperature !== 1)) {
      return fail('thinking-temperature');
    }
  }
  return {
    ok: true,
    value: { temperature, maxTokens, systemPrompt, thinking, thinkingBudget, reasoningEffort, extraFields: options.extraFields.trim() },
  };
}

/** The URL requests go to: the custom one, or the provider's own. */
export function effectiveBaseUrl(settings: { provider: ProviderId; baseUrl: string }): string {
  return settings.baseUrl || presetFor(settings.provider).baseUrl;
}

/** The host-permission pattern that lets the background reach a URL. */
export function originPattern(baseUrl: string): string {
  const url = new URL(baseUrl);
  return `${url.protocol}//${url.hostname}/*`;
}
