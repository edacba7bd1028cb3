/**
 * The history view, loaded the first time it opens: the panel's first paint does not carry
 * the view, its search and its import checks.
 */
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/index.ts';
import type { HistoryViewProps } from './HistoryView.tsx';

let loading: Promise<ComponentType<HistoryViewProps>> | null = null;

function loadView(): Promise<ComponentType<HistoryViewProps>> {
  loading ??= import('./HistoryView.tsx').then(
    (module) => module.HistoryView,
    (error: unknown) => {
      loading = null;
      throw error;
    },
  );
  return loading;
}

export function LazyHistoryView(props: HistoryViewProps) {
  const [View, setView] = useState<ComponentType<HistoryViewProps> | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    loadView().then(
      (view) => live && setView(() => view),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, []);
  if (View) return <View {...props} />;
  return (
    <main class="history-view" data-testid="history-loading">
      <p class="muted loading" role="status">
        {failed ? t('history_unavailable') : t('history_loading')}
      </p>
    </main>
  );
}
