/**
 * The panel's language as component state: reads the saved choice once, switches to it,
 * and re-renders on every switch; `<html lang>` follows. `ready` is false until the first
 * switch is done, so the panel never shows a flash of the other language.
 */
import { useLayoutEffect, useState } from 'preact/hooks';
import type { UiLanguage } from '../../shared/ids.ts';
import { loadPreferences, saveLanguage } from '../../storage/preferences.ts';
import { currentLanguage, onLanguageChange, setLanguage, uiLocale } from './index.ts';

/** `before`: what must also be in place before the panel shows (the saved appearance on a first open). */
export function useLanguage(before: Promise<unknown> = Promise.resolve()): {
  ready: boolean;
  language: UiLanguage;
  choose(language: UiLanguage): void;
} {
  const [ready, setReady] = useState(false);
  const [language, setLanguageState] = useState<UiLanguage>(currentLanguage());
  // A layout effect: the panel shows nothing until this read is back, and an effect would
  // only start it after the next frame is drawn.
  useLayoutEffect(() => {
    let disposed = false;
    const unsubscribe = onLanguageChange(() => {
      document.documentElement.lang = uiLocale();
      setLanguageState(currentLanguage());
    });
    const languageSet = loadPreferences()
      .then((preferences) => setLanguage(preferences.language))
      .catch(() => setLanguage('auto'));
    void Promise.all([languageSet, before.catch(() => {})]).finally(() => {
      if (!disposed) setReady(true);
    });
    return () => {
      disposed = true;
      unsubscribe();
    };
  }, []);
  return {
    ready,
    language,
    choose(next) {
      void setLanguage(next);
      void saveLanguage(next).catch(() => {});
    },
  };
}
