import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { BackgroundMessage, PanelMessage } from '../../src/messaging/protocol.ts';
import { PANEL_PORT_NAME } from '../../src/messaging/protocol.ts';
import { saveApiKey } from '../../src/storage/keys.ts';
import { DEFAULT_MODEL_OPTIONS, loadSettings, saveSettings } from '../../src/storage/settings.ts';
import { SYSTEM_PROMPT } from '../../src/background/prompt.ts';
import { resetConversationsForTests } from '../../src/background/conversations.ts';
import { openHistory } from '../../src/storage/history/db.ts';
import { settle, type FakePort } from '../fake-port.ts';
import { anthropicSse, chunkedResponse, jsonResponse } from '../helpers/anthropic-sse.ts';
import { startTestBackground, type BackgroundHarness } from '../helpers/background.ts';

const KEY = 'sk-ant-test-SECRET-123';
let bg: BackgroundHarness;
let fetchMock: ReturnType<typeof vi.fn<typeof fetch>>;

function connectPanel(): FakePort {
  return fakeBrowser.runtime.connect({ name: PANEL_PORT_NAME }) as unknown as FakePort;
}

/** What the panel received, but for the conversation messages (test/background/conversations.test.ts has those). */
function messages(port: FakePort): BackgroundMessage[] {
  return (port.received as BackgroundMessage[]).filter((message) => message.type !== 'conversation');
}

async function send(port: FakePort, message: PanelMessage) {
  port.postMessage(message);
  await settle();
}

async function waitForEnd(port: FakePort, requestId: string) {
  await vi.waitFor(
    () => {
      const last = messages(port).at(-1);
      expect(last && 'requestId' in last && last.requestId === requestId && (last.type === 'end' || last.type === 'failed')).toBe(true);
    },
    { timeout: 5_000 },
  );
}

function ask(requestId: string, text = 'Summarize this.'): PanelMessage {
  return {
    type: 'ask',
    requestId,
    turns: [
      {
        role: 'user',
        text,
        selection: { text: 'The quick brown fox.', url: 'https://example.test/a', title: 'Fox', originalLength: 20, truncated: false },
      },
    ],
  };
}

