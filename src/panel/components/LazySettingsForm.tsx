/** The settings form, loaded when settings first show (see lazy-component.tsx). */
import { t } from '../i18n/index.ts';
import { lazyComponent } from '../lazy-component.tsx';
import type { SettingsFormProps } from './SettingsForm.tsx';

export const LazySettingsForm = lazyComponent<SettingsFormProps>(
  () => import('./SettingsForm.tsx').then((module) => module.SettingsForm),
  () => <p class="muted loading">{t('connecting')}</p>,
);
