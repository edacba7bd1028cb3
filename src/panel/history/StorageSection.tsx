/**
 * The history view's storage section: the space used (storage-usage.ts), and clearing old
 * conversations: pick an age, see how many will go (pinned ones never do), confirm. What was
 * deleted goes to the caller (`onCleared`), which offers Undo as for a single delete.
 */
import { useEffect, useState } from 'preact/hooks';
import type { HistoryStore } from '../../storage/history/db.ts';
import type { HistoryConversation } from '../../storage/history/schema.ts';
import { formatBytes, t } from '../i18n/index.ts';
import { CLEAR_AGES_DAYS, clearCutoff, readStorageUsage, type ClearAge, type StorageUsage } from './storage-usage.ts';

export interface StorageSectionProps {
  store: HistoryStore;
  /** Conversations of this window live in memory (private window, or IndexedDB failed). */
  inMemory: boolean;
  /** Changes whenever the stored conversations change: the usage and the count are read again. */
  version: number;
  onCleared(removed: HistoryConversation[]): void;
  onFailed(): void;
}

const AGE_LABEL: Record<ClearAge, () => string> = {
  30: () => t('clear_old_30'),
  90: () => t('clear_old_90'),
  365: () => t('clear_old_365'),
};

function usageText(usage: StorageUsage | null | undefined, inMemory: boolean): string {
  if (inMemory) return t('storage_usage_memory');
  if (usage === undefined) return '';
  if (usage === null) return t('storage_usage_unknown');
  const used = formatBytes(usage.conversations ?? usage.total);
  const quota = usage.quota === undefined ? undefined : formatBytes(usage.quota);
  if (usage.conversations !== undefined)
    return quota ? t('storage_usage_conversations_of', { used, quota }) : t('storage_usage_conversations', { used });
  return quota ? t('storage_usage_total_of', { used, quota }) : t('storage_usage_total', { used });
}

export function StorageSection({ store, inMemory, version, onCleared, onFailed }: StorageSectionProps) {
  const [usage, setUsage] = useState<StorageUsage | null | undefined>(undefined);
  const [open, setOpen] = useState(false);
  const [age, setAge] = useState<ClearAge>(CLEAR_AGES_DAYS[0]);
  const [count, setCount] = useState<number | null>(null);
  const [working, setWorking] = useState(false);

  useEffect(() => {
    let live = true;
    void readStorageUsage().then((found) => live && setUsage(found));
    return () => {
      live = false;
    };
  }, [version]);

  useEffect(() => {
    if (!open) return;
    let live = true;
    setCount(null);
    void store.countOlderThan(clearCutoff(age, Date.now())).then(
      (found) => live && setCount(found),
      () => live && setCount(0),
    );
    return () => {
      live = false;
    };
  }, [store, open, age, version]);

  const clear = async () => {
    setWorking(true);
    try {
      const removed = await store.removeOlderThan(clearCutoff(age, Date.now()));
      setOpen(false);
      onCleared(removed);
    } catch {
      onFailed();
    } finally {
      setWorking(false);
    }
  };

  return (
    <section class="history-storage" aria-labelledby="history-storage-heading">
      <h3 id="history-storage-heading">{t('storage_heading')}</h3>
      <p class="muted" data-testid="storage-usage">
        {usageText(usage, inMemory)}
      </p>
      {!open ? (
        <button type="button" class="ghost" data-testid="clear-old" onClick={() => setOpen(true)}>
          {t('clear_old')}
        </button>
      ) : (
        <div class="history-clear-old" role="group" aria-labelledby="history-storage-heading">
          <label class="row">
            <span>{t('clear_old_age_label')}</span>
            <select
              data-testid="clear-old-age"
              value={String(age)}
              onChange={(event) => setAge(Number(event.currentTarget.value) as ClearAge)}
            >
              {CLEAR_AGES_DAYS.map((days) => (
                <option key={days} value={String(days)}>
                  {AGE_LABEL[days]()}
                </option>
              ))}
            </select>
          </label>
          <p role="status" data-testid="clear-old-count">
            {count === null ? '' : count === 0 ? t('clear_old_none') : t('clear_old_preview', { count })}
          </p>
          <div class="row">
            {count !== null && count > 0 && (
              <button
                type="button"
                class="history-danger"
                data-testid="clear-old-confirm"
                disabled={working}
                onClick={() => void clear()}
              >
                {t('clear_old_confirm', { count })}
              </button>
            )}
            <button type="button" class="ghost" data-testid="clear-old-cancel" onClick={() => setOpen(false)}>
              {t('clear_old_cancel')}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
