/**
 * Settings and the API key, in `storage.local`. The key lives in its own item so that
 * nothing that reads settings for display can leak it, and it never goes to
 * `storage.sync` (which the browser uploads).
 */
import { storage } from 'wxt/utils/storage';
import type { PublicSettings } from '../messaging/protocol.ts';

import { DEFAULT_MODEL } from './settings-defaults.ts';

export { DEFAULT_MODEL, ANTHROPIC_BASE_URL } from './settings-defaults.ts';

export interface StoredSettings {
  model: string;
  /** "" means the provider's own URL. */
  baseUrl: string;
}

const settingsItem = storage.defineItem<StoredSettings>('local:settings', {
  fallback: { model: DEFAULT_MODEL, baseUrl: '' },
});
const apiKeyItem = storage.defineItem<string>('local:anthropicApiKey', { fallback: '' });

export async function loadSettings(): Promise<StoredSettings> {
  return settingsItem.getValue();
}

export async function saveSettings(settings: StoredSettings): Promise<void> {
  await settingsItem.setValue(settings);
}

/** Only the background calls this. */
export async function loadApiKey(): Promise<string> {
  return apiKeyItem.getValue();
}

export async function saveApiKey(key: string): Promise<void> {
  if (key === '') await apiKeyItem.removeValue();
  else await apiKeyItem.setValue(key);
}

export async function loadPublicSettings(): Promise<PublicSettings> {
  const [settings, key] = await Promise.all([loadSettings(), loadApiKey()]);
  return { ...settings, hasKey: key !== '' };
}
