/**
 * A panel that closes mid-answer does not stop it; a panel that comes back re-attaches and
 * gets everything, live or finished. Stop still works after re-attaching.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { BackgroundMessage, PanelMessage } from '../../src/messaging/protocol.ts';
import { PANEL_PORT_NAME } from '../../src/messaging/protocol.ts';
import { resetLiveAnswersForTests, runningCount } from '../../src/background/live-answers.ts';
import { saveApiKey } from '../../src/storage/keys.ts';
import { loadSettings, saveSettings } from '../../src/storage/settings.ts';
import { settle, type FakePort } from '../fake-port.ts';
import { anthropicSse, jsonResponse } from '../helpers/anthropic-sse.ts';
import { startTestBackground } from '../helpers/background.ts';

let fetchMock: ReturnType<typeof vi.fn<typeof fetch>>;
const encoder = new TextEncoder();

/** A body the test feeds by hand, remembering whether the client cancelled it. */
function controlledBody() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const state = { cancelled: false, aborted: false };
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return {
    body,
    state,
    push: (text: string) => controller.enqueue(encoder.encode(text)),
    close: () => controller.close(),
    fail: (error: unknown) => controller.error(error),
  };
}

const connect = () => fakeBrowser.runtime.connect({ name: PANEL_PORT_NAME }) as unknown as FakePort;
const received = (port: FakePort) => port.received as BackgroundMessage[];
const ask = (requestId: string): PanelMessage => ({ type: 'ask', requestId, turns: [{ role: 'user', text: 'Tell me' }] });

const [head, tail] = (() => {
  const full = anthropicSse(['One ', 'two ', 'three.']);
  const cut = full.indexOf('two');
  return [full.slice(0, cut), full.slice(cut)];
})();

beforeEach(async () => {
  startTestBackground();
  resetLiveAnswersForTests();
  fetchMock = vi.fn<typeof fetch>();
  vi.stubGlobal('fetch', fetchMock);
  await saveApiKey('sk-ant-x', 'anthropic');
});

afterEach(() => vi.unstubAllGlobals());

