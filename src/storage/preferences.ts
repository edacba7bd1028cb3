/**
 * The user's interface preferences, in `storage.local` (not synced: a language is chosen
 * per browser). For now the language: 'auto' follows the browser's.
 */
import * as v from 'valibot';
import { UI_LANGUAGES, type UiLanguage } from '../shared/ids.ts';
import { defineVersionedItem } from './item.ts';

export interface Preferences {
  language: UiLanguage;
}

export const DEFAULT_PREFERENCES: Preferences = { language: 'auto' };

const PreferencesSchema = v.object({
  // A language this version does not know (a newer one's, junk) reads as 'auto'.
  language: v.fallback(v.picklist(UI_LANGUAGES), 'auto'),
});

const preferencesItem = defineVersionedItem<Preferences>({
  key: 'local:preferences',
  version: 1,
  schema: PreferencesSchema,
  fallback: DEFAULT_PREFERENCES,
});

/** The stored preferences; the defaults when there are none or they cannot be read. Never throws. */
export function loadPreferences(): Promise<Preferences> {
  return preferencesItem.getValue();
}

export async function saveLanguage(language: UiLanguage): Promise<void> {
  const current = await loadPreferences();
  await preferencesItem.setValue({ ...current, language });
}
