/**
 * The history benchmark's page (bundled by ../history.ts, run in Chromium). It fills a real
 * IndexedDB with the corpus and times, in the page, what the panel does: open the database
 * and read the first screen of the list, and search. Beside each, the simple way a history
 * is often written, as the baseline: read every conversation and filter in JavaScript.
 */
import { openDB } from 'idb';
import { openHistory, type HistoryStore } from '../../src/storage/history/db.ts';
import { searchableText, titleOf, type HistoryConversation } from '../../src/storage/history/schema.ts';
import { groupByDay } from '../../src/panel/history/group-by-day.ts';
import { generateConversations } from './corpus.ts';

const NAME = 'aside-history-bench';
let store: HistoryStore | null = null;

async function reopen(): Promise<HistoryStore> {
  store?.close();
  store = await openHistory(NAME);
  return store;
}

/** Opens a fresh connection as a panel that just opened does. */
async function coldOpenList(limit: number): Promise<{ ms: number; rows: number; openMs: number }> {
  store?.close();
  store = null;
  const t0 = performance.now();
  const opened = await openHistory(NAME);
  const openMs = performance.now() - t0;
  const rows = await opened.list({ limit });
  // What the view does next: sections by day, named in the UI language.
  groupByDay(rows, Date.now(), 'en', { pinned: 'Pinned', today: 'Today', yesterday: 'Yesterday' });
  const ms = performance.now() - t0;
  store = opened;
  return { ms, rows: rows.length, openMs };
}

/** The baseline list: every conversation read, titled and sorted. */
async function naiveList(limit: number): Promise<{ ms: number; rows: number }> {
  const t0 = performance.now();
  const all = await readAll();
  const rows = all
    .map((c) => ({ id: c.id, title: titleOf(c), pinned: c.pinned, updatedAt: c.updatedAt }))
    .sort((a, b) => Number(b.pinned) - Number(a.pinned) || b.updatedAt - a.updatedAt)
    .slice(0, limit);
  return { ms: performance.now() - t0, rows: rows.length };
}

/** Every conversation, whole: one getAll() over the store (a fresh connection, as a panel opening would). */
async function readAll(): Promise<HistoryConversation[]> {
  const db = await openDB(NAME);
  const all = (await db.getAll('conversations')) as HistoryConversation[];
  db.close();
  return all;
}

async function search(query: string): Promise<{ ms: number; hits: number; top: string[] }> {
  const opened = store ?? (await reopen());
  const t0 = performance.now();
  const hits = await opened.search(query, { limit: 50 });
  return { ms: performance.now() - t0, hits: hits.length, top: hits.slice(0, 3).map((h) => h.summary.id) };
}

/** The baseline search: every conversation read, and its text searched for each word. */
async function naiveSearch(query: string): Promise<{ ms: number; hits: number }> {
  const t0 = performance.now();
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const all = await readAll();
  const hits = all.filter((c) => {
    const text = searchableText(c).toLowerCase();
    return words.every((w) => text.includes(w));
  });
  return { ms: performance.now() - t0, hits: hits.length };
}

async function fill(count: number): Promise<{ ms: number; count: number }> {
  const opened = await reopen();
  const t0 = performance.now();
  // Moderate transactions (200 conversations, about 1 MB), generated batch by batch: one giant
  // transaction, or the whole corpus held at once, is what crashed an earlier version's page.
  let batch: HistoryConversation[] = [];
  for (const conversation of generateConversations(count)) {
    batch.push(conversation);
    if (batch.length === 200) {
      await opened.saveMany(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await opened.saveMany(batch);
  return { ms: performance.now() - t0, count: await opened.count() };
}

declare global {
  interface Window {
    historyBench: {
      fill: typeof fill;
      coldOpenList: typeof coldOpenList;
      naiveList: typeof naiveList;
      search: typeof search;
      naiveSearch: typeof naiveSearch;
    };
  }
}

window.historyBench = { fill, coldOpenList, naiveList, search, naiveSearch };