describe('an answer outlives its panel', () => {
  it('keeps streaming when the panel closes, and a reopened panel gets all of it', async () => {
    const stream = controlledBody();
    let upstream: AbortSignal | undefined;
    fetchMock.mockImplementation((_url, init = {}) => {
      upstream = init.signal ?? undefined;
      return Promise.resolve(new Response(stream.body, { status: 200 }));
    });
    const first = connect();
    first.postMessage(ask('a1'));
    stream.push(head);
    await vi.waitFor(() => expect(received(first).some((m) => m.type === 'delta')).toBe(true));

    first.disconnect(); // the user closed the panel
    await settle();
    expect(upstream?.aborted).toBe(false);
    expect(runningCount()).toBe(1);
    stream.push(tail.slice(0, 40)); // more arrives while no panel is open

    const second = connect();
    second.postMessage({ type: 'attach', requestId: 'a1' });
    await vi.waitFor(() => expect(received(second).some((m) => m.type === 'snapshot')).toBe(true));
    const snapshot = received(second).find((m) => m.type === 'snapshot') as Extract<BackgroundMessage, { type: 'snapshot' }>;
    expect(snapshot.final).toBeNull();
    expect('One '.startsWith(snapshot.text) || snapshot.text.startsWith('One ')).toBe(true);

    stream.push(tail.slice(40));
    stream.close();
    await vi.waitFor(() => expect(received(second).at(-1)?.type).toBe('end'));
    const after = received(second).filter((m) => m.type === 'delta' && m.seq > snapshot.seq);
    expect(snapshot.text + after.map((m) => (m as { text: string }).text).join('')).toBe('One two three.');
    expect(received(second).at(-1)).toMatchObject({ type: 'end', outcome: 'complete', seq: expect.any(Number) });
  });

  it('a finished answer nobody received is in history for the panel that comes back to its tab', async () => {
    const stream = controlledBody();
    fetchMock.mockResolvedValue(new Response(stream.body, { status: 200 }));
    const first = connect();
    first.postMessage({ type: 'hello', windowId: 1, tabId: 5 });
    await vi.waitFor(() => expect(received(first).some((m) => m.type === 'conversation')).toBe(true));
    const conversation = received(first).find((m) => m.type === 'conversation')!;
    first.postMessage({
      type: 'conversation.save',
      id: conversation.id,
      turns: [
        { role: 'user', text: 'Count.' },
        { role: 'assistant', requestId: 'a2', text: '', status: 'streaming' },
      ],
    });
    first.postMessage(ask('a2'));
    stream.push(head);
    await vi.waitFor(() => expect(received(first).some((m) => m.type === 'delta')).toBe(true));
    first.disconnect();
    await settle();
    stream.push(tail);
    stream.close();
    await vi.waitFor(() => expect(runningCount()).toBe(0));
    await settle();

    const later = connect();
    later.postMessage({ type: 'hello', windowId: 1, tabId: 5 });
    await vi.waitFor(() => expect(received(later).some((m) => m.type === 'conversation')).toBe(true));
    expect(received(later).find((m) => m.type === 'conversation')).toMatchObject({
      id: conversation.id,
      turns: [
        { role: 'user', text: 'Count.' },
        { role: 'assistant', requestId: 'a2', text: 'One two three.', status: 'complete' },
      ],
    });
    // Nothing is running any more: history has it, there is nothing to attach to.
    later.postMessage({ type: 'attach', requestId: 'a2' });
    await vi.waitFor(() => expect(received(later).at(-1)).toEqual({ type: 'attach-failed', requestId: 'a2' }));
  });

  it('Stop works on a re-attached answer', async () => {
    let upstream: AbortSignal | undefined;
    fetchMock.mockImplementation((_url, init = {}) => {
      upstream = init.signal ?? undefined;
      const stream = controlledBody();
      init.signal?.addEventListener('abort', () => stream.fail(new DOMException('aborted', 'AbortError')));
      stream.push(head);
      return Promise.resolve(new Response(stream.body, { status: 200 }));
    });
    const first = connect();
    first.postMessage(ask('a3'));
    await vi.waitFor(() => expect(received(first).some((m) => m.type === 'delta')).toBe(true));
    first.disconnect();
    await settle();
    const second = connect();
    second.postMessage({ type: 'attach', requestId: 'a3' });
    await vi.waitFor(() => expect(received(second).some((m) => m.type === 'snapshot')).toBe(true));
    second.postMessage({ type: 'stop', requestId: 'a3' });
    await vi.waitFor(() => expect(received(second).at(-1)).toMatchObject({ type: 'end', outcome: 'stopped' }));
    expect(upstream?.aborted).toBe(true);
  });

  it('says so when it knows nothing of the answer (the background was restarted)', async () => {
    const port = connect();
    port.postMessage({ type: 'attach', requestId: 'never-seen' });
    await vi.waitFor(() => expect(received(port).at(-1)).toEqual({ type: 'attach-failed', requestId: 'never-seen' }));
  });
});

