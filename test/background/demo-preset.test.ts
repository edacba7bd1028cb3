import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';

// Fresh modules per test, as when the extension starts (the storage items migrate on import).
async function start() {
  vi.resetModules();
  const preset = await import('../../src/background/demo-preset.ts');
  const keys = await import('../../src/storage/keys.ts');
  const settings = await import('../../src/storage/settings.ts');
  return { ...preset, ...keys, ...settings };
}

beforeEach(() => {
  fakeBrowser.reset();
});

describe('presetDemoSettings', () => {
  it('points a first start at the mock with a dummy key', async () => {
    const m = await start();
    await m.presetDemoSettings('http://127.0.0.1:4567');
    expect(await m.loadSettings()).toEqual({
      provider: 'anthropic',
      model: m.DEMO_MODEL,
      baseUrl: 'http://127.0.0.1:4567',
      custom: null,
      modelOptions: {},
    });
    expect(await m.loadApiKey('anthropic')).toBe(m.DEMO_API_KEY);
  });

  it('keeps what the user chose once a key is there', async () => {
    const m = await start();
    await m.saveApiKey('sk-ant-mine', 'anthropic');
    await m.saveSettings({ ...m.DEFAULT_SETTINGS, baseUrl: 'https://proxy.example.com' });
    await m.presetDemoSettings('http://127.0.0.1:4567');
    expect(await m.loadApiKey('anthropic')).toBe('sk-ant-mine');
    expect((await m.loadSettings()).baseUrl).toBe('https://proxy.example.com');
  });
});
