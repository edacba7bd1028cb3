import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';

// The item is defined when compare.ts is first imported: each test seeds storage, then imports fresh modules.
async function start() {
  vi.resetModules();
  const compare = await import('../../src/storage/compare.ts');
  const { takeStorageProblems } = await import('../../src/storage/item.ts');
  return { ...compare, takeStorageProblems };
}

beforeEach(() => {
  fakeBrowser.reset();
});

describe('the second model of a comparison', () => {
  it('is none until one is saved, then is read back as saved, versioned', async () => {
    const { loadCompareChoice, saveCompareChoice } = await start();
    expect(await loadCompareChoice()).toBeNull();
    const choice = { provider: 'ollama', model: 'llama3.2', baseUrl: 'http://192.168.1.20:11434/v1' } as const;
    await saveCompareChoice(choice);
    expect(await (await start()).loadCompareChoice()).toEqual(choice);
    const stored = await fakeBrowser.storage.local.get<Record<string, unknown>>(null);
    expect(stored.compareChoice).toEqual(choice);
    expect(stored.compareChoice$).toEqual({ v: 1 });
  });

  it('something unusable reads as none, silently, and is dropped', async () => {
    await fakeBrowser.storage.local.set({ compareChoice: { provider: 'skynet', model: 1 }, compareChoice$: { v: 1 } });
    const { loadCompareChoice, takeStorageProblems } = await start();
    expect(await loadCompareChoice()).toBeNull();
    expect(takeStorageProblems()).toEqual([]);
    expect((await fakeBrowser.storage.local.get<Record<string, unknown>>(null)).compareChoice).toBeUndefined();
  });

  it('refuses to write a choice the schema does not allow', async () => {
    const { saveCompareChoice } = await start();
    await expect(saveCompareChoice({ provider: 'openai', model: 'x'.repeat(201), baseUrl: '' })).rejects.toThrow();
  });
});
