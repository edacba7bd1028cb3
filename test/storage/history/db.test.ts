import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openHistory, storedRecords, type HistoryStore } from '../../../src/storage/history/db.ts';
import { newConversationId, type HistoryConversation } from '../../../src/storage/history/schema.ts';

let store: HistoryStore;
let dbName: string;
let clock = 1_700_000_000_000;

function conversation(question: string, answer: string, extra: Partial<HistoryConversation> = {}): HistoryConversation {
  clock += 1_000;
  return {
    version: 1,
    id: newConversationId(clock),
    createdAt: clock,
    updatedAt: clock,
    pinned: false,
    turns: [
      { role: 'user', text: question },
      { role: 'assistant', requestId: `r${clock}`, text: answer, status: 'complete' },
    ],
    ...extra,
  };
}

beforeEach(async () => {
  dbName = `test-history-${Math.random()}`;
  store = await openHistory(dbName);
});
afterEach(() => store.close());

describe('history store', () => {
  it('saves and reads a conversation back whole, with its summary in the list', async () => {
    const c = conversation('What do foxes eat?', 'Foxes eat **almost anything**.', {
      page: { title: 'Foxes', url: 'https://e.test/f' },
    });
    await store.save(c);
    expect(await store.get(c.id)).toEqual(c);
    const [row] = await store.list();
    expect(row).toMatchObject({ id: c.id, title: 'What do foxes eat?', preview: 'Foxes eat **almost anything**.', turnCount: 2 });
    expect(row!.page).toEqual({ title: 'Foxes', url: 'https://e.test/f' });
  });

  it('lists the same rows where the browser cannot read an index backwards in one request (a cursor instead)', async () => {
    for (let i = 0; i < 5; i++) await store.save(conversation(`Question ${i}`, `Answer ${i}`, { pinned: i === 1 }));
    const fast = await store.list({ limit: 3 });
    const descriptor = Object.getOwnPropertyDescriptor(IDBIndex.prototype, 'getAllRecords')!;
    expect(descriptor).toBeDefined(); // fake-indexeddb has it, so the test above took the one-request path
    delete (IDBIndex.prototype as { getAllRecords?: unknown }).getAllRecords;
    try {
      expect(await store.list({ limit: 3 })).toEqual(fast);
      expect((await store.list()).length).toBe(5);
    } finally {
      Object.defineProperty(IDBIndex.prototype, 'getAllRecords', descriptor);
    }
    expect(fast[0]!.title).toBe('Question 1');
    expect(fast.slice(1).map((row) => row.title)).toEqual(['Question 4', 'Question 3']);
  });

  it('lists pinned conversations first, then the most recently updated', async () => {
    const a = conversation('a', 'x');
    const b = conversation('b', 'x');
    const c = conversation('c', 'x');
    for (const item of [a, b, c]) await store.save(item);
    await store.save({ ...a, pinned: true });
    await store.save({ ...b, updatedAt: clock + 10_000 });
    expect((await store.list()).map((row) => row.title)).toEqual(['a', 'b', 'c']);
    expect((await store.list({ limit: 2 })).map((row) => row.title)).toEqual(['a', 'b']);
  });

  it('finds a word from an old answer, every word of a query, and a prefix of the last one', async () => {
    const old = conversation('Tell me about rivers', 'The Danube flows through ten countries.');
    const other = conversation('Mountains?', 'The Alps are in Europe.');
    await store.save(old);
    await store.save(other);
    expect((await store.search('danube')).map((hit) => hit.summary.id)).toEqual([old.id]);
    expect((await store.search('DANUBE countries')).map((hit) => hit.summary.id)).toEqual([old.id]);
    expect((await store.search('danube alps')).length).toBe(0);
    expect((await store.search('coun')).map((hit) => hit.summary.id)).toEqual([old.id]);
    // Only the last word is a prefix, and only once it is 3 characters long.
    expect((await store.search('co')).length).toBe(0);
    expect((await store.search('')).length).toBe(0);
  });

  it('finds a common word in many conversations the same whether they are dense or sparse in time', async () => {
    const dense: HistoryConversation[] = [];
    for (let i = 0; i < 80; i++) dense.push(conversation(`Question ${i}`, i % 2 === 0 ? 'A common answer.' : 'Another reply.'));
    const sparse: HistoryConversation[] = [];
    for (let i = 0; i < 40; i++) {
      sparse.push(conversation(`Sparse ${i}`, 'A rarer word: zebra.'));
      for (let j = 0; j < 6; j++) sparse.push(conversation(`Filler ${i}-${j}`, 'Nothing to see.'));
    }
    await store.saveMany([...dense, ...sparse]);
    const common = await store.search('common', { limit: 100 });
    expect(common.map((hit) => hit.summary.id).sort()).toEqual(
      dense
        .filter((_, i) => i % 2 === 0)
        .map((c) => c.id)
        .sort(),
    );
    const zebra = await store.search('zebra', { limit: 100 });
    expect(zebra).toHaveLength(40);
    expect(zebra.every((hit) => hit.summary.title.startsWith('Sparse'))).toBe(true);
  });

  it('ranks a title match above a match in an answer, then newer above older', async () => {
    const inAnswer = conversation('Something else', 'We talked about otters.');
    const inTitle = conversation('Otters and their habits', 'They swim.');
    const newerInAnswer = conversation('Another', 'Otters again.');
    for (const item of [inAnswer, inTitle, newerInAnswer]) await store.save(item);
    expect((await store.search('otters')).map((hit) => hit.summary.id)).toEqual([inTitle.id, newerInAnswer.id, inAnswer.id]);
  });

  it('finds Chinese text by any run of its characters, and accented words without their accents', async () => {
    const zh = conversation('流式解析器怎么工作？', '它逐块读取数据。');
    const fr = conversation('Mon résumé', 'Voilà.');
    await store.save(zh);
    await store.save(fr);
    expect((await store.search('解析')).map((hit) => hit.summary.id)).toEqual([zh.id]);
    expect((await store.search('读取数据')).map((hit) => hit.summary.id)).toEqual([zh.id]);
    expect((await store.search('resume')).map((hit) => hit.summary.id)).toEqual([fr.id]);
    expect((await store.search('résumé')).map((hit) => hit.summary.id)).toEqual([fr.id]);
  });

  it('remove returns what it deleted, for Undo, and saving it again restores it', async () => {
    const c = conversation('Keep me?', 'Maybe.');
    await store.save(c);
    const removed = await store.remove(c.id);
    expect(removed).toEqual(c);
    expect(await store.get(c.id)).toBeNull();
    expect(await store.search('maybe')).toEqual([]);
    expect(await store.count()).toBe(0);
    await store.save(removed!);
    expect(await store.count()).toBe(1);
    expect((await store.search('maybe')).length).toBe(1);
  });

  it('refuses a record that would not read back', async () => {
    const bad = { ...conversation('q', 'a'), turns: 'nope' } as unknown as HistoryConversation;
    await expect(store.save(bad)).rejects.toThrow();
    expect(await store.count()).toBe(0);
  });

  it('a re-save replaces the search words (an answer that changed while streaming)', async () => {
    const c = conversation('Streaming', 'Partial text');
    await store.save(c);
    await store.save({ ...c, turns: [c.turns[0]!, { ...c.turns[1]!, text: 'Partial text, then giraffes.' }] });
    expect((await store.search('giraffes')).length).toBe(1);
    expect(await store.count()).toBe(1);
  });
});

