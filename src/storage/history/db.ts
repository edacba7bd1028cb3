/**
 * Conversation history in IndexedDB, through `idb` (chosen over Dexie by size: idb is about
 * 1.2 KB compressed, Dexie about 27 KB, and the panel's first-open budget is 60 KB in all).
 *
 * Three stores: `conversations` holds each conversation whole; `summaries` holds what the list
 * shows (schema.ts), with an index that orders pinned conversations first, then the most
 * recently updated; `search` holds each conversation's search words, with a multiEntry index
 * over them. The words were part of the summary in version 1 of the database; moving them out
 * (version 2) made opening the list at 10,000 conversations about N times faster, since every
 * row read for the list carried a few hundred words (bench/history.ts).
 *
 * Database versions migrate in `upgrade`; record formats carry their own version (schema.ts).
 */
import { openDB, unwrap, type DBSchema, type IDBPDatabase, type IDBPObjectStore, type IDBPTransaction, type StoreNames } from 'idb';
import * as v from 'valibot';
import { queryWords, searchWords } from './search-words.ts';
import {
  HISTORY_FORMAT_VERSION,
  HistoryConversationSchema,
  searchEntryOf,
  summaryOf,
  userTitle,
  type ConversationSummary,
  type HistoryConversation,
  type SearchEntry,
} from './schema.ts';

export const HISTORY_DB_NAME = 'aside-history';
const DB_VERSION = 2;
const STORES = ['conversations', 'summaries', 'search'] as const;

interface HistoryDb extends DBSchema {
  conversations: { key: string; value: HistoryConversation };
  summaries: {
    key: string;
    value: ConversationSummary;
    indexes: { order: [number, number] };
  };
  search: {
    key: string;
    value: SearchEntry;
    indexes: { words: string };
  };
}

/** The three records a conversation is stored as (db.ts writes them together; tests seed them). */
export function storedRecords(conversation: HistoryConversation): {
  conversation: HistoryConversation;
  summary: ConversationSummary;
  search: SearchEntry;
} {
  return { conversation, summary: summaryOf(conversation), search: searchEntryOf(conversation) };
}

/** At most this many candidates are ranked; beyond it the newest win (ids sort by creation). */
export const MAX_RANKED_CANDIDATES = 500;
/** A last search word this long or longer also matches words it starts (typing "fox" finds "foxes"). */
export const MIN_PREFIX_CHARS = 3;

export interface SearchHit {
  summary: ConversationSummary;
  /** The search words found (all of them: a hit has every word). */
  words: string[];
  score: number;
}

export interface HistoryStore {
  /** Writes the conversation and its summary together (the summary is derived, never passed). */
  save(conversation: HistoryConversation): Promise<void>;
  /** Saves many in one transaction (import, and the benchmark's 10,000); all or none. */
  saveMany(conversations: readonly HistoryConversation[]): Promise<void>;
  get(id: string): Promise<HistoryConversation | null>;
  /** Whether it is stored, without reading it. */
  has(id: string): Promise<boolean>;
  /** Pinned first, then the most recently updated; `limit` rows (default 200). */
  list(options?: { limit?: number }): Promise<ConversationSummary[]>;
  search(query: string, options?: { limit?: number }): Promise<SearchHit[]>;
  /** Deletes it and returns what was deleted, for Undo (save it again). */
  remove(id: string): Promise<HistoryConversation | null>;
  count(): Promise<number>;
  /** How many unpinned conversations were last updated before `before` (ms): what removeOlderThan would delete. */
  countOlderThan(before: number): Promise<number>;
  /**
   * Deletes every unpinned conversation last updated before `before` (strictly: one updated
   * at `before` stays), in one transaction, and returns them, for Undo (saveMany them again).
   */
  removeOlderThan(before: number): Promise<HistoryConversation[]>;
  /** The user's own title; an empty one goes back to the first question. Null: no such conversation. */
  rename(id: string, title: string): Promise<HistoryConversation | null>;
  setPinned(id: string, pinned: boolean): Promise<HistoryConversation | null>;
  /**
   * The background's writer while an answer streams: replaces turns, updatedAt and page in one
   * readwrite transaction, keeping the title and pin the user set. IndexedDB runs readwrite
   * transactions over the same store one after another, so a rename during a stream is kept.
   * Creates the conversation when it does not exist yet (`createdAt` from the patch).
   */
  saveTurns(id: string, patch: TurnsPatch): Promise<HistoryConversation>;
  close(): void;
}

export interface TurnsPatch {
  turns: HistoryConversation['turns'];
  updatedAt: number;
  page?: HistoryConversation['page'];
  /** Only used when the conversation is new; defaults to updatedAt. */
  createdAt?: number;
}

const isUnspaced = (word: string) => /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u.test(word);

