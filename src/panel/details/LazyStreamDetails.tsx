/** The stream details view, loaded the first time it opens (see lazy-component.tsx). */
import { t } from '../i18n/index.ts';
import { lazyComponent } from '../lazy-component.tsx';
import type { StreamDetailsProps } from './StreamDetailsView.tsx';

export const LazyStreamDetails = lazyComponent<StreamDetailsProps>(
  () => import('./StreamDetailsView.tsx').then((module) => module.StreamDetailsView),
  () => <p class="muted loading">{t('connecting')}</p>,
);
