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
import { MAX_URL_CHARS } from '../shared/limits.ts';
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
  { ok: true; provider: ProviderId; model: string; baseUrl: string; custom: CustomEndpoint | null } | { ok: false; error: UserError };

export interface SettingsToCheck {
  provider?: ProviderId;
  model: string;
  baseUrl: string;
  custom?: CustomEndpoint | null;
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
  if (custom.textPath.trim() === '') return fail('custom-text-path');
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
    return { ok: true, provider, model, baseUrl: '', custom: custom.value };
  }
  if (model === '' && !input.modelOptional) return fail('model-missing');
  const raw = input.baseUrl.trim();
  if (raw === '') {
    if (preset.baseUrl === '') return fail('base-url-missing');
    return { ok: true, provider, model, baseUrl: '', custom: null };
  }
  const base = checkBaseUrl(raw, sendsKey);
  if (!base.ok) return base;
  return { ok: true, provider, model, baseUrl: base.value, custom: null };
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
