/**
 * Checks what the user typed into settings before anything is stored or sent.
 * Pure: shared by the panel (to ask for the right host permission inside the click)
 * and the background (which never trusts the panel).
 */
import { fillJsonTemplate } from '../providers/custom.ts';
import { presetFor, type ProviderId } from '../providers/presets.ts';
import type { CustomEndpoint } from './settings.ts';

export type SettingsCheck =
  | { ok: true; provider: ProviderId; model: string; baseUrl: string; custom: CustomEndpoint | null }
  | { ok: false; message: string };

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

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]']);

export function isLoopback(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}

type UrlCheck = { ok: true; url: string } | { ok: false; message: string };

/**
 * A URL the key is sent to must be https, except on this machine: plain http would show
 * the key to anyone on the network path. Without a key (a LAN Ollama), http is allowed.
 */
export function checkEndpointUrl(raw: string, sendsKey: boolean, noun = 'base URL'): UrlCheck {
  const what = `The ${noun}`;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return { ok: false, message: `"${raw.trim()}" is not a URL. Use the form https://host or http://127.0.0.1:8787.` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, message: `${what} must start with https:// or http://.` };
  }
  if (url.protocol === 'http:' && sendsKey && !isLoopback(url.hostname)) {
    return {
      ok: false,
      message: `${what} must start with https:// when an API key is sent (plain http:// is allowed only for localhost and 127.0.0.1, or without a key).`,
    };
  }
  if (url.username || url.password) {
    return { ok: false, message: `Put credentials in the API key field, not in the ${noun}.` };
  }
  return { ok: true, url: url.href };
}

function checkBaseUrl(raw: string, sendsKey: boolean): UrlCheck {
  const check = checkEndpointUrl(raw, sendsKey);
  if (!check.ok) return check;
  const url = new URL(check.url);
  if (url.search || url.hash) return { ok: false, message: 'The base URL cannot have a query or a fragment.' };
  return { ok: true, url: `${url.origin}${url.pathname.replace(/\/+$/, '')}` };
}

/** Parses "Name: value" lines; returns an error message for a malformed line. */
export function parseHeaderLines(text: string): Record<string, string> | string {
  const headers: Record<string, string> = {};
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) return `Header line ${index + 1} is not "Name: value".`;
    headers[name] = line.slice(colon + 1).trim();
  }
  return headers;
}

function checkCustom(custom: CustomEndpoint | null | undefined, sendsKey: boolean): { ok: true; custom: CustomEndpoint } | { ok: false; message: string } {
  if (!custom) return { ok: false, message: 'Fill in the endpoint URL and where the text is in each event.' };
  const url = checkEndpointUrl(custom.url, sendsKey || /\{\{\s*key\s*\}\}/.test(custom.headers), 'endpoint URL');
  if (!url.ok) return url;
  if (custom.textPath.trim() === '') return { ok: false, message: 'Say where the text is in each event (the text path, e.g. "delta" or "choices.0.delta.content").' };
  const headers = parseHeaderLines(custom.headers);
  if (typeof headers === 'string') return { ok: false, message: headers };
  if (custom.method === 'POST') {
    try {
      fillJsonTemplate(custom.bodyTemplate, { messages: [], prompt: '', system: '' });
    } catch (error) {
      return { ok: false, message: `The request body template is not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
    }
  }
  return {
    ok: true,
    custom: {
      ...custom,
      url: url.url,
      textPath: custom.textPath.trim(),
      reasoningPath: custom.reasoningPath.trim(),
      doneData: custom.doneData.trim(),
      eventType: custom.eventType.trim(),
    },
  };
}

/** What the settings protocol carries; a URL that grows past it when normalized is refused here. */
const MAX_URL_CHARS = 2_000;

export function checkSettings(input: SettingsToCheck): SettingsCheck {
  const result = checkSettingsFields(input);
  if (!result.ok) return result;
  const url = result.custom ? result.custom.url : result.baseUrl;
  if (url.length > MAX_URL_CHARS) return { ok: false, message: `The URL is too long (over ${MAX_URL_CHARS} characters once encoded).` };
  return result;
}

function checkSettingsFields(input: SettingsToCheck): SettingsCheck {
  const provider = input.provider ?? 'anthropic';
  const preset = presetFor(provider);
  const sendsKey = input.sendsKey ?? preset.needsKey;
  const model = input.model.trim() || preset.defaultModel;
  if (/\s/.test(model)) return { ok: false, message: 'The model name cannot contain spaces.' };

  if (preset.dialect === 'custom') {
    const custom = checkCustom(input.custom, sendsKey);
    if (!custom.ok) return custom;
    return { ok: true, provider, model, baseUrl: '', custom: custom.custom };
  }
  if (model === '' && !input.modelOptional) return { ok: false, message: 'Choose a model (Load models lists what the server has).' };
  const raw = input.baseUrl.trim();
  if (raw === '') {
    if (preset.baseUrl === '') return { ok: false, message: 'Enter the base URL of the server, e.g. https://host/v1.' };
    return { ok: true, provider, model, baseUrl: '', custom: null };
  }
  const base = checkBaseUrl(raw, sendsKey);
  if (!base.ok) return base;
  return { ok: true, provider, model, baseUrl: base.url, custom: null };
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
