import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cutBody, detailsBytes, openDetails, type DetailsStore } from '../../../src/storage/details/db.ts';
import type { StreamDetails } from '../../../src/messaging/protocol.ts';
import { MAX_KEPT_DETAILS } from '../../../src/shared/limits.ts';

let name: string;
const opened: DetailsStore[] = [];
let clock = 1_800_000_000_000;

async function open(limits: Parameters<typeof openDetails>[1] = {}): Promise<DetailsStore> {
  const store = await openDetails(name, limits);
  opened.push(store);
  return store;
}

function details(sse: string, extra: Partial<StreamDetails> = {}): StreamDetails {
  return {
    request: { url: 'https://api.anthropic.com/v1/messages', method: 'POST', headers: [['x-api-key', '$ASIDE_API_KEY']], body: '{}' },
    events: [{ atMs: 12, event: 'message_start', data: '{}', id: '' }],
    eventsDropped: 0,
    sse,
    sseBytesDropped: 0,
    gaps: [3, 4],
    customReading: null,
    ...extra,
  };
}

const put = (store: DetailsStore, requestId: string, d: StreamDetails = details(`data: ${requestId}\n\n`), conversationId = 'c1') =>
  store.put({ requestId, conversationId, finishedAt: (clock += 1_000), details: d });

beforeEach(() => {
  name = `test-details-${Math.random()}`;
});
afterEach(() => {
  for (const store of opened.splice(0)) store.close();
});

describe('stream details on disk', () => {
  it('reads an answer back after a restart (a new connection to the same database)', async () => {
    const first = await open();
    const d = details('event: message_start\ndata: {}\n\n');
    expect(await put(first, 'r1', d)).toBe(true);
    first.close();
    const second = await open();
    expect(await second.get('r1')).toEqual({ version: 1, requestId: 'r1', conversationId: 'c1', finishedAt: clock, details: d });
    expect(await second.get('r2')).toBeNull();
  });

  it(`keeps the last ${MAX_KEPT_DETAILS} answers, evicting the oldest first`, async () => {
    const store = await open();
    for (let i = 0; i <= MAX_KEPT_DETAILS; i++) await put(store, `r${i}`);
    const ids = (await store.entries()).map((entry) => entry.requestId);
    expect(ids).toHaveLength(MAX_KEPT_DETAILS);
    expect(ids[0]).toBe('r1');
    expect(ids.at(-1)).toBe(`r${MAX_KEPT_DETAILS}`);
    expect(await store.get('r0')).toBeNull();
    expect(await store.get('r1')).not.toBeNull();
  });

  it('keeps within the byte budget, evicting the oldest until the newest fits', async () => {
    const d = details('x'.repeat(1_000));
    const each = detailsBytes(d);
    const store = await open({ maxBytes: each * 3 + 10 });
    for (const id of ['a', 'b', 'c']) await put(store, id, d);
    expect((await store.entries()).map((entry) => entry.requestId)).toEqual(['a', 'b', 'c']);
    // One twice the size: the two oldest make room for it.
    const big = details('y'.repeat(2_000));
    expect(await put(store, 'd', big)).toBe(true);
    expect((await store.entries()).map((entry) => entry.requestId)).toEqual(['c', 'd']);
    expect(await store.get('a')).toBeNull();
    expect((await store.get('d'))?.details.sse).toBe(big.sse);
  });

  it('refuses an answer alone over the budget, and keeps the others', async () => {
    const store = await open({ maxBytes: 2_000, maxSseBytes: 1_000_000 });
    await put(store, 'small');
    expect(await put(store, 'huge', details('z'.repeat(5_000)))).toBe(false);
    expect((await store.entries()).map((entry) => entry.requestId)).toEqual(['small']);
  });

  it('counts non-Latin-1 text at two bytes a character, as the browser stores it', () => {
    const latin = details('é'.repeat(1_000));
    const wide = details('中'.repeat(1_000));
    expect(detailsBytes(wide) - detailsBytes(latin)).toBe(1_000);
  });

  it('stores a body over the cap cut to its start, at a character boundary, with the rest counted as dropped', async () => {
    const store = await open({ maxSseBytes: 10 });
    // 'ab' then three-byte characters: byte 10 falls inside the fourth one.
    const sse = 'ab' + '中'.repeat(5); // 2 + 15 bytes
    await put(store, 'r1', details(sse, { sseBytesDropped: 4 }));
    const stored = (await store.get('r1'))!.details;
    expect(stored.sse).toBe('ab中中');
    expect(new TextEncoder().encode(stored.sse).byteLength).toBe(8);
    expect(stored.sseBytesDropped).toBe(4 + 9);
    // Under the cap: kept whole.
    expect(cutBody(details('short'), 10).sse).toBe('short');
  });

  it('replaces an answer stored again (Continue) without counting it twice', async () => {
    const store = await open({ maxAnswers: 2 });
    await put(store, 'r1');
    await put(store, 'r2');
    await put(store, 'r1', details('data: again\n\n'));
    expect((await store.entries()).map((entry) => entry.requestId)).toEqual(['r2', 'r1']);
    expect((await store.get('r1'))?.details.sse).toBe('data: again\n\n');
  });

  it('deletes answers by request id, from both stores', async () => {
    const store = await open();
    await put(store, 'r1', undefined, 'c1');
    await put(store, 'r2', undefined, 'c2');
    await store.remove(['r1']);
    expect(await store.get('r1')).toBeNull();
    expect((await store.entries()).map((entry) => [entry.requestId, entry.conversationId])).toEqual([['r2', 'c2']]);
  });

  it('reads a record of another format as missing', async () => {
    const store = await open();
    await put(store, 'r1');
    store.close();
    await new Promise<void>((resolve, reject) => {
      const request = indexedDB.open(name, 1);
      request.onsuccess = () => {
        const db = request.result;
        const tx = db.transaction('details', 'readwrite');
        tx.objectStore('details').put({ version: 99, requestId: 'r1', details: {} });
        tx.oncomplete = () => {
          db.close();
          resolve();
        };
        tx.onerror = () => reject(tx.error ?? new Error('write failed'));
      };
    });
    expect(await (await open()).get('r1')).toBeNull();
  });
});