describe('history store: rename, pin and the background turn writer', () => {
  it('rename sets the user title, an empty one goes back to the first question, and search follows', async () => {
    const c = conversation('What do herons eat?', 'Fish.');
    await store.save(c);
    expect((await store.rename(c.id, '  Wading birds  '))?.title).toBe('Wading birds');
    expect((await store.list())[0]!.title).toBe('Wading birds');
    expect((await store.search('wading')).map((hit) => hit.summary.id)).toEqual([c.id]);
    const back = await store.rename(c.id, '   ');
    expect(back && 'title' in back).toBe(false);
    expect((await store.list())[0]!.title).toBe('What do herons eat?');
    expect(await store.search('wading')).toEqual([]);
    expect(await store.rename('missing', 'x')).toBeNull();
  });

  it('setPinned moves a conversation to the top and back', async () => {
    const a = conversation('a', 'x');
    const b = conversation('b', 'x');
    await store.saveMany([a, b]);
    expect((await store.list()).map((row) => row.title)).toEqual(['b', 'a']);
    expect((await store.setPinned(a.id, true))?.pinned).toBe(true);
    expect((await store.list()).map((row) => row.title)).toEqual(['a', 'b']);
    await store.setPinned(a.id, false);
    expect((await store.list()).map((row) => row.title)).toEqual(['b', 'a']);
    expect(await store.setPinned('missing', true)).toBeNull();
  });

  it('saveTurns creates a conversation, then updates turns, time and page, keeping the title and pin', async () => {
    const id = newConversationId(clock);
    const page = { title: 'Herons', url: 'https://e.test/h' };
    const created = await store.saveTurns(id, { turns: [{ role: 'user', text: 'First?' }], updatedAt: 5, createdAt: 4, page });
    expect(created).toMatchObject({ id, createdAt: 4, updatedAt: 5, pinned: false, page });
    await store.rename(id, 'Mine');
    await store.setPinned(id, true);
    const updated = await store.saveTurns(id, {
      turns: [
        { role: 'user', text: 'First?' },
        { role: 'assistant', requestId: 'r1', text: 'Streaming egrets', status: 'streaming' },
      ],
      updatedAt: 9,
    });
    expect(updated).toMatchObject({ title: 'Mine', pinned: true, createdAt: 4, updatedAt: 9, page });
    expect(await store.get(id)).toEqual(updated);
    expect((await store.search('egrets')).map((hit) => hit.summary.id)).toEqual([id]);
  });

  it('a rename issued while turns are being written is not lost (transactions serialize)', async () => {
    const id = newConversationId(clock);
    await store.saveTurns(id, { turns: [{ role: 'user', text: 'q' }], updatedAt: 1 });
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 10; i++) {
      writes.push(
        store.saveTurns(id, {
          turns: [
            { role: 'user', text: 'q' },
            { role: 'assistant', requestId: 'r', text: 'x'.repeat(i), status: 'streaming' },
          ],
          updatedAt: 2 + i,
        }),
      );
      if (i === 4) writes.push(store.rename(id, 'Renamed mid-stream'));
    }
    await Promise.all(writes);
    const final = await store.get(id);
    expect(final?.title).toBe('Renamed mid-stream');
    expect(final?.updatedAt).toBe(11);
  });

  it('saveTurns refuses turns that would not read back and leaves the old record', async () => {
    const c = conversation('q', 'a');
    await store.save(c);
    await expect(store.saveTurns(c.id, { turns: 'nope' as unknown as HistoryConversation['turns'], updatedAt: 1 })).rejects.toThrow();
    expect(await store.get(c.id)).toEqual(c);
  });
});

