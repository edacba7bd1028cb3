import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';

// The item is defined (and migrated) when preferences.ts is first imported, as when the
// panel opens: each test seeds storage, then imports fresh modules.
async function start() {
  vi.resetModules();
  const preferences = await import('../../src/storage/preferences.ts');
  const { takeStorageProblems } = await import('../../src/storage/item.ts');
  return { ...preferences, takeStorageProblems };
}

const local = async () => fakeBrowser.storage.local.get<Record<string, unknown>>(null);

beforeEach(() => {
  fakeBrowser.reset();
});

describe('preferences', () => {
  it('are the defaults when nothing is stored: the browser’s language, the system theme, the default size', async () => {
    const { loadPreferences } = await start();
    expect(await loadPreferences()).toEqual({ language: 'auto', theme: 'system', fontSize: 'default' });
    expect(await local()).toEqual({});
  });

  it('version 1 (the language alone) keeps its language and gains the default theme and size', async () => {
    await fakeBrowser.storage.local.set({ preferences: { language: 'zh_CN' } });
    const { loadPreferences, takeStorageProblems } = await start();
    expect(await loadPreferences()).toEqual({ language: 'zh_CN', theme: 'system', fontSize: 'default' });
    expect(await local()).toEqual({
      preferences: { language: 'zh_CN', theme: 'system', fontSize: 'default' },
      preferences$: { v: 2 },
    });
    expect(takeStorageProblems()).toEqual([]);
  });

  it('version 1 with a language this version does not know reads as the browser’s language', async () => {
    await fakeBrowser.storage.local.set({ preferences: { language: 'fr' } });
    const { loadPreferences } = await start();
    expect(await loadPreferences()).toEqual({ language: 'auto', theme: 'system', fontSize: 'default' });
  });

  it('an unknown theme or size falls back to its default alone, keeping the other fields', async () => {
    await fakeBrowser.storage.local.set({
      preferences: { language: 'en', theme: 'sepia', fontSize: 'huge' },
      preferences$: { v: 2 },
    });
    const { loadPreferences } = await start();
    expect(await loadPreferences()).toEqual({ language: 'en', theme: 'system', fontSize: 'default' });

    await fakeBrowser.storage.local.set({ preferences: { language: 'en', theme: 'dark', fontSize: 7 } });
    expect(await loadPreferences()).toEqual({ language: 'en', theme: 'dark', fontSize: 'default' });
  });

  it('junk is reset to the defaults, and the user is told once', async () => {
    await fakeBrowser.storage.local.set({ preferences: 'junk' });
    const { loadPreferences, takeStorageProblems } = await start();
    expect(await loadPreferences()).toEqual({ language: 'auto', theme: 'system', fontSize: 'default' });
    expect(takeStorageProblems()).toEqual([{ code: 'storage-reset', params: { item: 'preferences' } }]);
  });

  it('saving one preference keeps the others', async () => {
    const { loadPreferences, saveLanguage, savePreferences } = await start();
    await saveLanguage('zh_CN');
    await savePreferences({ theme: 'dark' });
    await savePreferences({ fontSize: 'large' });
    expect(await loadPreferences()).toEqual({ language: 'zh_CN', theme: 'dark', fontSize: 'large' });
  });

  it('quick saves one after another all land (none overwrites another with what it read)', async () => {
    const { loadPreferences, saveLanguage, savePreferences } = await start();
    await Promise.all([savePreferences({ theme: 'light' }), savePreferences({ fontSize: 'small' }), saveLanguage('en')]);
    expect(await loadPreferences()).toEqual({ language: 'en', theme: 'light', fontSize: 'small' });
  });

  it('a value outside the choices is saved as the default (the schema’s fallback), and the next save still works', async () => {
    const { loadPreferences, savePreferences } = await start();
    await savePreferences({ theme: 'sepia' as never });
    expect(await loadPreferences()).toEqual({ language: 'auto', theme: 'system', fontSize: 'default' });
    await savePreferences({ theme: 'dark' });
    expect((await loadPreferences()).theme).toBe('dark');
  });

  it('a save that fails does not stop the ones after it', async () => {
    const { loadPreferences, savePreferences } = await start();
    const set = vi.spyOn(fakeBrowser.storage.local, 'set').mockRejectedValueOnce(new Error('quota'));
    const first = savePreferences({ theme: 'dark' });
    const second = savePreferences({ fontSize: 'large' });
    await expect(first).rejects.toThrow('quota');
    await second;
    set.mockRestore();
    expect(await loadPreferences()).toEqual({ language: 'auto', theme: 'system', fontSize: 'large' });
  });
});
