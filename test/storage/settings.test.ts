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
  dataMode: 'json',
  textPath: 'delta',
  pattern: '',
  reasoningPath: '',
  textMode: 'delta',
  doneData: '[DONE]',
  eventType: '',
};

/** The endpoint as version 3 and earlier stored it: JSON at a path, no data mode or pattern. */
const { dataMode: _mode, pattern: _pattern, ...endpointV3 } = endpoint;

const stored = async () => fakeBrowser.storage.local.get<Record<string, unknown>>(null);

beforeEach(() => {
  fakeBrowser.reset();
});

describe('settings', () => {
  it('defaults to the shared default provider and model', async () => {
    const { loadSettings, DEFAULT_SETTINGS, DEFAULT_MODEL, takeStorageProblems } = await start();
    expect(DEFAULT_MODEL).toBe('claude-sonnet-5-5');
    expect(DEFAULT_SETTINGS).toEqual({ provider: 'anthropic', model: DEFAULT_MODEL, baseUrl: '', custom: null, modelOptions: {} });
    expect(await loadSettings()).toEqual(DEFAULT_SETTINGS);
    expect(takeStorageProblems()).toEqual([]);
    expect(await stored()).toEqual({});
  });

  it('round-trips, stamped version 4', async () => {
    const { loadSettings, saveSettings } = await start();
    const settings: StoredSettings = { provider: 'custom-sse', model: '', baseUrl: '', custom: endpoint, modelOptions: {} };
    await saveSettings(settings);
    expect(await loadSettings()).toEqual(settings);
    expect(await stored()).toEqual({ settings, settings$: { v: 4 } });
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
    const expected = {
      provider: 'anthropic',
      model: 'claude-haiku-5-5',
      baseUrl: 'http://127.0.0.1:8787',
      custom: null,
      modelOptions: {},
    };
    expect(await loadSettings()).toEqual(expected);
    expect(await stored()).toEqual({ settings: expected, settings$: { v: 4 } });
    expect(takeStorageProblems()).toEqual([]);
  });

  it('migrates a complete version 1 object unchanged, with no model options', async () => {
    const v1 = { provider: 'openai', model: 'gpt-5.4-mini', baseUrl: 'https://proxy.example.com/v1', custom: null };
    await fakeBrowser.storage.local.set({ settings: v1 });
    const { loadSettings } = await start();
    expect(await loadSettings()).toEqual({ ...v1, modelOptions: {} });
  });

  it('migrates version 2 settings to version 4: every provider gets the default model options, the endpoint reads JSON', async () => {
    const v2 = { provider: 'custom-sse', model: '', baseUrl: '', custom: endpointV3 };
    await fakeBrowser.storage.local.set({ settings: v2, settings$: { v: 2 } });
    const { loadSettings, modelOptionsOf, DEFAULT_MODEL_OPTIONS, takeStorageProblems } = await start();
    const settings = await loadSettings();
    const expected = { ...v2, custom: endpoint, modelOptions: {} };
    expect(settings).toEqual(expected);
    expect(await stored()).toEqual({ settings: expected, settings$: { v: 4 } });
    expect(modelOptionsOf(settings.modelOptions, 'anthropic')).toEqual(DEFAULT_MODEL_OPTIONS);
    expect(DEFAULT_MODEL_OPTIONS).toEqual({
      temperature: null,
      maxTokens: 4096,
      systemPrompt: '',
      thinking: false,
      thinkingBudget: 2048,
      reasoningEffort: 'medium',
      extraFields: '',
    });
    expect(takeStorageProblems()).toEqual([]);
  });

  it('migrates version 3 settings to version 4: a custom endpoint reads JSON at its path, with no pattern', async () => {
    const v3 = {
      provider: 'custom-sse',
      model: '',
      baseUrl: '',
      custom: { ...endpointV3, textPath: 'choices.0.delta.content' },
      modelOptions: {},
    };
    await fakeBrowser.storage.local.set({ settings: v3, settings$: { v: 3 } });
    const { loadSettings, takeStorageProblems } = await start();
    const expected = { ...v3, custom: { ...v3.custom, dataMode: 'json', pattern: '' } };
    expect(await loadSettings()).toEqual(expected);
    expect(await stored()).toEqual({ settings: expected, settings$: { v: 4 } });
    expect(takeStorageProblems()).toEqual([]);
  });

  it('migrates version 3 settings without a custom endpoint unchanged', async () => {
    const v3 = { provider: 'openai', model: 'm', baseUrl: '', custom: null, modelOptions: {} };
    await fakeBrowser.storage.local.set({ settings: v3, settings$: { v: 3 } });
    const { loadSettings } = await start();
    expect(await loadSettings()).toEqual(v3);
    expect(await stored()).toEqual({ settings: v3, settings$: { v: 4 } });
  });

  it('keeps each provider’s model options, and a provider without any reads the defaults', async () => {
    const { loadSettings, saveSettings, modelOptionsOf, DEFAULT_MODEL_OPTIONS } = await start();
    const anthropic = {
      ...DEFAULT_MODEL_OPTIONS,
      temperature: 0.3,
      maxTokens: 1000,
      systemPrompt: 'Be brief.',
      extraFields: '{"top_k": 5}',
    };
    const openai = { ...DEFAULT_MODEL_OPTIONS, thinking: true, reasoningEffort: 'high' as const };
    await saveSettings({ provider: 'anthropic', model: 'm', baseUrl: '', custom: null, modelOptions: { anthropic, openai } });
    const again = await start();
    const settings = await again.loadSettings();
    expect(modelOptionsOf(settings.modelOptions, 'anthropic')).toEqual(anthropic);
    expect(modelOptionsOf(settings.modelOptions, 'openai')).toEqual(openai);
    expect(modelOptionsOf(settings.modelOptions, 'gemini')).toEqual(DEFAULT_MODEL_OPTIONS);
    expect(await loadSettings()).toEqual(settings);
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

  const options = {
    temperature: null,
    maxTokens: 4096,
    systemPrompt: '',
    thinking: false,
    thinkingBudget: 2048,
    reasoningEffort: 'medium',
    extraFields: '',
  };
  it.each([
    ['model options of a provider Aside does not know', { skynet: options }],
    ['a temperature over 2', { openai: { ...options, temperature: 2.5 } }],
    ['a maximum output tokens of 0', { openai: { ...options, maxTokens: 0 } }],
    ['a maximum output tokens over 200,000', { openai: { ...options, maxTokens: 200_001 } }],
    ['a fractional maximum output tokens', { openai: { ...options, maxTokens: 10.5 } }],
    ['a thinking budget of 0', { anthropic: { ...options, thinkingBudget: 0 } }],
    ['a reasoning effort Aside does not know', { openai: { ...options, reasoningEffort: 'extreme' } }],
    ['model options with a field missing', { openai: { temperature: 0.5 } }],
  ])('resets version 3 settings with %s, with one storage-reset problem', async (_, modelOptions) => {
    await fakeBrowser.storage.local.set({
      settings: { provider: 'openai', model: 'm', baseUrl: '', custom: null, modelOptions },
      settings$: { v: 3 },
    });
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
    await expect(
      saveSettings({ provider: 'openai', model: '', baseUrl: 'h'.repeat(2_001), custom: null, modelOptions: {} }),
    ).rejects.toThrow(/local:settings/);
    expect(await stored()).toEqual({});
  });

  it('never touches the keys', async () => {
    await fakeBrowser.storage.local.set({ apiKeys: { anthropic: 'sk-ant-SECRET' } });
    const { saveSettings, loadSettings } = await start();
    await saveSettings({ provider: 'openai', model: 'gpt-5.4-mini', baseUrl: '', custom: null, modelOptions: {} });
    expect(JSON.stringify(await loadSettings())).not.toContain('SECRET');
    expect((await stored()).apiKeys).toEqual({ anthropic: 'sk-ant-SECRET' });
  });
});
