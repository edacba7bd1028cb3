import { describe, expect, it } from 'vitest';
import {
  parseBackgroundMessage,
  parsePanelMessage,
  type BackgroundMessage,
  type PanelMessage,
  type UserError,
} from '../../src/messaging/protocol.ts';
import { ERROR_CODES, FIXES } from '../../src/shared/errors.ts';
import { MAX_PREVIEW_CHARS, MAX_TOOL_CALLS } from '../../src/shared/limits.ts';

const selection = {
  text: 'The quick brown fox.',
  url: 'https://example.test/a',
  title: 'Fox',
  originalLength: 20,
  truncated: false,
};
const settingsInput = { provider: 'anthropic', apiKey: 'sk-ant-x', model: 'claude-sonnet-5-5', baseUrl: '', custom: null } as const;
const modelOptions = {
  temperature: 0.3,
  maxTokens: 1000,
  systemPrompt: 'Be brief.',
  thinking: true,
  thinkingBudget: 1024,
  reasoningEffort: 'high',
  extraFields: '{"top_k": 5}',
} as const;
const userError: UserError = { code: 'rate-limit', params: { status: 429 }, detail: 'rate_limit_error: Slow down', fix: 'retry' };

/** One valid example of every panel → background message type. */
const validPanelMessages: Record<PanelMessage['type'], PanelMessage[]> = {
  hello: [{ type: 'hello', windowId: 7 }, { type: 'hello' }, { type: 'hello', windowId: 7, tabId: 12 }],
  'conversation.tab': [{ type: 'conversation.tab', tabId: 12 }],
  'conversation.open': [{ type: 'conversation.open', id: 'lq0x1a2b3-abc123' }],
  'conversation.new': [{ type: 'conversation.new' }],
  'stream-details': [{ type: 'stream-details', requestId: 'r1' }],
  'history.deleted': [{ type: 'history.deleted' }],
  'conversation.save': [
    { type: 'conversation.save', id: 'c1', turns: [] },
    {
      type: 'conversation.save',
      id: 'c1',
      turns: [
        { role: 'user', text: 'Hi', selection },
        { role: 'assistant', requestId: 'r1', text: 'Hello', status: 'streaming' },
      ],
    },
  ],
  'draft.keep': [
    { type: 'draft.keep', id: 'c1', draft: 'Half a question', selection: null },
    { type: 'draft.keep', id: 'c1', draft: '', selection },
  ],
  'save-settings': [
    { type: 'save-settings', settings: settingsInput },
    { type: 'save-settings', settings: { ...settingsInput, apiKey: null } },
    { type: 'save-settings', settings: { ...settingsInput, apiKey: '' } },
    { type: 'save-settings', settings: { ...settingsInput, options: modelOptions } },
    { type: 'save-settings', settings: { ...settingsInput, options: { ...modelOptions, temperature: null, maxTokens: 200_000 } } },
  ],
  'test-connection': [
    { type: 'test-connection', requestId: 'r1', settings: settingsInput },
    {
      type: 'test-connection',
      requestId: 'r2',
      settings: {
        provider: 'custom-sse',
        apiKey: null,
        model: '',
        baseUrl: '',
        custom: {
          url: 'https://example.test/stream',
          method: 'POST',
          headers: 'Authorization: Bearer {{key}}',
          bodyTemplate: '{"prompt": {{prompt}}}',
          dataMode: 'json',
          textPath: 'output.text',
          pattern: '',
          reasoningPath: '',
          textMode: 'cumulative',
          doneData: '',
          eventType: 'result',
        },
      },
    },
  ],
  'list-models': [{ type: 'list-models', requestId: 'm1', settings: { ...settingsInput, provider: 'ollama', apiKey: '' } }],
  ask: [
    { type: 'ask', requestId: 'r1', turns: [{ role: 'user', text: 'Hi' }] },
    {
      type: 'ask',
      requestId: 'r2',
      turns: [
        { role: 'user', text: 'Summarize this.', selection },
        { role: 'assistant', text: 'A fox jumps.' },
        { role: 'user', text: 'Shorter?' },
      ],
    },
  ],
  stop: [{ type: 'stop', requestId: 'r1' }],
  'count-tokens': [
    { type: 'count-tokens', requestId: 'b1', turns: [{ role: 'user', text: 'Summarize this.', selection }] },
    {
      type: 'count-tokens',
      requestId: 'b2',
      turns: [
        { role: 'user', text: 'Hi' },
        { role: 'assistant', text: 'Hello' },
        { role: 'user', text: '', selection },
      ],
    },
  ],
  attach: [{ type: 'attach', requestId: 'r1' }],
  'find-local-models': [{ type: 'find-local-models', requestId: 'f1', addresses: ['http://127.0.0.1:11434', '192.168.1.5:1234'] }],
  'read-selection': [{ type: 'read-selection', windowId: 3 }, { type: 'read-selection' }],
  'read-page': [{ type: 'read-page', windowId: 3 }, { type: 'read-page' }],
};

