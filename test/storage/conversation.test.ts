import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { StoredConversation } from '../../src/storage/conversation.ts';

// The item is defined (and migrated) when conversation.ts is first imported, as when the
// panel opens: each test seeds storage, then imports fresh modules.
async function start() {
  vi.resetModules();
  const conversation = await import('../../src/storage/conversation.ts');
  const { takeStorageProblems } = await import('../../src/storage/item.ts');
  return { ...conversation, takeStorageProblems };
}

const local = async () => fakeBrowser.storage.local.get<Record<string, unknown>>(null);

const selection = { text: 'The quick brown fox.', url: 'https://example.test/a', title: 'Fox', originalLength: 20, truncated: false };

/** What the panel saved before version 2: its own state, transient fields and English errors included. */
const v1 = {
  turns: [
    { role: 'user', text: 'Q1', selection },
    { role: 'assistant', requestId: 'a', text: 'Full', thinking: 'Hmm.', status: 'complete', lastSeq: 4 },
    { role: 'user', text: 'Q2' },
    {
      role: 'assistant',
      requestId: 'b',
      text: 'Par',
      status: 'failed',
      lastSeq: 2,
      error: {
        code: 'overloaded',
        message: 'Anthropic is overloaded. Try again in a moment.',
        detail: 'overloaded_error: Overloaded',
        fix: 'retry',
      },
    },
    { role: 'user', text: 'Q3' },
    // Codes that no longer exist become 'internal'; the sentence is kept.
    {
      role: 'assistant',
      requestId: 'c',
      text: 'Cut',
      status: 'failed',
      lastSeq: 1,
      error: { code: 'truncated', message: 'The answer was cut off.' },
    },
    { role: 'user', text: 'Q4' },
    {
      role: 'assistant',
      requestId: 'd',
      text: '',
      status: 'failed',
      lastSeq: 0,
      error: { code: 'bad-settings', message: 'Check the model.', fix: 'settings' },
    },
    { role: 'user', text: 'Q5' },
    {
      role: 'assistant',
      requestId: 'e',
      text: '',
      status: 'retrying',
      lastSeq: 0,
      retry: { error: { code: 'rate-limit', message: 'Too many requests.', fix: 'retry' }, inSeconds: 2 },
    },
    { role: 'user', text: 'Q6' },
    { role: 'assistant', requestId: 'f', text: 'Half', status: 'interrupted', lastSeq: 3, resumable: true },
  ],
  selection,
  draft: 'typing…',
};

const v2: StoredConversation = {
  turns: [
    { role: 'user', text: 'Q1', selection },
    { role: 'assistant', requestId: 'a', text: 'Full', thinking: 'Hmm.', status: 'complete' },
    { role: 'user', text: 'Q2' },
    {
      role: 'assistant',
      requestId: 'b',
      text: 'Par',
      status: 'failed',
      error: {
        code: 'earlier-error',
        detail: 'Anthropic is overloaded. Try again in a moment.\noverloaded_error: Overloaded',
        fix: 'retry',
      },
    },
    { role: 'user', text: 'Q3' },
    {
      role: 'assistant',
      requestId: 'c',
      text: 'Cut',
      status: 'failed',
      error: { code: 'earlier-error', detail: 'The answer was cut off.' },
    },
    { role: 'user', text: 'Q4' },
    {
      role: 'assistant',
      requestId: 'd',
      text: '',
      status: 'failed',
      error: { code: 'earlier-error', detail: 'Check the model.', fix: 'settings' },
    },
    { role: 'user', text: 'Q5' },
    { role: 'assistant', requestId: 'e', text: '', status: 'retrying' },
    { role: 'user', text: 'Q6' },
    { role: 'assistant', requestId: 'f', text: 'Half', status: 'interrupted' },
  ],
  selection,
  draft: 'typing…',
};

beforeEach(() => {
  fakeBrowser.reset();
});

