/**
 * Settings (provider, model, address, custom endpoint, each provider's model options), in
 * `storage.local`. API keys are not here: they are in keys.ts, which only the background
 * imports, so nothing that reads settings can leak one.
 *
 * Version 4 added the custom endpoint's `dataMode` and `pattern`: a version 3 endpoint read
 * JSON at its text path, so it gets `json` and no pattern.
 * Version 3 (schema-checked) added `modelOptions`, by provider; version 2 settings get none,
 * so every provider starts with the defaults. Version 1 was the version 2 object without a
 * version, and the oldest ones lack `provider` and `custom`: that migration fills what is
 * missing from the version 2 defaults.
 */
import * as v from 'valibot';
import { CustomEndpointSchema } from '../shared/custom-endpoint.ts';
import { DEFAULT_MODEL, DEFAULT_PROVIDER, ProviderIdSchema } from '../shared/ids.ts';
import { MAX_MODEL_CHARS, MAX_URL_CHARS } from '../shared/limits.ts';
import { ModelOptionsByProviderSchema } from '../shared/model-options.ts';
import { defineVersionedItem } from './item.ts';

export { DEFAULT_MODEL } from '../shared/ids.ts';
export type { CustomEndpoint } from '../shared/custom-endpoint.ts';
export { DEFAULT_MODEL_OPTIONS, modelOptionsOf, type ModelOptions } from '../shared/model-options.ts';

export const StoredSettingsSchema = v.object({
  provider: ProviderIdSchema,
  model: v.pipe(v.string(), v.maxLength(MAX_MODEL_CHARS)),
  /** "" means the provider's own URL. */
  baseUrl: v.pipe(v.string(), v.maxLength(MAX_URL_CHARS)),
  custom: v.nullable(CustomEndpointSchema),
  /** Each provider's model options; a provider without an entry uses the defaults. */
  modelOptions: ModelOptionsByProviderSchema,
});
export type StoredSettings = v.InferOutput<typeof StoredSettingsSchema>;

export const DEFAULT_SETTINGS: Readonly<StoredSettings> = Object.freeze({
  provider: DEFAULT_PROVIDER,
  model: DEFAULT_MODEL,
  baseUrl: '',
  custom: null,
  modelOptions: {},
});

/** What version 2 started from (the migration to it must not change with later versions). */
const VERSION_2_DEFAULTS = { provider: DEFAULT_PROVIDER, model: DEFAULT_MODEL, baseUrl: '', custom: null };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const settingsItem = defineVersionedItem<StoredSettings>({
  key: 'local:settings',
  version: 4,
  schema: StoredSettingsSchema,
  fallback: DEFAULT_SETTINGS,
  migrations: {
    // Anything that is not an object is left as it is, fails the schema and is reset.
    2: (old: unknown) => (isRecord(old) ? { ...VERSION_2_DEFAULTS, ...old } : old),
    // Model options are new: every provider starts with the defaults.
    3: (old: unknown) => (isRecord(old) ? { ...old, modelOptions: {} } : old),
    // Custom endpoints read JSON at a path until now.
    4: (old: unknown) =>
      isRecord(old) && isRecord(old.custom) ? { ...old, custom: { dataMode: 'json', pattern: '', ...old.custom } } : old,
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

/**
 * The stored settings for a read-change-write (saving one provider's options keeps the
 * others'): throws when storage cannot be read, rather than overwrite them with defaults.
 */
export async function loadSettingsToUpdate(): Promise<StoredSettings> {
  return settingsItem.getValueToUpdate();
}
