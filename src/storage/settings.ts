/**
 * Settings (provider, model, address, custom endpoint), in `storage.local`. API keys are
 * not here: they are in keys.ts, which only the background imports, so nothing that reads
 * settings can leak one.
 *
 * Version 2 (schema-checked). Version 1 was the same object without a version, and the
 * oldest ones lack `provider` and `custom`: the migration fills what is missing from the
 * defaults.
 */
import * as v from 'valibot';
import { CustomEndpointSchema } from '../shared/custom-endpoint.ts';
import { DEFAULT_MODEL, DEFAULT_PROVIDER, ProviderIdSchema } from '../shared/ids.ts';
import { MAX_MODEL_CHARS, MAX_URL_CHARS } from '../shared/limits.ts';
import { defineVersionedItem } from './item.ts';

export { DEFAULT_MODEL } from '../shared/ids.ts';
export type { CustomEndpoint } from '../shared/custom-endpoint.ts';

export const StoredSettingsSchema = v.object({
  provider: ProviderIdSchema,
  model: v.pipe(v.string(), v.maxLength(MAX_MODEL_CHARS)),
  /** "" means the provider's own URL. */
  baseUrl: v.pipe(v.string(), v.maxLength(MAX_URL_CHARS)),
  custom: v.nullable(CustomEndpointSchema),
});
export type StoredSettings = v.InferOutput<typeof StoredSettingsSchema>;

export const DEFAULT_SETTINGS: Readonly<StoredSettings> = Object.freeze({
  provider: DEFAULT_PROVIDER,
  model: DEFAULT_MODEL,
  baseUrl: '',
  custom: null,
});

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const settingsItem = defineVersionedItem<StoredSettings>({
  key: 'local:settings',
  version: 2,
  schema: StoredSettingsSchema,
  fallback: DEFAULT_SETTINGS,
  migrations: {
    // Anything that is not an object is left as it is, fails the schema and is reset.
    2: (old: unknown) => (isRecord(old) ? { ...DEFAULT_SETTINGS, ...old } : old),
  },
});

/** The stored settings, or the defaults (never throws; see takeStorageProblems in item.ts). */
export async function loadSettings(): Promise<StoredSettings> {
  return settingsItem.getValue();
}

/** Throws when the settings do not match the schema (check them first) or storage fails. */
export async function saveSettings(settings: StoredSettings): Promise<void> {
  await settingsItem.setValue(settings);
}
