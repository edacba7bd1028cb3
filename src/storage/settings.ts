/**
 * Settings and API keys, in `storage.local`. Keys live in their own item, one per
 * provider, so nothing that reads settings for display can leak them; they never go to
 * `storage.sync` (which the browser uploads). Only the background reads keys.
 */
import { storage } from 'wxt/utils/storage';
import type { PublicSettings } from '../messaging/protocol.ts';
import { PRESETS, PROVIDER_IDS, type ProviderId } from '../providers/presets.ts';

/** The model a new user starts with: the Anthropic preset's. */
export const DEFAULT_MODEL = PRESETS.anthropic.defaultModel;

/** A "Custom SSE" endpoint: how to call it and where the text is in its events. */
export interface CustomEndpoint {
  url: string;
  method: 'POST' | 'GET';
  /** "Name: value" lines; `{{key}}` is replaced by the API key in the background. */
  headers: string;
  /** JSON with `{{messages}}`, `{{prompt}}`, `{{system}}` placeholders. */
  bodyTemplate: string;
  textPath: string;
  reasoningPath: string;
  textMode: 'delta' | 'cumulative';
  doneData: string;
  eventType: string;
}

export interface StoredSettings {
  provider: ProviderId;
  model: string;
  /** "" means the provider's own URL. */
  baseUrl: string;
  custom: CustomEndpoint | null;
}

export const DEFAULT_SETTINGS: StoredSettings = { provider: 'anthropic', model: DEFAULT_MODEL, baseUrl: '', custom: null };

const settingsItem = storage.defineItem<StoredSettings>('local:settings', { fallback: DEFAULT_SETTINGS });
const keysItem = storage.defineItem<Partial<Record<ProviderId, string>>>('local:apiKeys', { fallback: {} });

export async function loadSettings(): Promise<StoredSettings> {
  // Fill fields a settings object saved by an older version lacks.
  return { ...DEFAULT_SETTINGS, ...(await settingsItem.getValue()) };
}

export async function saveSettings(settings: StoredSettings): Promise<void> {
  await settingsItem.setValue(settings);
}

/** Only the background calls this. */
export async function loadApiKey(provider: ProviderId = 'anthropic'): Promise<string> {
  return (await keysItem.getValue())[provider] ?? '';
}

/** "" forgets the key of that provider. */
export async function saveApiKey(key: string, provider: ProviderId = 'anthropic'): Promise<void> {
  const keys = { ...(await keysItem.getValue()) };
  if (key === '') delete keys[provider];
  else keys[provider] = key;
  await keysItem.setValue(keys);
}

export async function loadPublicSettings(): Promise<PublicSettings> {
  const [settings, keys] = await Promise.all([loadSettings(), keysItem.getValue()]);
  const providersWithKey = PROVIDER_IDS.filter((id) => (keys[id] ?? '') !== '');
  return { ...settings, hasKey: providersWithKey.includes(settings.provider), providersWithKey };
}