beforeEach(async () => {
  bg = startTestBackground();
  fetchMock = vi.fn<typeof fetch>();
  vi.stubGlobal('fetch', fetchMock);
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('connecting', () => {
  it('settings that are not what Aside wrote give the defaults, and the hello says so once', async () => {
    await fakeBrowser.storage.local.set({ settings: { provider: 'nonsense', model: 42 }, __settings$: { v: 2 } });
    const port = connectPanel();
    await send(port, { type: 'hello', windowId: 1 });
    expect(messages(port)).toEqual([
      { type: 'settings', settings: expect.objectContaining({ provider: 'anthropic', model: 'claude-sonnet-5-5', hasKey: false }) },
      { type: 'notice', error: { code: 'storage-reset', params: { item: 'settings' } } },
    ]);
    await send(port, { type: 'hello', windowId: 1 });
    expect(messages(port).filter((m) => m.type === 'notice')).toHaveLength(1);
  });

  it('answers hello with settings that say whether a key is set, never the key', async () => {
    await saveApiKey(KEY, 'anthropic');
    const port = connectPanel();
    await send(port, { type: 'hello', windowId: 1 });
    expect(messages(port)).toEqual([
      {
        type: 'settings',
        settings: {
          provider: 'anthropic',
          hasKey: true,
          providersWithKey: ['anthropic'],
          model: 'claude-sonnet-5-5',
          baseUrl: '',
          custom: null,
          modelOptions: {},
        },
      },
    ]);
    expect(JSON.stringify(messages(port))).not.toContain(KEY);
  });

  it('refuses a port from a content script (a web page URL as sender)', async () => {
    const port = bg.connectFrom(
      { id: fakeBrowser.runtime.id, url: 'https://evil.test/page', tab: { id: 3 } as never, frameId: 0 },
      PANEL_PORT_NAME,
    );
    await settle();
    expect(port.disconnected).toBe(true);
  });

  it('refuses a port from another extension', async () => {
    const port = bg.connectFrom({ id: 'other-extension', url: 'chrome-extension://other-extension/x.html' }, PANEL_PORT_NAME);
    await settle();
    expect(port.disconnected).toBe(true);
  });

  it('refuses a port with another name', async () => {
    const port = fakeBrowser.runtime.connect({ name: 'something-else' }) as unknown as FakePort;
    await settle();
    expect(port.disconnected).toBe(true);
  });

  it('drops messages that do not match the protocol (a malformed ask still gets its failure) and keeps serving the port', async () => {
    const port = connectPanel();
    await send(port, { type: 'ask', requestId: 'x' } as unknown as PanelMessage); // no turns
    await send(port, { type: 'nonsense' } as unknown as PanelMessage);
    expect(messages(port)).toEqual([
      {
        type: 'failed',
        requestId: 'x',
        seq: 0,
        // "Aside could not send this conversation (it is too long or malformed)."
        error: { code: 'conversation-invalid' },
      },
    ]);
    expect(fetchMock).not.toHaveBeenCalled();
    await send(port, { type: 'hello' });
    expect(messages(port).map((m) => m.type)).toEqual(['failed', 'settings']);
  });
});

describe('streaming an answer', () => {
  beforeEach(async () => {
    await saveApiKey(KEY, 'anthropic');
  });

  it('sends the documented request and streams deltas split at awkward byte offsets', async () => {
    const parts = ['Der ', 'schnelle ', 'braune Fuchs ', '— 狐狸 ', '🦊 springt.'];
    fetchMock.mockResolvedValue(chunkedResponse(anthropicSse(parts), 7));
    const port = connectPanel();
    await send(port, ask('r1'));
    await waitForEnd(port, 'r1');

    const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(url).toBe('https://api.anthropic.com/v1/messages');
    const headers = init.headers as Record<string, string>;
    expect(headers['x-api-key']).toBe(KEY);
    expect(headers['anthropic-version']).toBe('2023-06-01');
    expect(headers['anthropic-dangerous-direct-browser-access']).toBe('true');
    expect(init.redirect).toBe('manual');
    const body = JSON.parse(init.body as string);
    expect(body).toMatchObject({ model: 'claude-sonnet-5-5', stream: true, max_tokens: 4096 });
    expect(body.system).toContain('untrusted');
    expect(body.messages).toHaveLength(1);
    expect(body.messages[0].content).toMatch(
      /^<selected_text-([0-9a-f]{16}) source="https:\/\/example\.test\/a" title="Fox">\nThe quick brown fox\.\n<\/selected_text-\1>/,
    );
    expect(body.messages[0].content).toMatch(/Summarize this\.$/);

    const received = messages(port).filter((m) => 'requestId' in m);
    const text = received.flatMap((m) => (m.type === 'delta' ? [m.text] : [])).join('');
    expect(text).toBe(parts.join(''));
    expect(received.map((m) => (m as { seq: number }).seq)).toEqual(received.map((_, i) => i));
    expect(received.at(-1)).toMatchObject({ type: 'end', outcome: 'complete', stopReason: 'end_turn' });
    expect(JSON.stringify(messages(port))).not.toContain(KEY);
  });

  it('says a key is missing before calling anything', async () => {
    await saveApiKey('', 'anthropic');
    const port = connectPanel();
    await send(port, ask('r2'));
    await waitForEnd(port, 'r2');
    expect(fetchMock).not.toHaveBeenCalled();
    expect(messages(port).at(-1)).toMatchObject({ type: 'failed', seq: 0, error: { code: 'no-key', fix: 'settings' } });
  });

  it('reports a 401 as a key problem, without retrying', async () => {
    fetchMock.mockResolvedValue(
      jsonResponse(401, { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } }),
    );
    const port = connectPanel();
    await send(port, ask('r3'));
    await waitForEnd(port, 'r3');
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(messages(port).at(-1)).toMatchObject({
      type: 'failed',
      error: { code: 'auth', fix: 'settings', detail: 'invalid x-api-key' },
    });
  });

  it('retries an overloaded 529 and then streams the answer', async () => {
    fetchMock
      .mockResolvedValueOnce(
        jsonResponse(529, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, { 'retry-after-ms': '5' }),
      )
      .mockResolvedValueOnce(chunkedResponse(anthropicSse(['Hello']), 64));
    const port = connectPanel();
    await send(port, ask('r4'));
    await waitForEnd(port, 'r4');
    expect(fetchMock).toHaveBeenCalledTimes(2);
    const types = messages(port)
      .filter((m) => 'requestId' in m)
      .map((m) => m.type);
    // Usage now reaches the panel too (message_start's and message_delta's counts).
    expect(types).toEqual(['retrying', 'usage', 'delta', 'usage', 'end']);
  });

  it('never retries a quota 429', async () => {
    fetchMock.mockResolvedValue(
      jsonResponse(429, {
        error: { message: 'You exceeded your current quota', type: 'insufficient_quota', code: 'insufficient_quota' },
      }),
    );
    const port = connectPanel();
    await send(port, ask('r5'));
    await waitForEnd(port, 'r5');
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(messages(port).at(-1)).toMatchObject({ type: 'failed', error: { code: 'quota' } });
  });

  it('keeps the partial answer and reports a mid-stream error event', async () => {
    fetchMock.mockResolvedValue(chunkedResponse(anthropicSse(['Partial ', 'answer'], { end: 'error' }), 5));
    const port = connectPanel();
    await send(port, ask('r6'));
    await waitForEnd(port, 'r6');
    const stream = messages(port).filter((m) => 'requestId' in m);
    expect(stream.flatMap((m) => (m.type === 'delta' ? [m.text] : [])).join('')).toBe('Partial answer');
    // The fixture's error event is overloaded_error: "The provider became overloaded and stopped in the middle of the answer."
    expect(stream.at(-1)).toMatchObject({ type: 'failed', error: { code: 'stream-overloaded', fix: 'retry' } });
    expect(fetchMock).toHaveBeenCalledTimes(1); // an error after the answer began is never retried automatically
  });

  it('marks a stream that ends without message_stop as truncated', async () => {
    fetchMock.mockResolvedValue(chunkedResponse(anthropicSse(['Cut ', 'off'], { end: 'none' }), 9));
    const port = connectPanel();
    await send(port, ask('r7'));
    await waitForEnd(port, 'r7');
    expect(messages(port).at(-1)).toMatchObject({ type: 'end', outcome: 'truncated', stopReason: null });
  });

  it('reports a network failure with the host it could not reach', async () => {
    fetchMock.mockRejectedValue(new TypeError('Failed to fetch'));
    const port = connectPanel();
    await send(port, ask('r8'));
    await waitForEnd(port, 'r8');
    expect(fetchMock).toHaveBeenCalledTimes(3); // two retries, then the error
    expect(messages(port).at(-1)).toMatchObject({ type: 'failed', error: { code: 'network', params: { host: 'api.anthropic.com' } } });
  }, 10_000);

  it('Stop aborts the upstream request', async () => {
    let upstreamSignal: AbortSignal | undefined;
    fetchMock.mockImplementation((_url, init = {}) => {
      upstreamSignal = init.signal ?? undefined;
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(anthropicSse(['First'], { end: 'none' })));
          init.signal?.addEventListener('abort', () => controller.error(new DOMException('aborted', 'AbortError')));
        },
      });
      return Promise.resolve(new Response(body, { status: 200 }));
    });
    const port = connectPanel();
    port.postMessage(ask('r9'));
    await vi.waitFor(() => expect(messages(port).some((m) => m.type === 'delta')).toBe(true));
    await send(port, { type: 'stop', requestId: 'r9' });
    await waitForEnd(port, 'r9');
    expect(upstreamSignal?.aborted).toBe(true);
    expect(messages(port).at(-1)).toMatchObject({ type: 'end', outcome: 'stopped' });
  });

  it('uses a custom base URL from settings', async () => {
    await saveSettings({
      provider: 'anthropic',
      model: 'claude-haiku-5-5',
      baseUrl: 'http://127.0.0.1:8787',
      custom: null,
      modelOptions: {},
    });
    fetchMock.mockResolvedValue(chunkedResponse(anthropicSse(['ok'])));
    const port = connectPanel();
    await send(port, ask('r10'));
    await waitForEnd(port, 'r10');
    expect(fetchMock.mock.calls[0]?.[0]).toBe('http://127.0.0.1:8787/v1/messages');
    expect(JSON.parse((fetchMock.mock.calls[0]?.[1] as RequestInit).body as string).model).toBe('claude-haiku-5-5');
  });
});

