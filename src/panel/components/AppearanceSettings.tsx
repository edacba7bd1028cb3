/**
 * Theme and text size, in settings. Like the language, a choice applies at once (no Save):
 * it is the panel's own look, not a provider setting to be checked first.
 */
import { useState } from 'preact/hooks';
import { FONT_SIZES, THEMES, type FontSize, type Theme } from '../../storage/preferences.ts';
import { chooseAppearance, currentAppearance, type Appearance } from '../appearance.ts';
import { t } from '../i18n/index.ts';

const THEME_LABELS = {
  system: () => t('theme_system'),
  light: () => t('theme_light'),
  dark: () => t('theme_dark'),
} satisfies Record<Theme, () => string>;

const FONT_SIZE_LABELS = {
  small: () => t('appearance_font_small'),
  default: () => t('appearance_font_default'),
  large: () => t('appearance_font_large'),
  larger: () => t('appearance_font_larger'),
} satisfies Record<FontSize, () => string>;

export function AppearanceSettings() {
  const [appearance, setAppearance] = useState<Appearance>(currentAppearance);
  const choose = (change: Partial<Appearance>) => {
    setAppearance({ ...appearance, ...change });
    void chooseAppearance(change);
  };
  return (
    <fieldset class="custom appearance" data-testid="appearance">
      <legend>{t('appearance_legend')}</legend>
      <label>
        <span>{t('appearance_theme')}</span>
        <select
          data-testid="theme-select"
          value={appearance.theme}
          onChange={(event) => choose({ theme: event.currentTarget.value as Theme })}
        >
          {THEMES.map((id) => (
            <option key={id} value={id}>
              {THEME_LABELS[id]()}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>{t('appearance_font_size')}</span>
        <select
          data-testid="font-size-select"
          value={appearance.fontSize}
          onChange={(event) => choose({ fontSize: event.currentTarget.value as FontSize })}
        >
          {FONT_SIZES.map((id) => (
            <option key={id} value={id}>
              {FONT_SIZE_LABELS[id]()}
            </option>
          ))}
        </select>
      </label>
    </fieldset>
  );
}
