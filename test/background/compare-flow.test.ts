/**
 * Compare models in the background: an ask with a choice goes to that provider, model and
 * address with that provider's key, alongside an ordinary ask; a stored key never follows a
 * choice to another address; a bad choice fails its own answer only.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { settingsForChoice } from '../../src/background/action-model.ts';
import type { BackgroundMessage, PanelMessage } from '../../src/messaging/protocol.ts';
import { PANEL_PORT_NAME } from '../../src/messaging/protocol.ts';
import { saveApiKey } from '../../src/storage/keys.ts';
import { saveSettings, type StoredSettings } from '../../src/storage/settings.ts';
import type { FakePort } from '../fake-port.ts';
import { anthropicSse, chunkedResponse } from '../helpers/anthropic-sse.ts';
import { startTestBackground } from '../helpers/background.ts';

const settings: StoredSettings = {
  provider: 'anthropic',
  model: 'claude-sonnet-5-5',
  baseUrl: 'http://127.0.0.1:9001',
  custom: null,
  modelOptions: {
    openai: {
      temperature: 0.5,
      maxTokens: 100,
      systemPrompt: '',
      thinking: false,
      thinkingBudget: 1024,
      reasoningEffort: 'medium',
      extraFields: '',
    },
  },
};

function openaiStream(parts: string[]): string {
  const chunk = (delta: object, finish: string | null = null) =>
    `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  return parts.map((text) => chunk({ content: text })).join('') + chunk({}, 'stop') + 'data: [DONE]\n\n';
}

describe('settingsForChoice', () => {
  it('the provider in settings keeps its saved address; a typed model replaces the saved one', () => {
    const chosen = settingsForChoice(settings, { provider: 'anthropic', model: 'claude-haiku-4-5', baseUrl: '' }, 'sk-ant');
    expect(chosen).toEqual({ ok: true, settings: { ...settings, model: 'claude-haiku-4-5' } });
  });

  it('another provider goes to its preset address with its default model, or to the address given', () => {
    expect(settingsForChoice(settings, { provider: 'openai', model: '', baseUrl: '' }, 'sk-openai')).toMatchObject({
      ok: true,
      settings: { provider: 'openai', model: 'gpt-5.4-mini', baseUrl: '', custom: null },
    });
    expect(
      settingsForChoice(settings, { provider: 'openai-compatible', model: 'm', baseUrl: 'http://127.0.0.1:9002/v1/' }, ''),
    ).toMatchObject({ ok: true, settings: { provider: 'openai-compatible', baseUrl: 'http://127.0.0.1:9002/v1' } });
  });

  it('never sends a saved key to an address it was not saved for', () => {
    const moved = settingsForChoice(settings, { provider: 'openai', model: '', baseUrl: 'https://proxy.example/v1' }, 'sk-openai');
    expect(moved).toEqual({
      ok: false,
      error: { code: 'compare-key-origin', params: { provider: 'openai', host: 'proxy.example' }, fix: 'settings' },
    });
    // The same address without a key is fine (nothing to leak).
    expect(settingsForChoice(settings, { provider: 'openai', model: '', baseUrl: 'https://proxy.example/v1' }, '').ok).toBe(true);
  });

  it('checks the choice as settings are checked', () => {
    expect(settingsForChoice(settings, { provider: 'openai-compatible', model: 'm', baseUrl: '' }, '')).toMatchObject({
      ok: false,
      error: { code: 'base-url-missing', fix: 'settings' },
    });
    expect(settingsForChoice(settings, { provider: 'custom-sse', model: '', baseUrl: '' }, '')).toMatchObject({ ok: false });
  });
});

describe('two asks of one question', () => {
  let fetchMock: ReturnType<typeof vi.fn<typeof fetch>>;
  beforeEach(() => {
    startTestBackground();
    fetchMock = vi.fn<typeof fetch>();
    vi.stubGlobal('fetch', fetchMock);
  });
  afterEach(() => vi.unstubAllGlobals());

  it('stream side by side, each from its own provider with its own key', async () => {
    await saveSettings(settings);
    await saveApiKey('sk-ant-first', 'anthropic');
    await saveApiKey('sk-openai-second', 'openai');
    fetchMock.mockImplementation((url) =>
      Promise.resolve(
        (url as string).startsWith('http://127.0.0.1:9001')
          ? chunkedResponse(anthropicSse(['Alpha ', 'answer']), 9)
          : chunkedResponse(openaiStream(['Beta ', 'answer']), 9),
      ),
    );
    const port = fakeBrowser.runtime.connect({ name: PANEL_PORT_NAME }) as unknown as FakePort;
    const turns = [{ role: 'user' as const, text: 'Which?' }];
    port.postMessage({ type: 'ask', requestId: 'a', turns } satisfies PanelMessage);
    port.postMessage({
      type: 'ask',
      requestId: 'b',
      turns,
      choice: { provider: 'openai', model: 'gpt-x', baseUrl: '' },
    } satisfies PanelMessage);
    const received = () => port.received as BackgroundMessage[];
    const ended = (id: string) => received().find((m) => (m.type === 'end' || m.type === 'failed') && m.requestId === id);
    await vi.waitFor(() => expect(ended('a') && ended('b')).toBeTruthy(), { timeout: 5_000 });
    const text = (id: string) =>
      received()
        .flatMap((m) => (m.type === 'delta' && m.requestId === id ? [m.text] : []))
        .join('');
    expect([text('a'), text('b')]).toEqual(['Alpha answer', 'Beta answer']);
    expect(ended('b')).toMatchObject({ type: 'end', outcome: 'complete', metrics: { provider: 'openai', model: 'gpt-x' } });
    const calls = fetchMock.mock.calls as unknown as [string, RequestInit][];
    const first = calls.find(([url]) => url.startsWith('http://127.0.0.1:9001'))!;
    const second = calls.find(([url]) => url === 'https://api.openai.com/v1/chat/completions')!;
    expect((first[1].headers as Record<string, string>)['x-api-key']).toBe('sk-ant-first');
    expect((second[1].headers as Record<string, string>).authorization).toBe('Bearer sk-openai-second');
    const body = JSON.parse(second[1].body as string);
    // The second provider's own model options apply.
    expect(body).toMatchObject({ model: 'gpt-x', temperature: 0.5 });
    expect(body.messages.at(-1)).toEqual({ role: 'user', content: 'Which?' });
  });

  it('a choice that cannot be asked fails that answer only, before any request', async () => {
    await saveSettings(settings);
    await saveApiKey('sk-openai-second', 'openai');
    const port = fakeBrowser.runtime.connect({ name: PANEL_PORT_NAME }) as unknown as FakePort;
    port.postMessage({
      type: 'ask',
      requestId: 'b',
      turns: [{ role: 'user', text: 'Which?' }],
      choice: { provider: 'openai', model: '', baseUrl: 'https://proxy.example/v1' },
    } satisfies PanelMessage);
    await vi.waitFor(() => expect((port.received as BackgroundMessage[]).some((m) => m.type === 'failed')).toBe(true));
    expect((port.received as BackgroundMessage[]).find((m) => m.type === 'failed')).toMatchObject({
      requestId: 'b',
      error: { code: 'compare-key-origin' },
    });
    expect(fetchMock).not.toHaveBeenCalled();
  });
});
