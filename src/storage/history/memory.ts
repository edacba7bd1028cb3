/**
 * The history store in memory: for Firefox private windows, where extension IndexedDB fails
 * (and a private window's conversations must not reach the disk anyway), and as the fallback
 * when IndexedDB cannot be opened at all. Same interface as db.ts; `snapshot()` and `load()`
 * let the background keep it in `storage.session` across a restarted event page.
 */
import * as v from 'valibot';
import type { HistoryStore, SearchHit, TurnsPatch } from './db.ts';
import { queryWords } from './search-words.ts';
import {
  HISTORY_FORMAT_VERSION,
  HistoryConversationSchema,
  searchEntryOf,
  summaryOf,
  userTitle,
  type ConversationSummary,
  type HistoryConversation,
} from './schema.ts';

export interface MemoryHistoryStore extends HistoryStore {
  /** Every conversation, for storage.session. */
  snapshot(): HistoryConversation[];
  /** Puts back what snapshot() gave (records that do not read back are skipped). */
  load(conversations: readonly unknown[]): void;
}

/** What clearing old conversations deletes: unpinned, last updated strictly before `before` (as db.ts). */
const isOlder = (record: HistoryConversation, before: number) => !record.pinned && record.updatedAt < before;

const byOrder = (a: ConversationSummary, b: ConversationSummary) => b.pinned - a.pinned || b.updatedAt - a.updatedAt;

export function createMemoryHistory(): MemoryHistoryStore {
  const records = new Map<string, HistoryConversation>();
  const put = (conversation: HistoryConversation) => {
    const checked = v.parse(HistoryConversationSchema, conversation);
    records.set(checked.id, structuredClone(checked));
    return checked;
  };
  const update = (id: string, change: (found: HistoryConversation) => HistoryConversation) => {
    const found = records.get(id);
    return Promise.resolve(found ? put(change(structuredClone(found))) : null);
  };

  return {
    save: (conversation) => Promise.resolve(void put(conversation)),
    saveMany(conversations) {
      const checked = conversations.map((conversation) => v.parse(HistoryConversationSchema, conversation));
      for (const conversation of checked) put(conversation);
      return Promise.resolve();
    },
    get: (id) => Promise.resolve(records.has(id) ? structuredClone(records.get(id)!) : null),
    has: (id) => Promise.resolve(records.has(id)),
    list: ({ limit = 200 } = {}) => Promise.resolve([...records.values()].map(summaryOf).sort(byOrder).slice(0, limit)),
    search(query, { limit = 50 } = {}) {
      const words = queryWords(query);
      if (words.length === 0) return Promise.resolve([]);
      const hits: SearchHit[] = [];
      for (const conversation of records.values()) {
        const summary = summaryOf(conversation);
        const { words: found } = searchEntryOf(conversation);
        const has = (word: string, last: boolean) => found.some((w) => (last ? w.startsWith(word) : w === word));
        if (!words.every((word, i) => has(word, i === words.length - 1))) continue;
        hits.push({ summary, words, score: summary.pinned + words.length });
      }
      return Promise.resolve(hits.sort((a, b) => b.score - a.score || byOrder(a.summary, b.summary)).slice(0, limit));
    },
    remove(id) {
      const found = records.get(id) ?? null;
      records.delete(id);
      return Promise.resolve(found);
    },
    count: () => Promise.resolve(records.size),
    countOlderThan: (before) => Promise.resolve([...records.values()].filter((record) => isOlder(record, before)).length),
    removeOlderThan(before) {
      const removed = [...records.values()].filter((record) => isOlder(record, before));
      for (const record of removed) records.delete(record.id);
      return Promise.resolve(removed);
    },
    rename: (id, title) =>
      update(id, (found) => {
        const { title: _old, ...rest } = found;
        const trimmed = userTitle(title);
        return trimmed ? { ...rest, title: trimmed } : rest;
      }),
    setPinned: (id, pinned) => update(id, (found) => ({ ...found, pinned })),
    saveTurns(id, patch: TurnsPatch) {
      const found = records.get(id);
      return Promise.resolve(
        put({
          ...(found ?? { version: HISTORY_FORMAT_VERSION, id, createdAt: patch.createdAt ?? patch.updatedAt, pinned: false }),
          turns: patch.turns,
          updatedAt: patch.updatedAt,
          ...(patch.page ? { page: patch.page } : found?.page ? { page: found.page } : {}),
        }),
      );
    },
    close: () => {},
    snapshot: () => [...records.values()].map((record) => structuredClone(record)),
    load(conversations) {
      for (const raw of conversations) {
        const result = v.safeParse(HistoryConversationSchema, raw);
        if (result.success) records.set(result.output.id, result.output);
      }
    },
  };
}
