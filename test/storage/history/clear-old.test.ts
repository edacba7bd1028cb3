import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { openHistory, type HistoryStore } from '../../../src/storage/history/db.ts';
import { createMemoryHistory } from '../../../src/storage/history/memory.ts';
import { newConversationId, type HistoryConversation } from '../../../src/storage/history/schema.ts';

const DAY = 86_400_000;
const NOW = 1_800_000_000_000;
const CUTOFF = NOW - 30 * DAY;

let serial = 0;
function conversation(question: string, updatedAt: number, pinned = false): HistoryConversation {
  serial += 1;
  return {
    version: 1,
    id: newConversationId(updatedAt - 1_000, () => serial / 1_000),
    createdAt: updatedAt - 1_000,
    updatedAt,
    pinned,
    turns: [
      { role: 'user', text: question },
      { role: 'assistant', requestId: `r${serial}`, text: `About ${question}`, status: 'complete' },
    ],
  };
}

const stores: [string, () => Promise<HistoryStore>][] = [
  ['IndexedDB', () => openHistory(`clear-old-${Math.random()}`)],
  ['in memory (private windows)', () => Promise.resolve(createMemoryHistory())],
];

describe.each(stores)('clearing old conversations: %s', (_name, open) => {
  let store: HistoryStore;
  afterEach(() => store.close());

  const seed = async () => {
    store = await open();
    const ancient = conversation('ancient', NOW - 400 * DAY);
    const oldPinned = conversation('old but pinned', NOW - 400 * DAY, true);
    const justBefore = conversation('one ms before the cutoff', CUTOFF - 1);
    const atCutoff = conversation('exactly at the cutoff', CUTOFF);
    const recent = conversation('yesterday', NOW - DAY);
    // Created long ago, used yesterday: age is the last use, not the creation.
    const revived = { ...conversation('revived', NOW - DAY), createdAt: NOW - 500 * DAY };
    await store.saveMany([ancient, oldPinned, justBefore, atCutoff, recent, revived]);
    return { ancient, oldPinned, justBefore, atCutoff, recent, revived };
  };

  it('counts and deletes the unpinned ones last updated before the cutoff, and keeps pinned, boundary and recent ones', async () => {
    const { ancient, oldPinned, justBefore, atCutoff, recent, revived } = await seed();
    expect(await store.countOlderThan(CUTOFF)).toBe(2);
    const removed = await store.removeOlderThan(CUTOFF);
    expect(removed.map((c) => c.id).sort()).toEqual([ancient.id, justBefore.id].sort());
    // Whole records come back, for Undo.
    expect(removed.find((c) => c.id === ancient.id)).toEqual(ancient);
    const left = (await store.list()).map((row) => row.id).sort();
    expect(left).toEqual([oldPinned.id, atCutoff.id, recent.id, revived.id].sort());
    expect(await store.get(ancient.id)).toBeNull();
    // Gone from search as well (the summaries go with the records).
    expect(await store.search('ancient')).toEqual([]);
    expect(await store.countOlderThan(CUTOFF)).toBe(0);
  });

  it('undo: saving what was removed brings every one back', async () => {
    const { ancient } = await seed();
    const removed = await store.removeOlderThan(CUTOFF);
    await store.saveMany(removed);
    expect(await store.count()).toBe(6);
    expect(await store.get(ancient.id)).toEqual(ancient);
    expect((await store.search('ancient')).map((hit) => hit.summary.id)).toEqual([ancient.id]);
  });

  it('nothing older: nothing removed; an empty store is fine', async () => {
    await seed();
    expect(await store.removeOlderThan(NOW - 1_000 * DAY)).toEqual([]);
    expect(await store.count()).toBe(6);
    store.close();
    store = await open();
    expect(await store.countOlderThan(NOW)).toBe(0);
    expect(await store.removeOlderThan(NOW)).toEqual([]);
  });
});