describe('settings', () => {
  it('stores the key in storage.local only, and never in storage.sync', async () => {
    const port = connectPanel();
    await send(port, { type: 'save-settings', settings: { apiKey: KEY, model: 'claude-opus-5-5', baseUrl: '' } });
    expect(messages(port).at(-1)).toEqual({
      type: 'settings',
      settings: {
        provider: 'anthropic',
        hasKey: true,
        providersWithKey: ['anthropic'],
        model: 'claude-opus-5-5',
        baseUrl: '',
        custom: null,
        modelOptions: { anthropic: DEFAULT_MODEL_OPTIONS },
      },
    });
    expect(JSON.stringify(await fakeBrowser.storage.local.get(null))).toContain(KEY);
    expect(await fakeBrowser.storage.sync.get(null)).toEqual({});
  });

  it('keeps the stored key when the panel sends none, and forgets it on ""', async () => {
    await saveApiKey(KEY, 'anthropic');
    const port = connectPanel();
    await send(port, { type: 'save-settings', settings: { apiKey: null, model: 'm', baseUrl: '' } });
    expect(messages(port).at(-1)).toMatchObject({ settings: { hasKey: true } });
    await send(port, { type: 'save-settings', settings: { apiKey: '', model: 'm', baseUrl: '' } });
    expect(messages(port).at(-1)).toMatchObject({ settings: { hasKey: false } });
  });

  it('rejects a plain-http base URL that is not on this machine', async () => {
    const port = connectPanel();
    await send(port, { type: 'save-settings', settings: { apiKey: KEY, model: 'm', baseUrl: 'http://proxy.example.com' } });
    expect(messages(port).at(-1)).toMatchObject({ type: 'notice', error: { code: 'url-needs-https', params: { field: 'base-url' } } });
    expect(await fakeBrowser.storage.local.get(null)).toEqual({});
  });

  it('Test connection makes a tiny real request and reports success', async () => {
    fetchMock.mockResolvedValue(jsonResponse(200, { id: 'msg_1', type: 'message', model: 'claude-sonnet-5-5', content: [] }));
    const port = connectPanel();
    await send(port, { type: 'test-connection', requestId: 't1', settings: { apiKey: KEY, model: 'claude-sonnet-5-5', baseUrl: '' } });
    await vi.waitFor(() => expect(messages(port).at(-1)?.type).toBe('connection-test'));
    expect(messages(port).at(-1)).toMatchObject({ requestId: 't1', result: { kind: 'connected', model: 'claude-sonnet-5-5' } });
    const body = JSON.parse((fetchMock.mock.calls[0]?.[1] as RequestInit).body as string);
    expect(body).toMatchObject({ max_tokens: 1 });
    expect(body.stream).toBeUndefined();
  });

  it('Test connection reports the exact provider error', async () => {
    fetchMock.mockResolvedValue(
      jsonResponse(404, { type: 'error', error: { type: 'not_found_error', message: 'model: claude-nope' } }),
    );
    const port = connectPanel();
    await send(port, { type: 'test-connection', requestId: 't2', settings: { apiKey: KEY, model: 'claude-nope', baseUrl: '' } });
    await vi.waitFor(() => expect(messages(port).at(-1)?.type).toBe('connection-test'));
    expect(messages(port).at(-1)).toMatchObject({
      requestId: 't2',
      result: { kind: 'failed', error: { code: 'not-found', params: { model: 'claude-nope' }, detail: 'model: claude-nope' } },
    });
  });
});