describe('history database version 1 → 2', () => {
  /** A database as version 1 wrote it: the search words inside each summary, indexed there. */
  async function versionOneDatabase(name: string, conversations: HistoryConversation[]) {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(name, 1);
      request.onupgradeneeded = () => {
        request.result.createObjectStore('conversations', { keyPath: 'id' });
        const summaries = request.result.createObjectStore('summaries', { keyPath: 'id' });
        summaries.createIndex('words', 'words', { multiEntry: true });
        summaries.createIndex('order', ['pinned', 'updatedAt']);
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error ?? new Error('indexedDB.open failed'));
    });
    const tx = db.transaction(['conversations', 'summaries'], 'readwrite');
    for (const c of conversations) {
      const { summary, search } = storedRecords(c);
      tx.objectStore('conversations').put(c);
      tx.objectStore('summaries').put({ ...summary, words: search.words });
    }
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error ?? new Error('transaction failed'));
    });
    db.close();
  }

  it('moves every summary’s search words to the search store: search still finds them, list rows no longer carry them', async () => {
    const name = `test-history-v1-${Math.random()}`;
    const old = [conversation('What do foxes eat?', 'Foxes eat berries.'), conversation('Tides?', 'The moon pulls the sea.')];
    await versionOneDatabase(name, old);
    const migrated = await openHistory(name);
    try {
      expect((await migrated.search('berries')).map((hit) => hit.summary.id)).toEqual([old[0]!.id]);
      expect((await migrated.search('moon')).map((hit) => hit.summary.id)).toEqual([old[1]!.id]);
      const rows = await migrated.list();
      expect(rows.map((row) => row.id).sort()).toEqual(old.map((c) => c.id).sort());
      for (const row of rows) expect(row).not.toHaveProperty('words');
      expect(await migrated.get(old[0]!.id)).toEqual(old[0]);
    } finally {
      migrated.close();
    }
    const raw = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(name);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error ?? new Error('indexedDB.open failed'));
    });
    expect(raw.version).toBe(2);
    expect([...raw.transaction('summaries').objectStore('summaries').indexNames]).toEqual(['order']);
    raw.close();
  });
});

describe('a comparison in history', () => {
  const tag = (model: string, chosen: boolean) => ({ group: 'ra', provider: 'anthropic' as const, model, chosen });

  it('keeps both answers with their tags, their numbers and the choice, and finds both', async () => {
    const metrics = { provider: 'anthropic' as const, model: 'claude-a', ttftMs: 120, totalMs: 900, deltas: 8, gaps: null };
    const c = conversation('Which river is longer?', 'unused', {
      turns: [
        { role: 'user', text: 'Which river is longer?' },
        {
          role: 'assistant',
          requestId: 'ra',
          text: 'The Nile, says alpha.',
          status: 'complete',
          metrics,
          compare: tag('claude-a', false),
        },
        {
          role: 'assistant',
          requestId: 'rb',
          text: 'The Amazon, says beta.',
          status: 'stopped',
          usage: { inputTokens: 12, outputTokens: 5 },
          compare: tag('claude-b', true),
        },
        { role: 'user', text: 'Why?' },
        { role: 'assistant', requestId: 'rc', text: 'Its basin.', status: 'complete' },
      ],
    });
    await store.save(c);
    expect(await store.get(c.id)).toEqual(c);
    expect((await store.search('amazon')).map((hit) => hit.summary.id)).toEqual([c.id]);
    expect((await store.search('nile')).map((hit) => hit.summary.id)).toEqual([c.id]);
  });

  it('an earlier record, without tags, still loads as it was', async () => {
    const c = conversation('Old question', 'Old answer');
    await store.save(c);
    const back = await store.get(c.id);
    expect(back).toEqual(c);
    expect(back!.turns.some((turn) => 'compare' in turn)).toBe(false);
  });

  it('a malformed tag is refused, like any malformed field', async () => {
    const bad = conversation('Q', 'A');
    const turns = [bad.turns[0]!, { ...bad.turns[1]!, compare: { group: 'ra', provider: 'nobody', model: 'm', chosen: true } }];
    await expect(store.save({ ...bad, turns } as unknown as HistoryConversation)).rejects.toThrow();
  });
});
