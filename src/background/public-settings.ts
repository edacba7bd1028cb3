/** What the panel may know about settings: the settings, and which providers have a key, never the keys. */
import type { PublicSettings } from '../messaging/protocol.ts';
import { providersWithKey } from '../storage/keys.ts';
import { loadSettings } from '../storage/settings.ts';
import { withOnDeviceDefault } from './on-device-default.ts';

export async function loadPublicSettings(): Promise<PublicSettings> {
  const [stored, withKey] = await Promise.all([loadSettings(), providersWithKey()]);
  const settings = await withOnDeviceDefault(stored, withKey);
  return { ...settings, hasKey: withKey.includes(settings.provider), providersWithKey: withKey };
}
