import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openHistory, type HistoryStore } from '../../../src/storage/history/db.ts';
import { allConversations, renameConversation, setConversationPinned } from '../../../src/storage/history/edits.ts';
import { MAX_TITLE_CHARS, newConversationId, type HistoryConversation } from '../../../src/storage/history/schema.ts';

let store: HistoryStore;
const at = 1_700_000_000_000;
const c = (n: number): HistoryConversation => ({
  version: 1,
  id: newConversationId(at + n),
  createdAt: at + n,
  updatedAt: at + n,
  pinned: false,
  turns: [
    { role: 'user', text: `Question ${n}` },
    { role: 'assistant', requestId: `r${n}`, text: `Answer ${n}`, status: 'complete' },
  ],
});

beforeEach(async () => {
  store = await openHistory(`test-edits-${Math.random()}`);
});
afterEach(() => store.close());

describe('history edits', () => {
  it('rename sets the title the list and search use, and keeps the time', async () => {
    const one = c(1);
    await store.save(one);
    await renameConversation(store, one.id, '  Zebra   notes ');
    expect(await store.get(one.id)).toEqual({ ...one, title: 'Zebra notes' });
    expect((await store.list())[0]).toMatchObject({ title: 'Zebra notes', updatedAt: one.updatedAt });
    expect((await store.search('zebra')).map((hit) => hit.summary.id)).toEqual([one.id]);
  });

  it('an empty title gives back the first question; a long one is cut', async () => {
    const one = { ...c(1), title: 'Old' };
    await store.save(one);
    await renameConversation(store, one.id, '   ');
    expect((await store.get(one.id))?.title).toBeUndefined();
    expect((await store.list())[0]?.title).toBe('Question 1');
    await renameConversation(store, one.id, 'x'.repeat(500));
    expect((await store.get(one.id))?.title).toHaveLength(MAX_TITLE_CHARS);
  });

  it('pin puts a conversation first, unpin puts it back in time order', async () => {
    const [one, two] = [c(1), c(2)];
    await store.saveMany([one, two]);
    await setConversationPinned(store, one.id, true);
    expect((await store.list()).map((row) => row.id)).toEqual([one.id, two.id]);
    await setConversationPinned(store, one.id, false);
    expect((await store.list()).map((row) => row.id)).toEqual([two.id, one.id]);
  });

  it('edits to a conversation that is gone do nothing', async () => {
    expect(await renameConversation(store, 'missing', 'x')).toBeNull();
    expect(await setConversationPinned(store, 'missing', true)).toBeNull();
    expect(await store.count()).toBe(0);
  });

  it('allConversations reads every one whole, past the list’s default limit', async () => {
    await store.saveMany(Array.from({ length: 250 }, (_, i) => c(i)));
    expect(await allConversations(store)).toHaveLength(250);
  });
});