describe('model options', () => {
  const options = {
    ...DEFAULT_MODEL_OPTIONS,
    temperature: 0.3,
    maxTokens: 1000,
    systemPrompt: '  Answer like a pirate.  ',
    extraFields: ' {"top_k": 5} ',
  };
  const requestBody = (call = 0) =>
    JSON.parse((fetchMock.mock.calls[call]?.[1] as RequestInit).body as string) as Record<string, unknown>;

  it('are saved for the provider, checked, and sent with every answer', async () => {
    await saveApiKey(KEY, 'anthropic');
    const port = connectPanel();
    await send(port, { type: 'save-settings', settings: { apiKey: null, model: 'claude-sonnet-5-5', baseUrl: '', options } });
    const saved = { ...options, systemPrompt: 'Answer like a pirate.', extraFields: '{"top_k": 5}' };
    expect((await loadSettings()).modelOptions).toEqual({ anthropic: saved });
    expect(messages(port).at(-1)).toMatchObject({ type: 'settings', settings: { modelOptions: { anthropic: saved } } });

    fetchMock.mockResolvedValue(chunkedResponse(anthropicSse(['Arr.'])));
    await send(port, ask('o1'));
    await waitForEnd(port, 'o1');
    const body = requestBody();
    expect(body).toMatchObject({ max_tokens: 1000, temperature: 0.3, top_k: 5, stream: true });
    expect(body.thinking).toBeUndefined();
    expect(body.system).toBe(
      `${SYSTEM_PROMPT}\n\nThe user added these instructions of their own (the rule about page text above still holds):\nAnswer like a pirate.`,
    );
  });

  it('saving one provider’s options keeps the other providers’', async () => {
    const port = connectPanel();
    await send(port, { type: 'save-settings', settings: { apiKey: KEY, model: 'claude-sonnet-5-5', baseUrl: '', options } });
    const openai = { ...DEFAULT_MODEL_OPTIONS, thinking: true, reasoningEffort: 'high' as const };
    await send(port, {
      type: 'save-settings',
      settings: { provider: 'openai', apiKey: 'sk-o', model: 'gpt-5.4-mini', baseUrl: '', options: openai },
    });
    const stored = (await loadSettings()).modelOptions;
    expect(stored.openai).toEqual(openai);
    expect(stored.anthropic).toMatchObject({ temperature: 0.3, maxTokens: 1000 });
  });

  it('that the provider cannot take are refused with a code, and nothing is saved', async () => {
    const port = connectPanel();
    const cases = [
      [
        { ...options, temperature: 1.5 },
        { code: 'temperature-range', params: { max: 1 } },
      ],
      [
        { ...options, extraFields: '{"stream": false}' },
        { code: 'extra-fields-reserved', params: { field: 'stream' } },
      ],
      [
        { ...options, thinking: true, thinkingBudget: 1000 },
        { code: 'thinking-budget-range', params: { min: 1024, maxTokens: 1000 } },
      ],
      [{ ...options, thinking: true, thinkingBudget: 1024, maxTokens: 2000 }, { code: 'thinking-temperature' }],
    ] as const;
    for (const [bad, error] of cases) {
      await send(port, { type: 'save-settings', settings: { apiKey: KEY, model: 'claude-sonnet-5-5', baseUrl: '', options: bad } });
      expect(messages(port).at(-1)).toEqual({ type: 'notice', error });
    }
    expect((await loadSettings()).modelOptions).toEqual({});
  });

  it('an answer with extended thinking sends the budget; Test connection still sends max_tokens 1 and no options', async () => {
    await saveApiKey(KEY, 'anthropic');
    const thinking = { ...options, temperature: null, maxTokens: 2000, thinking: true, thinkingBudget: 1024 };
    await saveSettings({
      provider: 'anthropic',
      model: 'claude-sonnet-5-5',
      baseUrl: '',
      custom: null,
      modelOptions: { anthropic: thinking },
    });
    const port = connectPanel();
    fetchMock.mockResolvedValueOnce(chunkedResponse(anthropicSse(['ok'])));
    await send(port, ask('o2'));
    await waitForEnd(port, 'o2');
    expect(requestBody(0)).toMatchObject({ max_tokens: 2000, thinking: { type: 'enabled', budget_tokens: 1024 }, top_k: 5 });
    expect(requestBody(0).temperature).toBeUndefined();

    fetchMock.mockResolvedValueOnce(jsonResponse(200, { id: 'msg_1', type: 'message', model: 'claude-sonnet-5-5', content: [] }));
    await send(port, {
      type: 'test-connection',
      requestId: 't3',
      settings: { apiKey: null, model: 'claude-sonnet-5-5', baseUrl: '', options: thinking },
    });
    await vi.waitFor(() => expect(messages(port).at(-1)?.type).toBe('connection-test'));
    const test = requestBody(1);
    expect(test.max_tokens).toBe(1);
    for (const field of ['thinking', 'temperature', 'top_k', 'system']) expect(test[field], field).toBeUndefined();
  });
});