/** The key range a search word looks up: itself, or every word it starts (the last word, once long enough). */
function rangeFor(word: string, isLast: boolean): IDBKeyRange | string {
  const prefix = isLast && (word.length >= MIN_PREFIX_CHARS || isUnspaced(word));
  return prefix ? IDBKeyRange.bound(word, `${word}\uffff`) : word;
}

/** Unpinned summaries updated before `before`, through the order index ([pinned, updatedAt]): no record outside is read. */
const olderRange = (before: number) => IDBKeyRange.bound([0, -Infinity], [0, before], false, true);

function score(summary: ConversationSummary, words: readonly string[]): number {
  const title = searchWords(summary.title, 200);
  let total = summary.pinned ? 1 : 0;
  for (const word of words) total += title.some((t) => t.startsWith(word)) ? 3 : 1;
  return total;
}

/**
 * The summaries of these ids (sorted newest first). One `get` per id costs a round trip
 * each (500 of them took ~80 ms in Chromium), so when the ids are many and dense in their
 * id range (a common word), the whole range is read in one `getAll` and filtered instead.
 */
async function readSummaries(
  store: IDBPObjectStore<HistoryDb, ['search', 'summaries'], 'summaries'>,
  ids: readonly string[],
): Promise<ConversationSummary[]> {
  const found = (rows: (ConversationSummary | undefined)[]) => rows.filter((row): row is ConversationSummary => row !== undefined);
  if (ids.length <= 32) return found(await Promise.all(ids.map((id) => store.get(id))));
  const range = IDBKeyRange.bound(ids.at(-1)!, ids[0]!);
  if ((await store.count(range)) > ids.length * 4) return found(await Promise.all(ids.map((id) => store.get(id))));
  const wanted = new Set(ids);
  return (await store.getAll(range)).filter((row) => wanted.has(row.id));
}

/** `getAll` with options (a direction), as Chromium 141+ has it; not in TypeScript's DOM types yet. */
type GetAllWithOptions = (options: { count: number; direction: IDBCursorDirection }) => IDBRequest<unknown[]>;

/**
 * The last `count` values of an index, last first, in one request where the browser can read
 * backwards (`getAll` with a direction; detected by `getAllRecords`, which shipped with it),
 * else null and the caller walks a cursor, one round trip per row.
 */
function newestValues<T>(index: IDBIndex, count: number): Promise<T[]> | null {
  if (!('getAllRecords' in index)) return null;
  return new Promise((resolve, reject) => {
    // count is an unsigned 32-bit number, and 0 means all.
    const request = (index.getAll as unknown as GetAllWithOptions).call(index, {
      count: count >= 2 ** 32 ? 0 : count,
      direction: 'prev',
    });
    request.onsuccess = () => resolve(request.result as T[]);
    request.onerror = () => reject(request.error ?? new Error('getAll failed'));
  });
}

/**
 * Version 1 to 2: each summary's `words` move to the `search` store, and the summary is
 * written back without them. Runs inside the upgrade transaction, so the database opens only
 * once every record has moved (or not at all, if the move fails).
 */
async function moveSearchWords(transaction: IDBPTransaction<HistoryDb, StoreNames<HistoryDb>[], 'versionchange'>) {
  const summaries = transaction.objectStore('summaries');
  const search = transaction.objectStore('search');
  let cursor = await summaries.openCursor();
  while (cursor) {
    const { words, ...summary } = cursor.value as ConversationSummary & { words?: unknown };
    const kept = Array.isArray(words) ? words.filter((word): word is string => typeof word === 'string') : [];
    await Promise.all([search.put({ id: summary.id, words: kept }), cursor.update(summary)]);
    cursor = await cursor.continue();
  }
}

