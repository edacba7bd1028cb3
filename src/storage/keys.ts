/**
 * API keys, one per provider, in their own `storage.local` item: never in `storage.sync`
 * (which the browser uploads), never next to settings. Only the background imports this.
 */
import * as v from 'valibot';
import { PROVIDER_IDS, type ProviderId } from '../shared/ids.ts';
import { MAX_KEY_CHARS } from '../shared/limits.ts';
import { defineVersionedItem } from './item.ts';

/**
 * Provider id → key. Keys are plain strings so that a key of a provider this version does
 * not know (a newer one's) is kept rather than failing the whole item.
 */
const StoredKeysSchema = v.record(v.string(), v.pipe(v.string(), v.maxLength(MAX_KEY_CHARS)));

const keysItem = defineVersionedItem<Record<string, string>>({
  key: 'local:apiKeys',
  version: 1,
  schema: StoredKeysSchema,
  fallback: {},
});

/** The provider's key, "" when there is none. */
export async function loadApiKey(provider: ProviderId): Promise<string> {
  return (await keysItem.getValue())[provider] ?? '';
}

/** Saves the provider's key; "" forgets it. Throws on a key over MAX_KEY_CHARS. */
export async function saveApiKey(key: string, provider: ProviderId): Promise<void> {
  // Storage that cannot be read must not be overwritten with just this one key.
  const keys = await keysItem.getValueToUpdate();
  if (key === '') delete keys[provider];
  else keys[provider] = key;
  if (Object.keys(keys).length === 0) await keysItem.removeValue();
  else await keysItem.setValue(keys);
}

/** The providers that have a key, in PROVIDER_IDS order. */
export async function providersWithKey(): Promise<ProviderId[]> {
  const keys = await keysItem.getValue();
  return PROVIDER_IDS.filter((id) => (keys[id] ?? '') !== '');
}
