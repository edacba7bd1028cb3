import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';

async function start() {
  vi.resetModules();
  const keys = await import('../../src/storage/keys.ts');
  const { takeStorageProblems } = await import('../../src/storage/item.ts');
  return { ...keys, takeStorageProblems };
}

const local = async () => fakeBrowser.storage.local.get<Record<string, unknown>>(null);

beforeEach(() => {
  fakeBrowser.reset();
});

describe('API keys', () => {
  it('are "" until saved', async () => {
    const { loadApiKey, providersWithKey } = await start();
    expect(await loadApiKey('anthropic')).toBe('');
    expect(await providersWithKey()).toEqual([]);
  });

  it('are kept one per provider', async () => {
    const { loadApiKey, saveApiKey, providersWithKey } = await start();
    await saveApiKey('sk-openai', 'openai');
    await saveApiKey('sk-ant', 'anthropic');
    await saveApiKey('sk-ds', 'deepseek');
    expect(await loadApiKey('anthropic')).toBe('sk-ant');
    expect(await loadApiKey('openai')).toBe('sk-openai');
    expect(await loadApiKey('deepseek')).toBe('sk-ds');
    expect(await loadApiKey('groq')).toBe('');
    // In PROVIDER_IDS order, not the order saved.
    expect(await providersWithKey()).toEqual(['anthropic', 'openai', 'deepseek']);
    await saveApiKey('sk-openai-2', 'openai');
    expect(await loadApiKey('openai')).toBe('sk-openai-2');
    expect(await loadApiKey('anthropic')).toBe('sk-ant');
  });

  it('"" forgets that provider\'s key only', async () => {
    const { loadApiKey, saveApiKey, providersWithKey } = await start();
    await saveApiKey('sk-openai', 'openai');
    await saveApiKey('sk-ant', 'anthropic');
    await saveApiKey('', 'openai');
    expect(await loadApiKey('openai')).toBe('');
    expect(await loadApiKey('anthropic')).toBe('sk-ant');
    expect(await providersWithKey()).toEqual(['anthropic']);
    await saveApiKey('', 'anthropic');
    expect(await providersWithKey()).toEqual([]);
    expect(JSON.stringify(await local())).not.toContain('sk-');
  });

  it('are stored in storage.local only, never in storage.sync, and not with the settings', async () => {
    const { saveApiKey } = await start();
    await saveApiKey('sk-ant-SECRET-123', 'anthropic');
    expect((await local()).apiKeys).toEqual({ anthropic: 'sk-ant-SECRET-123' });
    expect(JSON.stringify((await local()).settings ?? null)).not.toContain('SECRET');
    expect(await fakeBrowser.storage.sync.get(null)).toEqual({});
    expect(await fakeBrowser.storage.session.get(null)).toEqual({});
  });

  it('read keys stored before the item had a version', async () => {
    await fakeBrowser.storage.local.set({ apiKeys: { anthropic: 'sk-ant', openai: 'sk-openai' } });
    const { loadApiKey, providersWithKey, takeStorageProblems } = await start();
    expect(await loadApiKey('openai')).toBe('sk-openai');
    expect(await providersWithKey()).toEqual(['anthropic', 'openai']);
    expect(takeStorageProblems()).toEqual([]);
  });

  it('keep a key of a provider this version does not know', async () => {
    await fakeBrowser.storage.local.set({ apiKeys: { anthropic: 'sk-ant', 'future-ai': 'sk-future' } });
    const { loadApiKey, saveApiKey, providersWithKey } = await start();
    expect(await providersWithKey()).toEqual(['anthropic']);
    await saveApiKey('sk-openai', 'openai');
    expect(await loadApiKey('anthropic')).toBe('sk-ant');
    expect((await local()).apiKeys).toEqual({ anthropic: 'sk-ant', 'future-ai': 'sk-future', openai: 'sk-openai' });
  });

  it('a corrupt keys item reads as no keys, with one storage-reset problem', async () => {
    await fakeBrowser.storage.local.set({ apiKeys: { anthropic: 42 } });
    const { loadApiKey, providersWithKey, takeStorageProblems } = await start();
    expect(await loadApiKey('anthropic')).toBe('');
    expect(await providersWithKey()).toEqual([]);
    expect(takeStorageProblems()).toEqual([{ code: 'storage-reset', params: { item: 'apiKeys' } }]);
  });

  it('a save while storage cannot be read fails and leaves the other keys as they are', async () => {
    const { saveApiKey } = await start();
    await fakeBrowser.storage.local.set({ apiKeys: { openai: 'sk-openai', anthropic: 'sk-ant' } });
    const get = fakeBrowser.storage.local.get;
    fakeBrowser.storage.local.get = () => Promise.reject(new Error('storage is broken'));
    try {
      await expect(saveApiKey('sk-new', 'groq')).rejects.toThrow('storage is broken');
    } finally {
      fakeBrowser.storage.local.get = get;
    }
    expect((await local()).apiKeys).toEqual({ openai: 'sk-openai', anthropic: 'sk-ant' });
  });

  it('refuses a key over the length limit', async () => {
    const { saveApiKey, loadApiKey } = await start();
    await expect(saveApiKey('k'.repeat(1_001), 'openai')).rejects.toThrow(/local:apiKeys/);
    expect(await loadApiKey('openai')).toBe('');
  });
});
