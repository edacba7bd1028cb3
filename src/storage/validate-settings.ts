/**
 * Checks what the user typed into settings before anything is stored or sent.
 * Pure: shared by the panel (to ask for the right host permission inside the click)
 * and the background (which never trusts the panel).
 */
import { DEFAULT_MODEL } from './settings-defaults.ts';

export type SettingsCheck =
  | { ok: true; model: string; baseUrl: string }
  | { ok: false; message: string };

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]']);

function isLoopback(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}

/**
 * A custom base URL must be https, except on this machine: the API key is sent to it,
 * and plain http would show the key to anyone on the network path.
 */
export function checkSettings(input: { model: string; baseUrl: string }): SettingsCheck {
  const model = input.model.trim() || DEFAULT_MODEL;
  if (/\s/.test(model)) return { ok: false, message: 'The model name cannot contain spaces.' };
  const raw = input.baseUrl.trim();
  if (raw === '') return { ok: true, model, baseUrl: '' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, message: `"${raw}" is not a URL. Use the form https://host or http://127.0.0.1:8787.` };
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    return {
      ok: false,
      message: 'The base URL must start with https:// (plain http:// is allowed only for localhost and 127.0.0.1).',
    };
  }
  if (url.username || url.password) {
    return { ok: false, message: 'Put credentials in the API key field, not in the base URL.' };
  }
  if (url.search || url.hash) return { ok: false, message: 'The base URL cannot have a query or a fragment.' };
  const path = url.pathname.replace(/\/+$/, '');
  return { ok: true, model, baseUrl: `${url.origin}${path}` };
}

/** The host-permission pattern that lets the background reach a base URL. */
export function originPattern(baseUrl: string): string {
  const url = new URL(baseUrl);
  return `${url.protocol}//${url.hostname}/*`;
}