describe('nothing leaves the panel waiting', () => {
  it('an ask the protocol refuses (over the turn limit) is answered with failed', async () => {
    const port = connect();
    const turns = Array.from({ length: 501 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', text: `t${i}` }));
    port.postMessage({ type: 'ask', requestId: 'big', turns });
    await vi.waitFor(() =>
      expect(received(port).at(-1)).toMatchObject({
        type: 'failed',
        requestId: 'big',
        seq: 0,
        error: { code: 'conversation-invalid' },
      }),
    );
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('a reply that would fail the panel’s validation is replaced by one that passes', async () => {
    const long = 'x'.repeat(5_000);
    fetchMock.mockResolvedValue(jsonResponse(200, { id: 'm', type: 'message', model: long, content: [] }));
    const port = connect();
    port.postMessage({
      type: 'test-connection',
      requestId: 't',
      settings: { apiKey: 'sk-ant-typed', model: 'm', baseUrl: '' },
    } satisfies PanelMessage);
    await vi.waitFor(() => expect(received(port).at(-1)?.type).toBe('connection-test'));
    const reply = received(port).at(-1) as Extract<BackgroundMessage, { type: 'connection-test' }>;
    expect(reply.result.kind).toBe('connected');
    expect(reply.result.kind === 'connected' && reply.result.model.length).toBeLessThanOrEqual(300);
  });

  it('settings that cannot be loaded end the answer with failed, not a stray notice', async () => {
    const get = fakeBrowser.storage.local.get;
    fakeBrowser.storage.local.get = () => Promise.reject(new Error('storage is broken'));
    try {
      const port = connect();
      port.postMessage(ask('s1'));
      await vi.waitFor(() => expect(received(port).at(-1)).toMatchObject({ type: 'failed', requestId: 's1' }));
      expect(runningCount()).toBe(0);
    } finally {
      fakeBrowser.storage.local.get = get;
    }
  });
});

describe('a saved key goes only where it was saved for', () => {
  beforeEach(async () => {
    await saveSettings({
      provider: 'openai',
      model: 'gpt-5.4-mini',
      baseUrl: 'https://proxy.example.com/v1',
      custom: null,
      modelOptions: {},
    });
    await saveApiKey('sk-openai-SECRET', 'openai');
    fetchMock.mockResolvedValue(jsonResponse(200, { object: 'list', data: [{ id: 'gpt-5.4-mini' }] }));
  });

  const listModels = (port: FakePort, baseUrl: string, apiKey: string | null) =>
    port.postMessage({
      type: 'list-models',
      requestId: 'l',
      settings: { provider: 'openai', apiKey, model: '', baseUrl },
    } satisfies PanelMessage);

  it('not to an address typed but not saved', async () => {
    const port = connect();
    listModels(port, 'https://other-proxy.example/v1', null);
    await vi.waitFor(() => expect(received(port).at(-1)?.type).toBe('models'));
    expect(fetchMock).not.toHaveBeenCalled();
    // "Type the API key again to try this address: Aside sends a saved key only to the address it was saved for."
    expect((received(port).at(-1) as Extract<BackgroundMessage, { type: 'models' }>).error).toMatchObject({ code: 'key-retype' });
  });

  it('to the saved address, and to the provider’s own', async () => {
    const port = connect();
    listModels(port, 'https://proxy.example.com/v1', null);
    await vi.waitFor(() => expect(fetchMock).toHaveBeenCalledTimes(1));
    listModels(port, '', null);
    await vi.waitFor(() => expect(fetchMock).toHaveBeenCalledTimes(2));
    expect(fetchMock.mock.calls.map((call) => call[0])).toEqual([
      'https://proxy.example.com/v1/models',
      'https://api.openai.com/v1/models',
    ]);
  });

  it('a key typed for the new address is used there', async () => {
    const port = connect();
    listModels(port, 'https://other-proxy.example/v1', 'sk-typed');
    await vi.waitFor(() => expect(fetchMock).toHaveBeenCalledTimes(1));
    expect((fetchMock.mock.calls[0]?.[1] as RequestInit & { headers: Record<string, string> }).headers.authorization).toBe(
      'Bearer sk-typed',
    );
  });

  it('saving another address with the saved key needs its confirmation, for exactly that origin', async () => {
    const port = connect();
    const save = (keyTo?: string) =>
      port.postMessage({
        type: 'save-settings',
        settings: {
          provider: 'openai',
          apiKey: null,
          model: 'm',
          baseUrl: 'https://other-proxy.example/v1',
          ...(keyTo ? { keyTo } : {}),
        },
      } satisfies PanelMessage);
    save();
    await vi.waitFor(() => expect(received(port).at(-1)?.type).toBe('notice'));
    expect(received(port).at(-1)).toMatchObject({ error: { code: 'key-new-origin', params: { host: 'other-proxy.example' } } });
    save('https://third.example'); // a confirmation for another origin does not count
    await vi.waitFor(() => expect(received(port).filter((m) => m.type === 'notice')).toHaveLength(2));
    expect((await loadSettings()).baseUrl).toBe('https://proxy.example.com/v1');
    save('https://other-proxy.example');
    await vi.waitFor(() => expect(received(port).at(-1)?.type).toBe('settings'));
    expect((await loadSettings()).baseUrl).toBe('https://other-proxy.example/v1');
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('a key with characters a header cannot carry is refused on save', async () => {
    const port = connect();
    port.postMessage({
      type: 'save-settings',
      settings: { provider: 'openai', apiKey: 'sk-abc\u00e9 def', model: 'm', baseUrl: '' },
    } satisfies PanelMessage);
    await vi.waitFor(() => expect(received(port).at(-1)?.type).toBe('notice'));
    expect(received(port).at(-1)).toMatchObject({ error: { code: 'key-characters' } });
  });
});
