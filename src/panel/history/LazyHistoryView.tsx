/**
 * The history view, loaded the first time it opens: the panel's first paint does not carry
 * the view, its search and its import checks.
 */
import { t } from '../i18n/index.ts';
import { lazyComponent } from '../lazy-component.tsx';
import type { HistoryViewProps } from './HistoryView.tsx';

export const LazyHistoryView = lazyComponent<HistoryViewProps>(
  () => import('./HistoryView.tsx').then((module) => module.HistoryView),
  (failed) => (
    <main class="history-view" data-testid="history-loading">
      <p class="muted loading" role="status">
        {failed ? t('history_unavailable') : t('history_loading')}
      </p>
    </main>
  ),
);