/** One valid example of every background → panel message type. */
const validBackgroundMessages: Record<BackgroundMessage['type'], BackgroundMessage[]> = {
  conversation: [
    { type: 'conversation', id: 'c1', turns: [], storage: 'disk' },
    {
      type: 'conversation',
      id: 'c2',
      turns: [
        { role: 'user', text: 'Hi' },
        { role: 'assistant', requestId: 'r1', text: 'Hel', status: 'interrupted' },
      ],
      page: { title: 'Foxes', url: 'https://e.test/', favicon: 'data:image/png;base64,AA==' },
      storage: 'private',
    },
  ],
  storage: [{ type: 'storage', id: 'c1', storage: 'full' }],
  'stream-details': [
    { type: 'stream-details', requestId: 'r1', details: null },
    {
      type: 'stream-details',
      requestId: 'r1',
      details: {
        request: {
          url: 'https://api.anthropic.com/v1/messages',
          method: 'POST',
          headers: [['x-api-key', '$ASIDE_API_KEY']],
          body: '{}',
        },
        events: [{ atMs: 12, event: 'message_start', data: '{}', id: '' }],
        eventsDropped: 0,
        sse: 'event: message_start\ndata: {}\n\n',
        sseBytesDropped: 0,
        gaps: [3, 4],
        customReading: null,
      },
    },
  ],
  settings: [
    {
      type: 'settings',
      settings: { provider: 'anthropic', hasKey: true, providersWithKey: ['anthropic'], model: 'm', baseUrl: '', custom: null },
    },
    {
      type: 'settings',
      settings: {
        provider: 'openai',
        hasKey: false,
        providersWithKey: [],
        model: 'm',
        baseUrl: '',
        custom: null,
        modelOptions: { anthropic: modelOptions, openai: { ...modelOptions, temperature: 2 } },
      },
    },
  ],
  'local-models': [
    { type: 'local-models', requestId: 'f1', results: [] },
    {
      type: 'local-models',
      requestId: 'f1',
      results: [
        {
          origin: 'http://127.0.0.1:11434',
          server: {
            origin: 'http://127.0.0.1:11434',
            kind: 'ollama',
            models: [{ id: 'llama3.2', label: 'llama3.2', contextWindow: 131072 }],
          },
        },
        { origin: 'http://127.0.0.1:1234', error: { code: 'local-unreachable', params: { host: '127.0.0.1:1234' } } },
      ],
    },
  ],
  models: [
    { type: 'models', requestId: 'm1', models: [{ id: 'llama3.2', label: 'llama3.2' }] },
    {
      type: 'models',
      requestId: 'm2',
      models: [],
      error: { code: 'network', params: { host: 'localhost:11434' }, detail: 'Failed to fetch', fix: 'retry' },
    },
    { type: 'models', requestId: 'm3', models: [], error: { code: 'models-unsupported', params: { provider: 'custom-sse' } } },
    { type: 'models', requestId: 'm4', models: [{ id: 'small', label: 'Small', contextWindow: 2048 }] },
  ],
  'token-count': [
    {
      type: 'token-count',
      requestId: 'b1',
      inputTokens: 1234,
      exact: true,
      requestEstimate: 1200,
      maxOutputTokens: 4096,
      contextWindow: 200_000,
      windowSource: 'table',
    },
    {
      type: 'token-count',
      requestId: 'b2',
      inputTokens: 10,
      exact: false,
      requestEstimate: 10,
      maxOutputTokens: 1,
      contextWindow: null,
    },
  ],
  selection: [
    { type: 'selection', selection, action: 'summarize' },
    { type: 'selection', selection, action: 'explain' },
    { type: 'selection', selection, action: 'ask' },
    { type: 'selection', selection, action: null },
  ],
  notice: [
    { type: 'notice', error: { code: 'restricted-page' } },
    { type: 'notice', error: { code: 'no-page-access', detail: 'Cannot access contents of the page.', fix: 'grant-page-access' } },
    { type: 'notice', error: { code: 'question-too-long', params: { length: 100_001, max: 100_000 } } },
  ],
  'connection-test': [
    { type: 'connection-test', requestId: 'r1', result: { kind: 'connected', model: 'claude-sonnet-5-5' } },
    { type: 'connection-test', requestId: 'r2', result: { kind: 'preview', text: 'Hello from the endpoint', complete: true } },
    { type: 'connection-test', requestId: 'r3', result: { kind: 'preview', text: '', complete: false } },
    { type: 'connection-test', requestId: 'r4', result: { kind: 'preview', text: 'x'.repeat(MAX_PREVIEW_CHARS + 1), complete: false } },
    {
      type: 'connection-test',
      requestId: 'r5',
      result: { kind: 'failed', error: { code: 'auth', params: { status: 401 }, detail: 'invalid x-api-key', fix: 'settings' } },
    },
    { type: 'connection-test', requestId: 'r6', result: { kind: 'failed', error: { code: 'preview-no-text' } } },
  ],
  snapshot: [
    { type: 'snapshot', requestId: 'r1', seq: -1, text: '', thinking: '', usage: {}, toolCalls: [], final: null },
    {
      type: 'snapshot',
      requestId: 'r1',
      seq: 7,
      text: 'All of it.',
      thinking: 'Hmm.',
      usage: { inputTokens: 12, outputTokens: 187, cacheReadTokens: 14336, cacheWriteTokens: 2051, reasoningTokens: 0 },
      toolCalls: [
        { index: 1, id: 'toolu_01', name: 'get_weather', json: '{"city":"Zürich"}' },
        { index: 2, id: 'toolu_02', name: 'get_time', json: '' },
      ],
      final: { type: 'end', requestId: 'r1', seq: 7, stopReason: 'end_turn', outcome: 'complete' },
    },
    {
      type: 'snapshot',
      requestId: 'r1',
      seq: 3,
      text: 'Part',
      thinking: '',
      usage: { outputTokens: 4 },
      toolCalls: Array.from({ length: MAX_TOOL_CALLS }, (_, index) => ({ index, id: `call_${index}`, name: 'f', json: '{}' })),
      final: { type: 'failed', requestId: 'r1', seq: 3, error: { code: 'stream-error', detail: 'api_error: Internal', fix: 'retry' } },
    },
  ],
  usage: [
    { type: 'usage', requestId: 'r1', seq: 0, usage: { inputTokens: 25, outputTokens: 1 } },
    {
      type: 'usage',
      requestId: 'r1',
      seq: 9,
      usage: { outputTokens: 15, cacheReadTokens: 0, cacheWriteTokens: 3, reasoningTokens: 2 },
    },
    { type: 'usage', requestId: 'r1', seq: 10, usage: {} },
  ],
  'tool-start': [
    { type: 'tool-start', requestId: 'r1', seq: 3, index: 0, id: 'call_8mVnLhJg0lS1Ds7ZrGW5u3Ea', name: 'get_weather' },
    // OpenAI may start a call before its id or name is known.
    { type: 'tool-start', requestId: 'r1', seq: 4, index: 2, id: '', name: '' },
  ],
  'tool-input': [
    { type: 'tool-input', requestId: 'r1', seq: 5, index: 0, json: '{"location": "Zür' },
    { type: 'tool-input', requestId: 'r1', seq: 6, index: 0, json: '' },
  ],
  'attach-failed': [{ type: 'attach-failed', requestId: 'r1' }],
  thinking: [{ type: 'thinking', requestId: 'r1', seq: 0, text: 'Let me think…' }],
  delta: [
    { type: 'delta', requestId: 'r1', seq: 0, text: 'Hel' },
    { type: 'delta', requestId: 'r1', seq: 41, text: '' },
  ],
  retrying: [
    { type: 'retrying', requestId: 'r1', seq: 0, error: userError, inSeconds: 0.5 },
    { type: 'retrying', requestId: 'r1', seq: 1, error: userError, inSeconds: 0 },
  ],
  end: [
    { type: 'end', requestId: 'r1', seq: 5, stopReason: 'end_turn', outcome: 'complete' },
    { type: 'end', requestId: 'r1', seq: 5, stopReason: null, outcome: 'stopped' },
    { type: 'end', requestId: 'r1', seq: 5, stopReason: null, outcome: 'truncated' },
  ],
  failed: [{ type: 'failed', requestId: 'r1', seq: 2, error: userError }],
};

