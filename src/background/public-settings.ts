/** What the panel may know about settings: the settings, and which providers have a key, never the keys. */
import type { PublicSettings } from '../messaging/protocol.ts';
import { providersWithKey } from '../storage/keys.ts';
import { loadSettings } from '../storage/settings.ts';

export async function loadPublicSettings(): Promise<PublicSettings> {
  const [settings, withKey] = await Promise.all([loadSettings(), providersWithKey()]);
  return { ...settings, hasKey: withKey.includes(settings.provider), providersWithKey: withKey };
}
