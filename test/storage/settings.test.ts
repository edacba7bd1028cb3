import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { CustomEndpoint, StoredSettings } from '../../src/storage/settings.ts';

// The settings item is defined (and migrated, by WXT) when settings.ts is first imported, as
// when the extension starts: each test seeds storage, then imports fresh modules.
async function start() {
  vi.resetModules();
  const settings = await import('../../src/storage/settings.ts');
  const { takeStorageProblems } = await import('../../src/storage/item.ts');
  return { ...settings, takeStorageProblems };
}

const endpoint: CustomEndpoint = {
  url: 'https://sse.example.com/chat',
  method: 'POST',
  headers: 'Authorization: Bearer {{key}}',
  bodyTemplate: '{"messages": {{messages}}, "stream": true}',
  textPath: 'delta',
  reasoningPath: '',
  textMode: 'delta',
  doneData: '[DONE]',
  eventType: '',
};

const stored = async () => fakeBrowser.storage.local.get<Record<string, unknown>>(null);

beforeEach(() => {
  fakeBrowser.reset();
});

describe('settings', () => {
  it('defaults to the shared default provider and model', async () => {
    const { loadSettings, DEFAULT_SETTINGS, DEFAULT_MODEL, takeStorageProblems } = await start();
    expect(DEFAULT_MODEL).toBe('claude-sonnet-5-5');
    expect(DEFAULT_SETTINGS).toEqual({ provider: 'anthropic', model: DEFAULT_MODEL, baseUrl: '', custom: null });
    expect(await loadSettings()).toEqual(DEFAULT_SETTINGS);
    expect(takeStorageProblems()).toEqual([]);
    expect(await stored()).toEqual({});
  });

  it('round-trips, stamped version 2', async () => {
    const { loadSettings, saveSettings } = await start();
    const settings: StoredSettings = { provider: 'custom-sse', model: '', baseUrl: '', custom: endpoint };
    await saveSettings(settings);
    expect(await loadSettings()).toEqual(settings);
    expect(await stored()).toEqual({ settings, settings$: { v: 2 } });
    const again = await start();
    expect(await again.loadSettings()).toEqual(settings);
  });

  it('a loaded value is a copy: changing it changes nothing stored, nor the defaults', async () => {
    const { loadSettings, DEFAULT_SETTINGS } = await start();
    const loaded = await loadSettings();
    loaded.model = 'changed';
    expect(await loadSettings()).toEqual(DEFAULT_SETTINGS);
    expect(DEFAULT_SETTINGS.model).toBe('claude-sonnet-5-5');
  });

  it('migrates a version 1 object with fields missing, filling them from the defaults', async () => {
    // The first settings object Aside stored: no provider, no custom endpoint, no version.
    await fakeBrowser.storage.local.set({ settings: { model: 'claude-haiku-5-5', baseUrl: 'http://127.0.0.1:8787' } });
    const { loadSettings, takeStorageProblems } = await start();
    const expected = { provider: 'anthropic', model: 'claude-haiku-5-5', baseUrl: 'http://127.0.0.1:8787', custom: null };
    expect(await loadSettings()).toEqual(expected);
    expect(await stored()).toEqual({ settings: expected, settings$: { v: 2 } });
    expect(takeStorageProblems()).toEqual([]);
  });

  it('migrates a complete version 1 object unchanged', async () => {
    const v1: StoredSettings = { provider: 'openai', model: 'gpt-5.4-mini', baseUrl: 'https://proxy.example.com/v1', custom: null };
    await fakeBrowser.storage.local.set({ settings: v1 });
    const { loadSettings } = await start();
    expect(await loadSettings()).toEqual(v1);
  });

  it.each([
    ['a provider Aside does not know', { provider: 'skynet', model: 'm', baseUrl: '', custom: null }],
    ['a model that is not a string', { provider: 'openai', model: 42, baseUrl: '', custom: null }],
    ['a model over the length limit', { provider: 'openai', model: 'm'.repeat(201), baseUrl: '', custom: null }],
    [
      'a custom endpoint with a field missing',
      { provider: 'custom-sse', model: '', baseUrl: '', custom: { url: 'https://x.example' } },
    ],
    ['not an object', 'junk'],
  ])('resets %s to the defaults, with one storage-reset problem', async (_, junk) => {
    await fakeBrowser.storage.local.set({ settings: junk });
    const { loadSettings, DEFAULT_SETTINGS, takeStorageProblems } = await start();
    expect(await loadSettings()).toEqual(DEFAULT_SETTINGS);
    expect(await loadSettings()).toEqual(DEFAULT_SETTINGS);
    expect(takeStorageProblems()).toEqual([{ code: 'storage-reset', params: { item: 'settings' } }]);
  });

  it('refuses to save settings that do not match the schema', async () => {
    const { saveSettings } = await start();
    await expect(saveSettings({ provider: 'nope', model: '', baseUrl: '', custom: null } as unknown as StoredSettings)).rejects.toThrow(
      /local:settings/,
    );
    await expect(saveSettings({ provider: 'openai', model: '', baseUrl: 'h'.repeat(2_001), custom: null })).rejects.toThrow(
      /local:settings/,
    );
    expect(await stored()).toEqual({});
  });

  it('never touches the keys', async () => {
    await fakeBrowser.storage.local.set({ apiKeys: { anthropic: 'sk-ant-SECRET' } });
    const { saveSettings, loadSettings } = await start();
    await saveSettings({ provider: 'openai', model: 'gpt-5.4-mini', baseUrl: '', custom: null });
    expect(JSON.stringify(await loadSettings())).not.toContain('SECRET');
    expect((await stored()).apiKeys).toEqual({ anthropic: 'sk-ant-SECRET' });
  });
});