export async function openHistory(name = HISTORY_DB_NAME): Promise<HistoryStore> {
  const db: IDBPDatabase<HistoryDb> = await openDB<HistoryDb>(name, DB_VERSION, {
    upgrade(database, oldVersion, _newVersion, transaction) {
      if (oldVersion < 1) {
        database.createObjectStore('conversations', { keyPath: 'id' });
        database.createObjectStore('summaries', { keyPath: 'id' }).createIndex('order', ['pinned', 'updatedAt']);
      }
      if (oldVersion < 2) {
        database.createObjectStore('search', { keyPath: 'id' }).createIndex('words', 'words', { multiEntry: true });
      }
      if (oldVersion === 1) {
        // The old index over the summaries' words goes with them.
        transaction.objectStore('summaries').deleteIndex('words');
        void moveSearchWords(transaction);
      }
    },
  });

  /** Puts a checked conversation's three records in a readwrite transaction over all stores. */
  const putAll = (tx: IDBPTransaction<HistoryDb, typeof STORES, 'readwrite'>, conversation: HistoryConversation) => {
    const records = storedRecords(conversation);
    return [
      tx.objectStore('conversations').put(records.conversation),
      tx.objectStore('summaries').put(records.summary),
      tx.objectStore('search').put(records.search),
    ];
  };

  /** Reads, changes and writes one conversation in a single readwrite transaction. */
  async function update(id: string, change: (found: HistoryConversation) => HistoryConversation): Promise<HistoryConversation | null> {
    const tx = db.transaction(STORES, 'readwrite');
    const found = await tx.objectStore('conversations').get(id);
    if (!found) {
      await tx.done;
      return null;
    }
    const next = v.parse(HistoryConversationSchema, change(found));
    await Promise.all([...putAll(tx, next), tx.done]);
    return next;
  }

  return {
    async save(conversation) {
      // Checked on the way in: a record that would not read back is refused here, not found broken later.
      const checked = v.parse(HistoryConversationSchema, conversation);
      const tx = db.transaction(STORES, 'readwrite');
      await Promise.all([...putAll(tx, checked), tx.done]);
    },

    async saveMany(conversations) {
      const checked = conversations.map((conversation) => v.parse(HistoryConversationSchema, conversation));
      const tx = db.transaction(STORES, 'readwrite');
      await Promise.all([...checked.flatMap((conversation) => putAll(tx, conversation)), tx.done]);
    },

    async get(id) {
      const found = await db.get('conversations', id);
      if (!found) return null;
      const result = v.safeParse(HistoryConversationSchema, found);
      return result.success ? result.output : null;
    },

    has: async (id) => (await db.getKey('summaries', id)) !== undefined,

    async list({ limit = 200 } = {}) {
      const index = db.transaction('summaries').store.index('order');
      const newest = await newestValues<ConversationSummary>(unwrap(index), limit);
      if (newest) return newest;
      const rows: ConversationSummary[] = [];
      let cursor = await index.openCursor(null, 'prev');
      while (cursor && rows.length < limit) {
        rows.push(cursor.value);
        cursor = await cursor.continue();
      }
      return rows;
    },

    async search(query, { limit = 50 } = {}) {
      const words = queryWords(query);
      if (words.length === 0) return [];
      const tx = db.transaction(['search', 'summaries']);
      const index = tx.objectStore('search').index('words');
      let candidates: Set<string> | null = null;
      for (const [i, word] of words.entries()) {
        const keys = await index.getAllKeys(rangeFor(word, i === words.length - 1));
        const found: Set<string> = new Set(candidates ? keys.filter((key) => candidates!.has(key)) : keys);
        candidates = found;
        if (found.size === 0) return [];
      }
      // Newest first by id (creation time), without reading a record; then rank the newest few hundred.
      const ids = [...(candidates ?? [])].sort().reverse().slice(0, MAX_RANKED_CANDIDATES);
      const summaries = await readSummaries(tx.objectStore('summaries'), ids);
      return summaries
        .map((summary) => ({ summary, words, score: score(summary, words) }))
        .sort((a, b) => b.score - a.score || b.summary.updatedAt - a.summary.updatedAt)
        .slice(0, limit);
    },

    async remove(id) {
      const tx = db.transaction(STORES, 'readwrite');
      const found = await tx.objectStore('conversations').get(id);
      await Promise.all([...STORES.map((store) => tx.objectStore(store).delete(id)), tx.done]);
      return found ?? null;
    },

    count: () => db.count('summaries'),

    countOlderThan: (before) => db.countFromIndex('summaries', 'order', olderRange(before)),

    async removeOlderThan(before) {
      const tx = db.transaction(STORES, 'readwrite');
      const conversations = tx.objectStore('conversations');
      const ids = await tx.objectStore('summaries').index('order').getAllKeys(olderRange(before));
      const removed = await Promise.all(ids.map((id) => conversations.get(id)));
      await Promise.all([...ids.flatMap((id) => STORES.map((store) => tx.objectStore(store).delete(id))), tx.done]);
      return removed.filter((found): found is HistoryConversation => found !== undefined);
    },

    rename: (id, title) =>
      update(id, (found) => {
        const { title: _old, ...rest } = found;
        const trimmed = userTitle(title);
        return trimmed ? { ...rest, title: trimmed } : rest;
      }),

    setPinned: (id, pinned) => update(id, (found) => ({ ...found, pinned })),

    async saveTurns(id, patch) {
      const tx = db.transaction(STORES, 'readwrite');
      const found = await tx.objectStore('conversations').get(id);
      const next: HistoryConversation = v.parse(HistoryConversationSchema, {
        ...(found ?? { version: HISTORY_FORMAT_VERSION, id, createdAt: patch.createdAt ?? patch.updatedAt, pinned: false }),
        turns: patch.turns,
        updatedAt: patch.updatedAt,
        ...(patch.page ? { page: patch.page } : found?.page ? { page: found.page } : {}),
      });
      await Promise.all([...putAll(tx, next), tx.done]);
      return next;
    },

    close: () => db.close(),
  };
}