describe('the stored conversation', () => {
  it('is null until saved', async () => {
    const { loadConversation, takeStorageProblems } = await start();
    expect(await loadConversation()).toBeNull();
    expect(takeStorageProblems()).toEqual([]);
  });

  it('migrates version 1: transient fields dropped, old errors kept as what they said (earlier-error, the sentence in detail)', async () => {
    await fakeBrowser.storage.local.set({ currentConversation: v1 });
    const { loadConversation, takeStorageProblems } = await start();
    expect(await loadConversation()).toEqual(v2);
    expect(takeStorageProblems()).toEqual([]);
    const disk = await local();
    expect(disk['currentConversation$']).toEqual({ v: 2 });
    for (const field of ['lastSeq', 'retry', 'resumable', 'message'])
      expect(JSON.stringify(disk.currentConversation)).not.toContain(`"${field}":`);
  });

  it('caps a migrated detail at the schema limit', async () => {
    const long = {
      ...v1,
      turns: [v1.turns[0], { ...v1.turns[3], error: { code: 'server', message: 'x'.repeat(3_000), detail: 'y'.repeat(3_000) } }],
    };
    await fakeBrowser.storage.local.set({ currentConversation: long });
    const { loadConversation } = await start();
    const loaded = await loadConversation();
    const error = loaded?.turns[1]?.role === 'assistant' ? loaded.turns[1].error : undefined;
    expect(error?.code).toBe('earlier-error');
    expect(error?.detail).toHaveLength(4_000);
    expect(error?.detail?.startsWith('x'.repeat(3_000))).toBe(true);
    expect(error?.detail?.endsWith('…')).toBe(true);
  });

  it('round-trips, stamped version 2, and is not migrated again', async () => {
    const { loadConversation, saveConversation } = await start();
    const withExtras: StoredConversation = {
      ...v2,
      turns: [
        ...v2.turns,
        { role: 'user', text: 'Q7' },
        {
          role: 'assistant',
          requestId: 'g',
          text: 'Done.',
          status: 'complete',
          usage: { inputTokens: 10, outputTokens: 3 },
          toolCalls: [{ index: 0, id: 'toolu_1', name: 'search', json: '{"q":"fox"}' }],
        },
      ],
    };
    await saveConversation(withExtras);
    expect(await loadConversation()).toEqual(withExtras);
    expect((await local())['currentConversation$']).toEqual({ v: 2 });
    const again = await start();
    expect(await again.loadConversation()).toEqual(withExtras);
  });

  it('stores only the stored format, whatever else the value carries', async () => {
    const { saveConversation } = await start();
    const turn = {
      role: 'assistant',
      requestId: 'a',
      text: 'x',
      status: 'complete',
      lastSeq: 3,
      resumable: true,
      retry: { inSeconds: 1 },
    };
    await saveConversation({ turns: [{ role: 'user', text: 'Q' }, turn], selection: null, draft: '' } as StoredConversation);
    expect((await local()).currentConversation).toEqual({
      turns: [
        { role: 'user', text: 'Q' },
        { role: 'assistant', requestId: 'a', text: 'x', status: 'complete' },
      ],
      selection: null,
      draft: '',
    });
  });

  it.each([
    ['junk', 'not a conversation'],
    ['a turn of an unknown role', { turns: [{ role: 'system', text: 'x' }], selection: null, draft: '' }],
    [
      'an answer with an unknown status',
      { turns: [{ role: 'assistant', requestId: 'a', text: '', status: 'pondering' }], selection: null, draft: '' },
    ],
    ['too many turns', { turns: Array.from({ length: 501 }, () => ({ role: 'user', text: 'x' })), selection: null, draft: '' }],
  ])('resets %s to no conversation, with one storage-reset problem', async (_, junk) => {
    await fakeBrowser.storage.local.set({ currentConversation: junk });
    const { loadConversation, takeStorageProblems } = await start();
    expect(await loadConversation()).toBeNull();
    expect(await loadConversation()).toBeNull();
    expect(takeStorageProblems()).toEqual([{ code: 'storage-reset', params: { item: 'currentConversation' } }]);
  });

  it('refuses to save a conversation that does not match the schema', async () => {
    const { saveConversation } = await start();
    await expect(
      saveConversation({ turns: [{ role: 'assistant', requestId: '', text: '', status: 'complete' }], selection: null, draft: '' }),
    ).rejects.toThrow(/local:currentConversation/);
    expect(await local()).toEqual({});
  });
});
