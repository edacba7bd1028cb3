import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { DEFAULT_ACTION_LIST, type ActionList } from '../../src/shared/actions.ts';

// The item is defined (and migrated, by WXT) when the module is first imported, as when the
// extension starts: each test seeds storage, then imports a fresh module.
async function start() {
  vi.resetModules();
  const actions = await import('../../src/storage/actions.ts');
  const { takeStorageProblems } = await import('../../src/storage/item.ts');
  return { ...actions, takeStorageProblems };
}

const custom = { kind: 'custom', id: 'u-one', name: 'Haiku', template: 'A haiku: {{selection}}', enabled: true } as const;

beforeEach(() => {
  fakeBrowser.reset();
});

describe('the actions item', () => {
  it('with no item (an install from before actions), reads as the built-in actions in order, and writes nothing', async () => {
    const { loadActions, takeStorageProblems } = await start();
    const list = await loadActions();
    expect(list).toEqual(DEFAULT_ACTION_LIST);
    expect(list.entries.map((entry) => entry.id)).toEqual(['summarize', 'explain', 'translate', 'simplify', 'key-points', 'ask']);
    expect(takeStorageProblems()).toEqual([]);
    expect(await fakeBrowser.storage.local.get(null)).toEqual({});
  });

  it('saves and reads back a list with the user’s actions, stamped version 1', async () => {
    const { loadActions, saveActions } = await start();
    const list: ActionList = { entries: [custom, ...DEFAULT_ACTION_LIST.entries], translateTo: 'fr' };
    await saveActions(list);
    expect(await loadActions()).toEqual(list);
    expect(await fakeBrowser.storage.local.get('actions$')).toEqual({ actions$: { v: 1 } });
  });

  it('refuses to write an invalid action', async () => {
    const { saveActions } = await start();
    await expect(saveActions({ entries: [{ ...custom, template: '{{nope}}' }], translateTo: '' })).rejects.toThrow(/Refused/);
  });

  it('resets junk to the defaults and says so once', async () => {
    await fakeBrowser.storage.local.set({ actions: { entries: 'junk' } });
    const { loadActions, takeStorageProblems } = await start();
    expect(await loadActions()).toEqual(DEFAULT_ACTION_LIST);
    expect(takeStorageProblems()).toEqual([{ code: 'storage-reset', params: { item: 'actions' } }]);
  });

  it('tells watchers about a new list', async () => {
    const { saveActions, watchActions } = await start();
    const seen: ActionList[] = [];
    const stop = watchActions((list) => seen.push(list));
    await saveActions({ entries: [custom], translateTo: '' });
    await vi.waitFor(() => expect(seen.at(-1)?.entries[0]).toEqual(custom));
    stop();
  });
});