describe('parsePanelMessage accepts every valid message type', () => {
  for (const [type, examples] of Object.entries(validPanelMessages)) {
    it.each(examples.map((m, i) => [i, m] as const))(`accepts a valid "${type}" message (example %i) unchanged`, (_i, message) => {
      expect(parsePanelMessage(message)).toEqual(message);
    });
  }

  it('drops keys that are not part of the protocol instead of passing them on', () => {
    expect(parsePanelMessage({ type: 'stop', requestId: 'r1', injected: '<script>' })).toEqual({ type: 'stop', requestId: 'r1' });
  });

  it('accepts an ask with exactly 500 turns, the upper bound', () => {
    const turns = Array.from({ length: 500 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', text: `t${i}` }));
    expect(parsePanelMessage({ type: 'ask', requestId: 'r', turns })).not.toBeNull();
  });
});

describe('parsePanelMessage rejects malformed messages', () => {
  const longString = (n: number) => 'x'.repeat(n);
  const cases: [string, unknown][] = [
    ['null', null],
    ['a string', 'hello'],
    ['an array', [{ type: 'hello' }]],
    ['an object without a type', { requestId: 'r1' }],
    ['an unknown type', { type: 'delete-everything' }],
    ['a background message type sent by the panel', { type: 'delta', requestId: 'r1', seq: 0, text: 'x' }],
    ['a type of the wrong case', { type: 'Hello' }],
    ['hello with a non-integer windowId', { type: 'hello', windowId: 1.5 }],
    ['hello with a string windowId', { type: 'hello', windowId: '1' }],
    ['read-selection with a non-integer windowId', { type: 'read-selection', windowId: 2.25 }],
    ['read-page with a non-integer windowId', { type: 'read-page', windowId: 2.25 }],
    ['read-page with a string windowId', { type: 'read-page', windowId: '3' }],
    ['save-settings without settings', { type: 'save-settings' }],
    ['save-settings missing the model', { type: 'save-settings', settings: { apiKey: null, baseUrl: '' } }],
    ['save-settings with a numeric apiKey', { type: 'save-settings', settings: { ...settingsInput, apiKey: 42 } }],
    ['save-settings with an undefined apiKey', { type: 'save-settings', settings: { model: 'm', baseUrl: '' } }],
    ['save-settings with a 1001-character key', { type: 'save-settings', settings: { ...settingsInput, apiKey: longString(1_001) } }],
    ['save-settings with a 201-character model', { type: 'save-settings', settings: { ...settingsInput, model: longString(201) } }],
    [
      'save-settings with a 2001-character base URL',
      { type: 'save-settings', settings: { ...settingsInput, baseUrl: longString(2_001) } },
    ],
    ['test-connection without a requestId', { type: 'test-connection', settings: settingsInput }],
    ['stop with an empty requestId', { type: 'stop', requestId: '' }],
    ['stop with a 101-character requestId', { type: 'stop', requestId: longString(101) }],
    ['stop with a numeric requestId', { type: 'stop', requestId: 1 }],
    ['ask with zero turns', { type: 'ask', requestId: 'r1', turns: [] }],
    ['count-tokens with zero turns', { type: 'count-tokens', requestId: 'b1', turns: [] }],
    ['count-tokens without a requestId', { type: 'count-tokens', turns: [{ role: 'user', text: 'x' }] }],
    ['count-tokens with a system turn', { type: 'count-tokens', requestId: 'b1', turns: [{ role: 'system', text: 'x' }] }],
    ['ask without turns', { type: 'ask', requestId: 'r1' }],
    ['ask with turns that are not an array', { type: 'ask', requestId: 'r1', turns: { role: 'user', text: 'x' } }],
    ['ask with 501 turns', { type: 'ask', requestId: 'r1', turns: Array.from({ length: 501 }, () => ({ role: 'user', text: 'x' })) }],
    ['ask with a system turn', { type: 'ask', requestId: 'r1', turns: [{ role: 'system', text: 'obey me' }] }],
    ['ask with a turn missing its text', { type: 'ask', requestId: 'r1', turns: [{ role: 'user' }] }],
    ['ask with a turn whose text is not a string', { type: 'ask', requestId: 'r1', turns: [{ role: 'user', text: ['x'] }] }],
    [
      'ask with a turn over 4,000,000 characters',
      { type: 'ask', requestId: 'r1', turns: [{ role: 'user', text: longString(4_000_001) }] },
    ],
    [
      'ask with a selection missing its url',
      { type: 'ask', requestId: 'r1', turns: [{ role: 'user', text: 'x', selection: { ...selection, url: undefined } }] },
    ],
    [
      'ask with a selection whose originalLength is negative',
      { type: 'ask', requestId: 'r1', turns: [{ role: 'user', text: 'x', selection: { ...selection, originalLength: -1 } }] },
    ],
    [
      'ask with a selection whose originalLength is fractional',
      { type: 'ask', requestId: 'r1', turns: [{ role: 'user', text: 'x', selection: { ...selection, originalLength: 2.5 } }] },
    ],
    [
      'ask with a selection whose truncated flag is a string',
      { type: 'ask', requestId: 'r1', turns: [{ role: 'user', text: 'x', selection: { ...selection, truncated: 'false' } }] },
    ],
    [
      'ask with a selection title over 2,000 characters',
      { type: 'ask', requestId: 'r1', turns: [{ role: 'user', text: 'x', selection: { ...selection, title: longString(2_001) } }] },
    ],
  ];

  const save = (options: Record<string, unknown>) => ({
    type: 'save-settings',
    settings: { ...settingsInput, options: { ...modelOptions, ...options } },
  });
  cases.push(
    ['model options with a temperature over 2', save({ temperature: 2.01 })],
    ['model options with a negative temperature', save({ temperature: -1 })],
    ['model options with a temperature as a string', save({ temperature: '0.3' })],
    ['model options with NaN as the temperature', save({ temperature: Number.NaN })],
    ['model options with max tokens of 0', save({ maxTokens: 0 })],
    ['model options with max tokens over 200,000', save({ maxTokens: 200_001 })],
    ['model options with fractional max tokens', save({ maxTokens: 99.5 })],
    ['model options with a thinking budget of 0', save({ thinkingBudget: 0 })],
    ['model options with an unknown reasoning effort', save({ reasoningEffort: 'max' })],
    ['model options with thinking as a string', save({ thinking: 'yes' })],
    ['model options with a system prompt over 20,000 characters', save({ systemPrompt: 's'.repeat(20_001) })],
    ['model options with extra fields over 20,000 characters', save({ extraFields: ' '.repeat(20_001) })],
    ['model options with extra fields as an object, not text', save({ extraFields: { top_k: 5 } })],
    ['model options with a field missing', { type: 'save-settings', settings: { ...settingsInput, options: { temperature: 0.3 } } }],
    ['a hello with a negative tab id', { type: 'hello', tabId: -1 }],
    ['a conversation.tab without a tab', { type: 'conversation.tab' }],
    ['a conversation.tab with a fractional tab', { type: 'conversation.tab', tabId: 1.5 }],
    ['a conversation.open without an id', { type: 'conversation.open' }],
    ['a conversation.open with an empty id', { type: 'conversation.open', id: '' }],
    ['a conversation.open with an id over 100 characters', { type: 'conversation.open', id: 'x'.repeat(101) }],
    [
      'a conversation.save with an answer of unknown status',
      {
        type: 'conversation.save',
        id: 'c1',
        turns: [{ role: 'assistant', requestId: 'r', text: 'x', status: 'exploded' }],
      },
    ],
    [
      'a conversation.save over the turn limit',
      { type: 'conversation.save', id: 'c1', turns: Array.from({ length: 501 }, () => ({ role: 'user', text: 'x' })) },
    ],
  );
  it.each(cases)('rejects %s', (_name, input) => {
    expect(parsePanelMessage(input)).toBeNull();
  });

  it('accepts a turn of exactly 4,000,000 characters but not one more', () => {
    const at = (n: number) => parsePanelMessage({ type: 'ask', requestId: 'r', turns: [{ role: 'user', text: longString(n) }] });
    expect(at(4_000_000)).not.toBeNull();
    expect(at(4_000_001)).toBeNull();
  });
});

describe('parseBackgroundMessage accepts every valid message type', () => {
  for (const [type, examples] of Object.entries(validBackgroundMessages)) {
    it.each(examples.map((m, i) => [i, m] as const))(`accepts a valid "${type}" message (example %i) unchanged`, (_i, message) => {
      expect(parseBackgroundMessage(message)).toEqual(message);
    });
  }

  it.each(ERROR_CODES.map((code) => [code]))('accepts a failed message with error code "%s"', (code) => {
    expect(parseBackgroundMessage({ type: 'failed', requestId: 'r', seq: 0, error: { code } })).toEqual({
      type: 'failed',
      requestId: 'r',
      seq: 0,
      error: { code },
    });
  });

  it.each(FIXES.map((fix) => [fix]))('accepts the fix "%s"', (fix) => {
    expect(parseBackgroundMessage({ type: 'notice', error: { code: 'auth', fix } })).toEqual({
      type: 'notice',
      error: { code: 'auth', fix },
    });
  });
});

describe('UserError on the port', () => {
  const notice = (error: unknown) => parseBackgroundMessage({ type: 'notice', error });

  it('carries params of every allowed kind (text, number, boolean) unchanged', () => {
    const error = {
      code: 'not-found',
      params: { status: 404, model: 'claude-nope', retriable: false, ['k'.repeat(40)]: 'x'.repeat(2_000) },
      detail: 'd'.repeat(4_000),
      fix: 'settings',
    };
    expect(notice(error)).toEqual({ type: 'notice', error });
  });

  it('carries no words of its own: a message field is dropped, whatever its length (v.object strips unknown keys)', () => {
    expect(notice({ code: 'auth', message: 'Your API key was not accepted.' })).toEqual({ type: 'notice', error: { code: 'auth' } });
    expect(notice({ code: 'auth', message: 'x'.repeat(4_001), params: { status: 401 } })).toEqual({
      type: 'notice',
      error: { code: 'auth', params: { status: 401 } },
    });
    expect(notice({ code: 'auth', message: 42, hint: 'also dropped' })).toEqual({ type: 'notice', error: { code: 'auth' } });
  });

  it('reads params given as an array as a record of its indices (valibot’s v.record accepts arrays)', () => {
    // Not what the background sends; pinned so a change in valibot's behaviour is seen.
    expect(notice({ code: 'http-status', params: [500] })).toEqual({
      type: 'notice',
      error: { code: 'http-status', params: { 0: 500 } },
    });
  });

  it.each<[string, unknown]>([
    ['an unknown code', { code: 'teapot' }],
    ['a code from the old protocol', { code: 'unknown' }],
    ['no code', { params: { status: 500 } }],
    ['a code of the wrong case', { code: 'AUTH' }],
    ['only a message, as the old protocol sent it', { message: 'Something went wrong.' }],
    ['an unknown fix', { code: 'auth', fix: 'reinstall' }],
    ['params that are not an object', { code: 'http-status', params: 'status=500' }],
    ['a param that is null', { code: 'http-status', params: { status: null } }],
    ['a param that is an object', { code: 'http-status', params: { status: { value: 500 } } }],
    ['a param that is an array', { code: 'header-line', params: { line: [1] } }],
    ['a param over 2,000 characters', { code: 'network', params: { host: 'h'.repeat(2_001) } }],
    ['a param name over 40 characters', { code: 'network', params: { ['k'.repeat(41)]: 'x' } }],
    ['a detail over 4,000 characters', { code: 'auth', detail: 'd'.repeat(4_001) }],
    ['a detail that is not a string', { code: 'auth', detail: { type: 'x' } }],
    ['null', null],
    ['a string', 'auth'],
  ])('refuses %s', (_name, error) => {
    expect(notice(error)).toBeNull();
    expect(parseBackgroundMessage({ type: 'failed', requestId: 'r', seq: 0, error })).toBeNull();
  });
});

describe('parseBackgroundMessage rejects malformed messages', () => {
  const delta = { type: 'delta', requestId: 'r1', seq: 0, text: 'x' };
  const cases: [string, unknown][] = [
    ['undefined', undefined],
    ['a number', 3],
    ['an unknown type', { type: 'eval', code: 'x' }],
    ['a panel message type sent by the background', { type: 'ask', requestId: 'r1', turns: [{ role: 'user', text: 'x' }] }],
    ['a delta without seq', { ...delta, seq: undefined }],
    ['a delta with a negative seq', { ...delta, seq: -1 }],
    ['a delta with a fractional seq', { ...delta, seq: 1.5 }],
    ['a delta with NaN as seq', { ...delta, seq: Number.NaN }],
    ['a delta with a string seq', { ...delta, seq: '0' }],
    ['a delta with an empty requestId', { ...delta, requestId: '' }],
    ['a delta with a 101-character requestId', { ...delta, requestId: 'r'.repeat(101) }],
    ['a delta whose text is null', { ...delta, text: null }],
    ['a delta over 4,000,000 characters', { ...delta, text: 'x'.repeat(4_000_001) }],
    ['settings that reveal nothing about the key', { type: 'settings', settings: { model: 'm', baseUrl: '' } }],
    [
      'settings with hasKey as a string',
      {
        type: 'settings',
        settings: { provider: 'anthropic', hasKey: 'yes', providersWithKey: [], model: 'm', baseUrl: '', custom: null },
      },
    ],
    [
      'settings with model options for a provider Aside does not know',
      {
        type: 'settings',
        settings: {
          provider: 'anthropic',
          hasKey: true,
          providersWithKey: [],
          model: 'm',
          baseUrl: '',
          custom: null,
          modelOptions: { skynet: modelOptions },
        },
      },
    ],
    [
      'settings with model options out of bounds',
      {
        type: 'settings',
        settings: {
          provider: 'anthropic',
          hasKey: true,
          providersWithKey: [],
          model: 'm',
          baseUrl: '',
          custom: null,
          modelOptions: { anthropic: { ...modelOptions, maxTokens: -1 } },
        },
      },
    ],
    ['a selection with an unknown action', { type: 'selection', selection, action: 'teapot' }],
    ['a selection without an action', { type: 'selection', selection }],
    ['a notice with an unknown error code', { type: 'notice', error: { code: 'teapot' } }],
    ['a notice with an unknown fix', { type: 'notice', error: { code: 'auth', fix: 'reinstall' } }],
    ['a notice whose detail is over 4,000 characters', { type: 'notice', error: { code: 'auth', detail: 'd'.repeat(4_001) } }],
    ['a notice without an error', { type: 'notice' }],
    [
      'models whose error is a sentence, as the old protocol sent it',
      { type: 'models', requestId: 'm1', models: [], error: 'Could not reach localhost:11434.' },
    ],
    ['models with a context window of 0', { type: 'models', requestId: 'm1', models: [{ id: 'a', label: 'a', contextWindow: 0 }] }],
    [
      'a token-count with negative tokens',
      {
        type: 'token-count',
        requestId: 'b1',
        inputTokens: -1,
        exact: false,
        requestEstimate: 0,
        maxOutputTokens: 1,
        contextWindow: null,
      },
    ],
    [
      'a token-count without a window field',
      { type: 'token-count', requestId: 'b1', inputTokens: 1, exact: false, requestEstimate: 1, maxOutputTokens: 1 },
    ],
    [
      'a token-count with an unknown window source',
      {
        type: 'token-count',
        requestId: 'b1',
        inputTokens: 1,
        exact: false,
        requestEstimate: 1,
        maxOutputTokens: 1,
        contextWindow: 5,
        windowSource: 'guess',
      },
    ],
    ['models with an error of an unknown code', { type: 'models', requestId: 'm1', models: [], error: { code: 'teapot' } }],
    ['a connection-test without a result', { type: 'connection-test', requestId: 'r1' }],
    ['a connection-test in the old ok/message shape', { type: 'connection-test', requestId: 'r1', ok: true, message: 'Connected.' }],
    ['a connection-test without a requestId', { type: 'connection-test', result: { kind: 'connected', model: 'm' } }],
    ['a connection-test result of an unknown kind', { type: 'connection-test', requestId: 'r1', result: { kind: 'maybe' } }],
    ['a connected result without a model', { type: 'connection-test', requestId: 'r1', result: { kind: 'connected' } }],
    [
      'a connected result with a model over 300 characters',
      { type: 'connection-test', requestId: 'r1', result: { kind: 'connected', model: 'm'.repeat(301) } },
    ],
    [
      'a preview over the preview bound',
      {
        type: 'connection-test',
        requestId: 'r1',
        result: { kind: 'preview', text: 'x'.repeat(MAX_PREVIEW_CHARS + 2), complete: true },
      },
    ],
    ['a preview without complete', { type: 'connection-test', requestId: 'r1', result: { kind: 'preview', text: 'x' } }],
    [
      'a preview whose complete is a string',
      { type: 'connection-test', requestId: 'r1', result: { kind: 'preview', text: 'x', complete: 'yes' } },
    ],
    ['a failed result without an error', { type: 'connection-test', requestId: 'r1', result: { kind: 'failed' } }],
    [
      'a failed result whose error is a sentence',
      { type: 'connection-test', requestId: 'r1', result: { kind: 'failed', error: 'No.' } },
    ],
    [
      'a failed result with an unknown code',
      { type: 'connection-test', requestId: 'r1', result: { kind: 'failed', error: { code: 'teapot' } } },
    ],
    ['usage without usage', { type: 'usage', requestId: 'r1', seq: 0 }],
    ['usage with a negative count', { type: 'usage', requestId: 'r1', seq: 0, usage: { inputTokens: -1 } }],
    ['usage with a fractional count', { type: 'usage', requestId: 'r1', seq: 0, usage: { outputTokens: 1.5 } }],
    ['usage with a string count', { type: 'usage', requestId: 'r1', seq: 0, usage: { outputTokens: '15' } }],
    ['usage with a null count', { type: 'usage', requestId: 'r1', seq: 0, usage: { cacheReadTokens: null } }],
    ['usage without seq', { type: 'usage', requestId: 'r1', usage: {} }],
    ['a tool-start with a negative index', { type: 'tool-start', requestId: 'r1', seq: 0, index: -1, id: 'a', name: 'f' }],
    ['a tool-start with a fractional index', { type: 'tool-start', requestId: 'r1', seq: 0, index: 0.5, id: 'a', name: 'f' }],
    ['a tool-start without a name', { type: 'tool-start', requestId: 'r1', seq: 0, index: 0, id: 'a' }],
    [
      'a tool-start with a name over 2,000 characters',
      { type: 'tool-start', requestId: 'r1', seq: 0, index: 0, id: 'a', name: 'f'.repeat(2_001) },
    ],
    [
      'a tool-start with an id over 2,000 characters',
      { type: 'tool-start', requestId: 'r1', seq: 0, index: 0, id: 'a'.repeat(2_001), name: 'f' },
    ],
    ['a tool-input whose json is an object', { type: 'tool-input', requestId: 'r1', seq: 0, index: 0, json: { location: 'x' } }],
    ['a tool-input without an index', { type: 'tool-input', requestId: 'r1', seq: 0, json: '{' }],
    ['a tool-input over 4,000,000 characters', { type: 'tool-input', requestId: 'r1', seq: 0, index: 0, json: 'x'.repeat(4_000_001) }],
    ['a snapshot without usage', { type: 'snapshot', requestId: 'r1', seq: -1, text: '', thinking: '', toolCalls: [], final: null }],
    ['a snapshot without toolCalls', { type: 'snapshot', requestId: 'r1', seq: -1, text: '', thinking: '', usage: {}, final: null }],
    [
      'a snapshot in the old shape (no usage, no toolCalls)',
      { type: 'snapshot', requestId: 'r1', seq: -1, text: '', thinking: '', final: null },
    ],
    [
      'a snapshot with a seq below -1',
      { type: 'snapshot', requestId: 'r1', seq: -2, text: '', thinking: '', usage: {}, toolCalls: [], final: null },
    ],
    [
      'a snapshot with more tool calls than allowed',
      {
        type: 'snapshot',
        requestId: 'r1',
        seq: 0,
        text: '',
        thinking: '',
        usage: {},
        final: null,
        toolCalls: Array.from({ length: MAX_TOOL_CALLS + 1 }, (_, index) => ({ index, id: `c${index}`, name: 'f', json: '{}' })),
      },
    ],
    [
      'a snapshot with a tool call missing its json',
      {
        type: 'snapshot',
        requestId: 'r1',
        seq: 0,
        text: '',
        thinking: '',
        usage: {},
        toolCalls: [{ index: 0, id: 'a', name: 'f' }],
        final: null,
      },
    ],
    [
      'a snapshot with a tool call whose input is parsed',
      {
        type: 'snapshot',
        requestId: 'r1',
        seq: 0,
        text: '',
        thinking: '',
        usage: {},
        toolCalls: [{ index: 0, id: 'a', name: 'f', json: {} }],
        final: null,
      },
    ],
    [
      'a snapshot with bad usage',
      { type: 'snapshot', requestId: 'r1', seq: 0, text: '', thinking: '', usage: { inputTokens: -5 }, toolCalls: [], final: null },
    ],
    [
      'a snapshot whose final is a delta',
      {
        type: 'snapshot',
        requestId: 'r1',
        seq: 0,
        text: '',
        thinking: '',
        usage: {},
        toolCalls: [],
        final: { type: 'delta', requestId: 'r1', seq: 0, text: 'x' },
      },
    ],
    ['retrying with a negative wait', { type: 'retrying', requestId: 'r1', seq: 0, error: userError, inSeconds: -1 }],
    ['retrying without an error', { type: 'retrying', requestId: 'r1', seq: 0, inSeconds: 1 }],
    ['an end with an unknown outcome', { type: 'end', requestId: 'r1', seq: 0, stopReason: null, outcome: 'exploded' }],
    ['an end with a missing stopReason', { type: 'end', requestId: 'r1', seq: 0, outcome: 'complete' }],
    ['an end with a negative seq', { type: 'end', requestId: 'r1', seq: -3, stopReason: null, outcome: 'complete' }],
    ['a failed message without an error', { type: 'failed', requestId: 'r1', seq: 0 }],
    ['a conversation with an unknown storage state', { type: 'conversation', id: 'c1', turns: [], storage: 'cloud' }],
    ['a conversation without turns', { type: 'conversation', id: 'c1', storage: 'disk' }],
    ['a storage message without an id', { type: 'storage', storage: 'full' }],
  ];

  it.each(cases)('rejects %s', (_name, input) => {
    expect(parseBackgroundMessage(input)).toBeNull();
  });
});

describe('compare models', () => {
  const ask = { type: 'ask', requestId: 'r2', turns: [{ role: 'user', text: 'Which?' }] } as const;
  const tagged = {
    role: 'assistant',
    requestId: 'r2',
    text: 'Beta',
    status: 'stopped',
    compare: { group: 'r1', provider: 'openai-compatible', model: 'mock-b', chosen: false },
  } as const;

  it('an ask may name the provider, model and address to answer it', () => {
    const choice = { provider: 'openai-compatible', model: 'mock-b', baseUrl: 'http://127.0.0.1:9/v1' } as const;
    expect(parsePanelMessage({ ...ask, choice })).toEqual({ ...ask, choice });
    expect(parsePanelMessage(ask)).toEqual(ask);
  });

  it('refuses a choice with an unknown provider, a missing field or an overlong model', () => {
    expect(parsePanelMessage({ ...ask, choice: { provider: 'skynet', model: 'x', baseUrl: '' } })).toBeNull();
    expect(parsePanelMessage({ ...ask, choice: { provider: 'openai', model: 'x' } })).toBeNull();
    expect(parsePanelMessage({ ...ask, choice: { provider: 'openai', model: 'x'.repeat(201), baseUrl: '' } })).toBeNull();
  });

  it('a saved conversation carries each answer’s comparison tag, checked', () => {
    const save = { type: 'conversation.save', id: 'c1', turns: [{ role: 'user', text: 'Which?' }, tagged] } as const;
    expect(parsePanelMessage(save)).toEqual(save);
    expect(parsePanelMessage({ ...save, turns: [{ ...tagged, compare: { ...tagged.compare, chosen: 'yes' } }] })).toBeNull();
    expect(parsePanelMessage({ ...save, turns: [{ ...tagged, compare: { ...tagged.compare, group: '' } }] })).toBeNull();
    const conversation = { type: 'conversation', id: 'c1', turns: save.turns, storage: 'disk' } as const;
    expect(parseBackgroundMessage(conversation)).toEqual(conversation);
  });
});
