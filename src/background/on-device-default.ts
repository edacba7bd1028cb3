/**
 * Applies the default rule (prefersOnDevice, src/shared/on-device-ai.ts) to stored settings:
 * with no key anywhere and Chrome's model ready in this worker, the settings the panel sees
 * and answers use are the built-in provider's. Nothing is written: saving a key (or another
 * choice) in settings ends it.
 */
import { presetFor } from '../providers/catalog.ts';
import type { ProviderId } from '../shared/ids.ts';
import { prefersOnDevice, readOnDeviceStatus, type OnDeviceScope } from '../shared/on-device-ai.ts';
import type { StoredSettings } from '../storage/settings.ts';

export const ON_DEVICE_PROVIDER: ProviderId = 'chrome-builtin';

export async function withOnDeviceDefault(
  settings: StoredSettings,
  providersWithKey: readonly ProviderId[],
  scope: OnDeviceScope = globalThis,
): Promise<StoredSettings> {
  const chosenNeedsKey = presetFor(settings.provider).needsKey;
  // Only ask the browser when the rule could apply (availability() is not free).
  if (!chosenNeedsKey || providersWithKey.length > 0) return settings;
  const status = await readOnDeviceStatus(scope);
  if (!prefersOnDevice({ chosenNeedsKey, providersWithKey: providersWithKey.length, onDevice: status.state })) return settings;
  return { ...settings, provider: ON_DEVICE_PROVIDER, model: presetFor(ON_DEVICE_PROVIDER).defaultModel, baseUrl: '', custom: null };
}
