/**
 * The history database, opened the first time the view needs it and kept open while the
 * panel lives. `failed`: it cannot be opened here (IndexedDB refused, as in some private
 * windows); the view says so rather than throw.
 */
import { useEffect, useState } from 'preact/hooks';
import type { HistoryStore } from '../../storage/history/db.ts';

let shared: Promise<HistoryStore> | null = null;

/** The panel's one connection to the history database. */
export function historyStore(): Promise<HistoryStore> {
  // Loaded with the view: the database code is not part of the panel's first paint.
  shared ??= import('../../storage/history/db.ts')
    .then(({ openHistory }) => openHistory())
    .catch((error: unknown) => {
      shared = null;
      throw error;
    });
  return shared;
}

export function useHistoryStore(wanted: boolean): { store: HistoryStore | null; failed: boolean } {
  const [store, setStore] = useState<HistoryStore | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (!wanted || store) return;
    let live = true;
    historyStore().then(
      (opened) => live && setStore(opened),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [wanted, store]);
  return { store, failed };
}