describe('conversation messages', () => {
  it('hello sends the tab’s conversation; conversation.new starts another; conversation.open brings one back or says it is gone', async () => {
    const port = connectPanel();
    await send(port, { type: 'hello', windowId: 1, tabId: 3 });
    const conversations = () => (port.received as BackgroundMessage[]).filter((m) => m.type === 'conversation');
    const first = conversations()[0]!;
    expect(first).toMatchObject({ type: 'conversation', turns: [], storage: 'disk' });
    await send(port, { type: 'conversation.save', id: first.id, turns: [{ role: 'user', text: 'First chat' }] });
    await send(port, { type: 'conversation.new' });
    const second = conversations()[1]!;
    expect(second.id).not.toBe(first.id);
    expect(second.turns).toEqual([]);
    await send(port, { type: 'conversation.open', id: first.id });
    await vi.waitFor(() => expect(conversations()).toHaveLength(3));
    expect(conversations()[2]).toMatchObject({ id: first.id, turns: [{ role: 'user', text: 'First chat' }] });
    await send(port, { type: 'conversation.open', id: 'gone-0000' });
    await vi.waitFor(() => expect(messages(port).at(-1)).toEqual({ type: 'notice', error: { code: 'conversation-not-found' } }));
  });

  it('draft.keep (a panel closing) writes the draft under its conversation: storage.local, or storage.session when the conversation is unknown', async () => {
    const port = connectPanel();
    await send(port, { type: 'hello', windowId: 1, tabId: 3 });
    const { id } = (port.received as BackgroundMessage[]).find((m) => m.type === 'conversation')!;
    await send(port, { type: 'draft.keep', id, draft: 'Typed as it closed', selection: null });
    const { loadDraft } = await import('../../src/storage/drafts.ts');
    await vi.waitFor(async () => expect(await loadDraft(id, false)).toEqual({ draft: 'Typed as it closed', selection: null }));
    await send(port, { type: 'draft.keep', id: 'unknown-0001', draft: 'Whose?', selection: null });
    await vi.waitFor(async () => expect(await loadDraft('unknown-0001', true)).toEqual({ draft: 'Whose?', selection: null }));
    expect(await loadDraft('unknown-0001', false)).toBeNull();
  });

  it('a conversation that cannot be read gives the panel a new one, so the panel is never left waiting', async () => {
    const first = connectPanel();
    await send(first, { type: 'hello', windowId: 1, tabId: 3 });
    const { id } = (first.received as BackgroundMessage[]).find((m) => m.type === 'conversation')!;
    await send(first, { type: 'conversation.save', id, turns: [{ role: 'user', text: 'Kept before the database broke' }] });
    first.disconnect();
    // A restarted worker whose history database opens but fails every read.
    const broken = await openHistory(`test-broken-${Math.random()}`);
    broken.get = () => Promise.reject(new Error('broken'));
    resetConversationsForTests({ openDisk: () => Promise.resolve(broken) });
    const again = connectPanel();
    await send(again, { type: 'hello', windowId: 1, tabId: 3 });
    await vi.waitFor(() => expect((again.received as BackgroundMessage[]).some((m) => m.type === 'conversation')).toBe(true));
    const shown = (again.received as BackgroundMessage[]).find((m) => m.type === 'conversation')!;
    expect(shown.id).not.toBe(id);
    expect(shown.turns).toEqual([]);
    // ... and says so, after the conversation (the panel shows notices once connected).
    const received = again.received as BackgroundMessage[];
    const notice = received.findIndex((m) => m.type === 'notice' && m.error.code === 'conversation-unreadable');
    expect(notice).toBeGreaterThan(received.indexOf(shown));
  });

  it('an ask sent right behind the hello (a panel that reconnected) is written under the conversation the hello shows', async () => {
    await saveApiKey(KEY, 'anthropic');
    const first = connectPanel();
    await send(first, { type: 'hello', windowId: 1, tabId: 3 });
    const { id } = (first.received as BackgroundMessage[]).find((m) => m.type === 'conversation')!;
    const question = ask('r2', 'Go on.');
    const selection = {
      text: 'The quick brown fox.',
      url: 'https://example.test/a',
      title: 'Fox',
      originalLength: 20,
      truncated: false,
    };
    const turns = [
      { role: 'user' as const, text: 'Go on.', selection },
      { role: 'assistant' as const, requestId: 'r2', text: '', status: 'streaming' as const },
    ];
    await send(first, { type: 'conversation.save', id, turns });
    first.disconnect();
    fetchMock.mockResolvedValue(chunkedResponse(anthropicSse(['Carried ', 'on.']), 5));
    const again = connectPanel();
    // No wait between them: the hello is still reading the conversation when the ask comes.
    again.postMessage({ type: 'hello', windowId: 1, tabId: 3 });
    again.postMessage(question);
    await waitForEnd(again, 'r2');
    const later = connectPanel();
    await send(later, { type: 'hello', windowId: 1, tabId: 3 });
    const shown = (later.received as BackgroundMessage[]).find((m) => m.type === 'conversation')!;
    expect(shown.id).toBe(id);
    expect(shown.turns.at(-1)).toMatchObject({ role: 'assistant', requestId: 'r2', text: 'Carried on.', status: 'complete' });
  });
});
