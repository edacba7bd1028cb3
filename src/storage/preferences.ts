/**
 * The user's interface preferences, in `storage.local` (not synced: a language, a theme and
 * a text size are chosen per browser, as each browser has its own screen and settings).
 *
 * Version 2. Version 1 held the language alone; version 2 adds the theme and the text size
 * (see migrateFromV1).
 */
import * as v from 'valibot';
import { UI_LANGUAGES, type UiLanguage } from '../shared/ids.ts';
import { defineVersionedItem } from './item.ts';

/** 'system' follows the operating system's light or dark mode (`prefers-color-scheme`). */
export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

/** Steps of the panel's text size, smallest first; the panel maps each to a root font size. */
export const FONT_SIZES = ['small', 'default', 'large', 'larger'] as const;
export type FontSize = (typeof FONT_SIZES)[number];

export interface Preferences {
  language: UiLanguage;
  theme: Theme;
  fontSize: FontSize;
}

export const DEFAULT_PREFERENCES: Preferences = { language: 'auto', theme: 'system', fontSize: 'default' };

// A value this version does not know (a newer version's, junk) reads as the default, field
// by field: a theme from the future must not cost the user their language.
const PreferencesSchema = v.object({
  language: v.fallback(v.picklist(UI_LANGUAGES), DEFAULT_PREFERENCES.language),
  theme: v.fallback(v.picklist(THEMES), DEFAULT_PREFERENCES.theme),
  fontSize: v.fallback(v.picklist(FONT_SIZES), DEFAULT_PREFERENCES.fontSize),
});

/** Version 1 was `{ language }`: the language is kept, the new fields start at their defaults. */
function migrateFromV1(old: unknown): unknown {
  if (typeof old !== 'object' || old === null || Array.isArray(old)) return old; // junk: the schema resets it
  return { ...DEFAULT_PREFERENCES, language: (old as { language?: unknown }).language };
}

const preferencesItem = defineVersionedItem<Preferences>({
  key: 'local:preferences',
  version: 2,
  schema: PreferencesSchema,
  fallback: DEFAULT_PREFERENCES,
  migrations: { 2: migrateFromV1 },
});

/** The stored preferences; the defaults when there are none or they cannot be read. Never throws. */
export function loadPreferences(): Promise<Preferences> {
  return preferencesItem.getValue();
}

/**
 * Saves some preferences, keeping the others. Saves run one after another, so two quick
 * changes (a theme, then a text size) cannot each overwrite the other with what they read.
 */
let lastSave: Promise<unknown> = Promise.resolve();
export function savePreferences(change: Partial<Preferences>): Promise<void> {
  const save = lastSave
    .catch(() => {})
    .then(async () => {
      const current = await preferencesItem.getValueToUpdate();
      await preferencesItem.setValue({ ...current, ...change });
    });
  lastSave = save;
  return save;
}

/** Calls back with the preferences each time they change, here or in another panel. Returns the unwatch. */
export function watchPreferences(listener: (preferences: Preferences) => void): () => void {
  return preferencesItem.watch(() => void loadPreferences().then(listener));
}

export function saveLanguage(language: UiLanguage): Promise<void> {
  return savePreferences({ language });
}
