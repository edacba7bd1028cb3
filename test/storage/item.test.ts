import * as v from 'valibot';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { storage } from 'wxt/utils/storage';
import { defineVersionedItem, takeStorageProblems } from '../../src/storage/item.ts';

// Version 3 of a made-up item: v1 was { n }, v2 added `label`, v3 renamed n to count.
const ThingSchema = v.object({ count: v.pipe(v.number(), v.integer()), label: v.string() });
type Thing = v.InferOutput<typeof ThingSchema>;
const FALLBACK: Thing = { count: 0, label: 'none' };

function defineThing(
  migrations = {
    2: vi.fn((old: { n: number }) => ({ ...old, label: 'migrated' })),
    3: vi.fn(({ n, label }: { n: number; label: string }) => ({ count: n, label })),
  },
) {
  const item = defineVersionedItem({ key: 'local:thing', version: 3, schema: ThingSchema, fallback: FALLBACK, migrations });
  return { item, migrations };
}

const stored = async () => fakeBrowser.storage.local.get<Record<string, unknown>>(null);

beforeEach(() => {
  fakeBrowser.reset();
  takeStorageProblems();
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('defineVersionedItem', () => {
  it('gives a copy of the fallback when nothing is stored, and writes nothing', async () => {
    const { item, migrations } = defineThing();
    const value = await item.getValue();
    expect(value).toEqual(FALLBACK);
    value.count = 99;
    expect(await item.getValue()).toEqual(FALLBACK);
    expect(await stored()).toEqual({});
    expect(migrations[2]).not.toHaveBeenCalled();
    expect(takeStorageProblems()).toEqual([]);
  });

  it('runs each migration once, in order, and stamps the version', async () => {
    await fakeBrowser.storage.local.set({ thing: { n: 7 } });
    const { item, migrations } = defineThing();
    expect(await item.getValue()).toEqual({ count: 7, label: 'migrated' });
    expect(await item.getValue()).toEqual({ count: 7, label: 'migrated' });
    expect(migrations[2]).toHaveBeenCalledTimes(1);
    expect(migrations[2]).toHaveBeenCalledWith({ n: 7 });
    expect(migrations[3]).toHaveBeenCalledTimes(1);
    expect(migrations[3]).toHaveBeenCalledWith({ n: 7, label: 'migrated' });
    expect(await stored()).toEqual({ thing: { count: 7, label: 'migrated' }, thing$: { v: 3 } });
    expect(await storage.getMeta('local:thing')).toEqual({ v: 3 });

    // The next start of the extension defines the item again: nothing left to migrate.
    const again = defineThing();
    expect(await again.item.getValue()).toEqual({ count: 7, label: 'migrated' });
    expect(again.migrations[2]).not.toHaveBeenCalled();
    expect(again.migrations[3]).not.toHaveBeenCalled();
    expect(takeStorageProblems()).toEqual([]);
  });

  it('runs only the migrations after the stored version', async () => {
    await fakeBrowser.storage.local.set({ thing: { n: 2, label: 'kept' }, thing$: { v: 2 } });
    const { item, migrations } = defineThing();
    expect(await item.getValue()).toEqual({ count: 2, label: 'kept' });
    expect(migrations[2]).not.toHaveBeenCalled();
    expect(migrations[3]).toHaveBeenCalledTimes(1);
  });

  it('stamps the current version on the first write, and reads what it wrote', async () => {
    const { item } = defineThing();
    await item.setValue({ count: 1, label: 'one' });
    expect(await stored()).toEqual({ thing: { count: 1, label: 'one' }, thing$: { v: 3 } });
    expect(await item.getValue()).toEqual({ count: 1, label: 'one' });
    // A later start does not take it for version 1.
    const again = defineThing();
    expect(await again.item.getValue()).toEqual({ count: 1, label: 'one' });
    expect(again.migrations[2]).not.toHaveBeenCalled();
  });

  it('stores only what the schema knows (unknown fields are dropped)', async () => {
    const { item } = defineThing();
    await item.setValue({ count: 1, label: 'one', extra: 'x' } as Thing);
    expect((await stored()).thing).toEqual({ count: 1, label: 'one' });
  });

  it.each([
    ['a value of the wrong shape', { count: 'seven', label: 'x' }],
    ['a string', 'garbage'],
    ['a number', 42],
    ['an array', [1, 2, 3]],
    ['a value of a later, unknown format', { total: 3 }],
  ])('replaces %s with the fallback and records exactly one storage-reset problem', async (_, junk) => {
    await fakeBrowser.storage.local.set({ thing: junk, thing$: { v: 3 } });
    const { item } = defineThing();
    expect(await item.getValue()).toEqual(FALLBACK);
    expect(await item.getValue()).toEqual(FALLBACK);
    expect(takeStorageProblems()).toEqual([{ code: 'storage-reset', params: { item: 'thing' } }]);
    expect(takeStorageProblems()).toEqual([]);
    // Reset: the junk is gone, the version stays, and the next write is read back.
    expect(await stored()).toEqual({ thing$: { v: 3 } });
    await item.setValue({ count: 5, label: 'five' });
    expect(await defineThing().item.getValue()).toEqual({ count: 5, label: 'five' });
    expect(takeStorageProblems()).toEqual([]);
  });

  it('replaces an unversioned value that no migration can turn into the current format', async () => {
    await fakeBrowser.storage.local.set({ thing: 'garbage' });
    const { item } = defineThing();
    expect(await item.getValue()).toEqual(FALLBACK);
    expect(takeStorageProblems()).toEqual([{ code: 'storage-reset', params: { item: 'thing' } }]);
  });

  it('gives the fallback and one problem when a migration throws', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    await fakeBrowser.storage.local.set({ thing: { n: 7 } });
    const failing = vi.fn(() => {
      throw new Error('cannot migrate');
    });
    const { item } = defineThing({ 2: vi.fn((old: { n: number }) => ({ ...old, label: 'migrated' })), 3: failing });
    expect(await item.getValue()).toEqual(FALLBACK);
    expect(await item.getValue()).toEqual(FALLBACK);
    expect(takeStorageProblems()).toEqual([{ code: 'storage-reset', params: { item: 'thing' } }]);
    expect(await stored()).toEqual({ thing$: { v: 3 } });
    expect(logged).toHaveBeenCalled(); // WXT logs the failed start-up migration
  });

  it('does not take an unmigrated value that happens to match the schema when its migration threw', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const Schema = v.object({ n: v.number() });
    await fakeBrowser.storage.local.set({ same: { n: 1 } });
    const item = defineVersionedItem({
      key: 'local:same',
      version: 2,
      schema: Schema,
      fallback: { n: 0 },
      migrations: {
        2: () => {
          throw new Error('no');
        },
      },
    });
    expect(await item.getValue()).toEqual({ n: 0 });
    expect(takeStorageProblems()).toEqual([{ code: 'storage-reset', params: { item: 'same' } }]);
  });

  it('gives the fallback and a problem when storage cannot be read, and keeps the stored value', async () => {
    await fakeBrowser.storage.local.set({ thing: { n: 7 } });
    const { item } = defineThing();
    expect(await item.getValue()).toEqual({ count: 7, label: 'migrated' });
    const get = fakeBrowser.storage.local.get;
    fakeBrowser.storage.local.get = () => Promise.reject(new Error('storage is broken'));
    try {
      await expect(item.getValue()).resolves.toEqual(FALLBACK);
      await expect(item.getValue()).resolves.toEqual(FALLBACK);
    } finally {
      fakeBrowser.storage.local.get = get;
    }
    expect(takeStorageProblems()).toEqual([{ code: 'storage-reset', params: { item: 'thing' } }]);
    // Nothing was lost: once storage answers again, so does the item.
    expect(await item.getValue()).toEqual({ count: 7, label: 'migrated' });
    expect(takeStorageProblems()).toEqual([]);
  });

  it('migrates a value its start-up migration could not read, once storage answers', async () => {
    await fakeBrowser.storage.local.set({ thing: { n: 7 } });
    const { item, migrations } = defineThing();
    expect(await item.getValue()).toEqual({ count: 7, label: 'migrated' });
    // As if storage had failed while WXT migrated at start-up: still version 1 on disk.
    await fakeBrowser.storage.local.set({ thing: { n: 8 } });
    await fakeBrowser.storage.local.remove('thing$');
    expect(await item.getValue()).toEqual({ count: 8, label: 'migrated' });
    expect(migrations[2]).toHaveBeenCalledTimes(2);
    expect(await storage.getMeta('local:thing')).toEqual({ v: 3 });
    expect(takeStorageProblems()).toEqual([]);
  });

  it('refuses to write a value that does not match the schema, and leaves storage as it was', async () => {
    const { item } = defineThing();
    await item.setValue({ count: 1, label: 'one' });
    await expect(item.setValue({ count: 1.5, label: 'x' })).rejects.toThrow(
      /Refused to store an invalid value in local:thing: [\s\S]*count/,
    );
    await expect(item.setValue('junk' as unknown as Thing)).rejects.toThrow(/Refused to store an invalid value in local:thing/);
    expect((await stored()).thing).toEqual({ count: 1, label: 'one' });
  });

  it('removes the value (the fallback again), keeping the version', async () => {
    const { item } = defineThing();
    await item.setValue({ count: 1, label: 'one' });
    await item.removeValue();
    expect(await item.getValue()).toEqual(FALLBACK);
    expect(await stored()).toEqual({ thing$: { v: 3 } });
  });

  it('records one problem per item, by name without the area', async () => {
    await fakeBrowser.storage.local.set({ thing: 'junk', other: 'junk' });
    const { item } = defineThing();
    const other = defineVersionedItem({ key: 'local:other', version: 1, schema: ThingSchema, fallback: FALLBACK });
    await item.getValue();
    await other.getValue();
    await item.getValue();
    expect(takeStorageProblems()).toEqual([
      { code: 'storage-reset', params: { item: 'thing' } },
      { code: 'storage-reset', params: { item: 'other' } },
    ]);
  });

  it('resets scratch data quietly when told not to report it', async () => {
    await fakeBrowser.storage.session.set({ scratch: 'junk' });
    const scratch = defineVersionedItem({
      key: 'session:scratch',
      version: 1,
      schema: ThingSchema,
      fallback: FALLBACK,
      reportProblems: false,
    });
    expect(await scratch.getValue()).toEqual(FALLBACK);
    expect(takeStorageProblems()).toEqual([]);
  });

  it('refuses a definition that cannot work', () => {
    expect(() => defineVersionedItem({ key: 'local:x', version: 0, schema: ThingSchema, fallback: FALLBACK })).toThrow(/version/);
    expect(() =>
      defineVersionedItem({ key: 'local:x', version: 2, schema: ThingSchema, fallback: FALLBACK, migrations: { 3: () => ({}) } }),
    ).toThrow(/migration to version 3/);
    expect(() =>
      defineVersionedItem({ key: 'local:x', version: 2, schema: ThingSchema, fallback: FALLBACK, migrations: { 1: () => ({}) } }),
    ).toThrow(/migration to version 1/);
    expect(() =>
      defineVersionedItem({ key: 'local:x', version: 1, schema: ThingSchema, fallback: { count: 'no' } as unknown as Thing }),
    ).toThrow(/fallback/);
  });
});
