import * as v from 'valibot';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { BackgroundMessage, PageSelection, UserError } from '../../src/messaging/protocol.ts';
import { fromStored, toStored } from '../../src/panel/saved-conversation.ts';
import {
  initialState,
  isAnswering,
  reduce,
  resumableRequestIds,
  type AssistantTurn,
  type PanelAction,
  type PanelState,
  type Turn,
} from '../../src/panel/state.ts';
import { StoredConversationSchema, type StoredConversation } from '../../src/storage/conversation.ts';

const selection: PageSelection = {
  text: 'The quick brown fox.',
  url: 'https://example.test/a',
  title: 'Fox',
  originalLength: 20,
  truncated: false,
};
const overloaded: UserError = { code: 'overloaded', params: { status: 529 }, fix: 'retry' };

const bg = (message: BackgroundMessage): PanelAction => ({ type: 'background', message });
const delta = (requestId: string, seq: number, text: string) => bg({ type: 'delta', requestId, seq, text });

function run(state: PanelState, ...actions: PanelAction[]): PanelState {
  return actions.reduce(reduce, state);
}

function answer(state: PanelState, requestId: string): AssistantTurn {
  const turn = state.turns.find((t): t is AssistantTurn => t.role === 'assistant' && t.requestId === requestId);
  if (!turn) throw new Error(`no answer ${requestId}`);
  return turn;
}

const ready: PanelState = run(
  initialState,
  { type: 'connected' },
  bg({
    type: 'settings',
    settings: { provider: 'anthropic', hasKey: true, providersWithKey: ['anthropic'], model: 'm', baseUrl: '', custom: null },
  }),
);

/** A state with one question asked and its answer streaming under request r1. */
const asking = run(ready, { type: 'draft', text: 'What is this?' }, { type: 'ask', requestId: 'r1', question: 'What is this?' });

const withTurns = (turns: Turn[], extra: Partial<PanelState> = {}): PanelState => ({ ...ready, turns, ...extra });

/** Save and reopen: what the next panel starts with. */
const reopened = (state: PanelState, into: PanelState = initialState): PanelState =>
  reduce(into, { type: 'restore', saved: fromStored(structuredClone(toStored(state))) });

describe('toStored', () => {
  it('keeps what the user saw and drops the reducer’s bookkeeping (lastSeq, retry, resumable)', () => {
    const state = withTurns(
      [
        { role: 'user', text: 'Q1', selection },
        {
          role: 'assistant',
          requestId: 'a',
          text: 'Full',
          thinking: 'Hmm.',
          usage: { inputTokens: 12, outputTokens: 4 },
          toolCalls: [{ index: 0, id: 'toolu_1', name: 'search', json: '{"q":"fox"}' }],
          status: 'complete',
          lastSeq: 9,
        },
        { role: 'user', text: 'Q2' },
        { role: 'assistant', requestId: 'b', text: 'Par', status: 'failed', lastSeq: 2, error: overloaded },
        { role: 'user', text: 'Q3' },
        { role: 'assistant', requestId: 'c', text: '', status: 'retrying', lastSeq: 0, retry: { error: overloaded, inSeconds: 2 } },
      ],
      { selection, draft: 'typing…', notice: overloaded, settingsOpen: true },
    );
    const stored = toStored(state);
    expect(stored).toEqual({
      turns: [
        { role: 'user', text: 'Q1', selection },
        {
          role: 'assistant',
          requestId: 'a',
          text: 'Full',
          thinking: 'Hmm.',
          usage: { inputTokens: 12, outputTokens: 4 },
          toolCalls: [{ index: 0, id: 'toolu_1', name: 'search', json: '{"q":"fox"}' }],
          status: 'complete',
        },
        { role: 'user', text: 'Q2' },
        { role: 'assistant', requestId: 'b', text: 'Par', status: 'failed', error: overloaded },
        { role: 'user', text: 'Q3' },
        { role: 'assistant', requestId: 'c', text: '', status: 'retrying' },
      ],
      selection,
      draft: 'typing…',
    } satisfies StoredConversation);
    for (const field of ['lastSeq', 'retry', 'resumable', 'notice', 'settings'])
      expect(JSON.stringify(stored)).not.toContain(`"${field}":`);
  });

  it('gives a value the storage schema accepts, for any state the reducer makes', () => {
    const state = run(
      asking,
      delta('r1', 0, 'x'),
      bg({ type: 'thinking', requestId: 'r1', seq: 1, text: 'hm' }),
      bg({ type: 'usage', requestId: 'r1', seq: 2, usage: { inputTokens: 3 } }),
      bg({ type: 'tool-start', requestId: 'r1', seq: 3, index: 0, id: 't', name: 'n' }),
      bg({ type: 'retrying', requestId: 'r1', seq: 4, error: overloaded, inSeconds: 1 }),
    );
    expect(v.safeParse(StoredConversationSchema, toStored(state)).success).toBe(true);
    expect(v.safeParse(StoredConversationSchema, toStored(reduce(state, { type: 'disconnected' }))).success).toBe(true);
  });

  it('stores an answer cut off on this side only (resumable) as not ended, so a reopened panel asks for it', () => {
    const cut = reduce(run(asking, delta('r1', 0, 'Par')), { type: 'disconnected' });
    expect(answer(cut, 'r1')).toMatchObject({ status: 'interrupted', resumable: true });
    expect(toStored(cut).turns[1]).toEqual({ role: 'assistant', requestId: 'r1', text: 'Par', status: 'streaming' });
    // Once the background said it has no such answer, it stays interrupted for good.
    const gone = reduce(cut, bg({ type: 'attach-failed', requestId: 'r1' }));
    expect(toStored(gone).turns[1]).toEqual({ role: 'assistant', requestId: 'r1', text: 'Par', status: 'interrupted' });
  });

  it('keeps a continued answer’s prefix, its stop reason and how long it reasoned, but not when reasoning began', () => {
    const at = (message: BackgroundMessage, time: number): PanelAction => ({ type: 'background', message, at: time });
    const state = run(
      asking,
      at({ type: 'thinking', requestId: 'r1', seq: 0, text: 'hm' }, 1_000),
      at({ type: 'delta', requestId: 'r1', seq: 1, text: 'Half ' }, 2_500),
      at({ type: 'end', requestId: 'r1', seq: 2, stopReason: 'max_tokens', outcome: 'complete' }, 3_000),
      { type: 'continue', requestId: 'r1', newRequestId: 'r2' },
      delta('r2', 0, ' more'),
    );
    const stored = toStored(state);
    expect(v.safeParse(StoredConversationSchema, stored).success).toBe(true);
    expect(stored.turns[1]).toMatchObject({ requestId: 'r2', text: 'Half more', prefix: 'Half', thinkingMs: 1_500 });
    expect(JSON.stringify(stored)).not.toContain('thinkingSince');
    const done = run(state, bg({ type: 'end', requestId: 'r2', seq: 1, stopReason: 'end_turn', outcome: 'complete' }));
    const restored = fromStored(toStored(done)).turns[1] as AssistantTurn;
    expect(restored).toMatchObject({
      text: 'Half more',
      prefix: 'Half',
      stopReason: 'end_turn',
      thinkingMs: 1_500,
      status: 'complete',
    });
  });

  it('caps a draft longer than storage takes', () => {
    const state = { ...ready, draft: 'x'.repeat(4_000_001) };
    expect(toStored(state).draft).toHaveLength(4_000_000);
  });
});

describe('fromStored', () => {
  const stored: StoredConversation = {
    turns: [
      { role: 'user', text: 'Q1', selection },
      { role: 'assistant', requestId: 'a', text: 'Full', thinking: 'Hmm.', status: 'complete', usage: { outputTokens: 4 } },
      { role: 'user', text: 'Q2' },
      { role: 'assistant', requestId: 'b', text: 'Half', status: 'streaming' },
      { role: 'user', text: 'Q3' },
      { role: 'assistant', requestId: 'c', text: '', status: 'retrying' },
      { role: 'user', text: 'Q4' },
      { role: 'assistant', requestId: 'd', text: 'Cut', status: 'interrupted' },
      { role: 'user', text: 'Q5' },
      { role: 'assistant', requestId: 'e', text: 'P', status: 'failed', error: overloaded },
    ],
    selection,
    draft: 'typing…',
  };

  it('marks answers that had not ended interrupted and resumable, keeping their text; lastSeq starts at -1', () => {
    expect(fromStored(stored)).toEqual({
      turns: [
        { role: 'user', text: 'Q1', selection },
        {
          role: 'assistant',
          requestId: 'a',
          text: 'Full',
          thinking: 'Hmm.',
          usage: { outputTokens: 4 },
          status: 'complete',
          lastSeq: -1,
        },
        { role: 'user', text: 'Q2' },
        { role: 'assistant', requestId: 'b', text: 'Half', status: 'interrupted', lastSeq: -1, resumable: true },
        { role: 'user', text: 'Q3' },
        { role: 'assistant', requestId: 'c', text: '', status: 'interrupted', lastSeq: -1, resumable: true },
        { role: 'user', text: 'Q4' },
        { role: 'assistant', requestId: 'd', text: 'Cut', status: 'interrupted', lastSeq: -1 },
        { role: 'user', text: 'Q5' },
        { role: 'assistant', requestId: 'e', text: 'P', status: 'failed', lastSeq: -1, error: overloaded },
      ],
      selection,
      draft: 'typing…',
    });
  });

  it('restores into a panel with nothing live, asking for the resumable answers', () => {
    const state = reduce(ready, { type: 'restore', saved: fromStored(stored) });
    expect(isAnswering(state)).toBe(false);
    expect(resumableRequestIds(state)).toEqual(['b', 'c']);
    expect(state.selection).toEqual(selection);
    expect(state.draft).toBe('typing…');
    expect(answer(state, 'c').retry).toBeUndefined();
  });
});

// The restore tests that went through toSaved (moved from state.test.ts), through the stored format.
describe('save and reopen', () => {
  it('round-trips through toStored and fromStored', () => {
    const state = run(
      asking,
      delta('r1', 0, 'x'),
      bg({ type: 'end', requestId: 'r1', seq: 1, stopReason: null, outcome: 'complete' }),
      {
        type: 'draft',
        text: 'next',
      },
    );
    const restored = reopened(state);
    expect(toStored(restored)).toEqual(toStored(state));
    expect(restored.turns).toEqual(state.turns.map((turn) => (turn.role === 'assistant' ? { ...turn, lastSeq: -1 } : turn)));
    expect(restored.draft).toBe('next');
  });

  it('an answer saved while streaming comes back interrupted with its text, then re-attaches', () => {
    const restored = reopened(run(asking, delta('r1', 0, 'Par')), ready);
    expect(answer(restored, 'r1')).toMatchObject({ status: 'interrupted', text: 'Par', resumable: true });
    expect(resumableRequestIds(restored)).toEqual(['r1']);
    // A snapshot of a finished answer shows it finished, with its final text.
    const state = reduce(
      restored,
      bg({
        type: 'snapshot',
        requestId: 'r1',
        seq: 9,
        text: 'The whole answer.',
        thinking: 'Because.',
        usage: {},
        toolCalls: [],
        final: { type: 'end', requestId: 'r1', seq: 9, stopReason: 'end_turn', outcome: 'complete' },
      }),
    );
    expect(answer(state, 'r1')).toMatchObject({ status: 'complete', text: 'The whole answer.', thinking: 'Because.', lastSeq: 9 });
    expect(answer(state, 'r1').resumable).toBeUndefined();
  });

  it('a snapshot with nothing yet (seq -1) keeps the saved text; any later one replaces it', () => {
    const restored = reopened(run(asking, delta('r1', 0, 'Par')), ready);
    const empty = reduce(
      restored,
      bg({ type: 'snapshot', requestId: 'r1', seq: -1, text: '', thinking: '', usage: {}, toolCalls: [], final: null }),
    );
    expect(answer(empty, 'r1')).toMatchObject({ status: 'streaming', text: 'Par' });
    const first = reduce(
      restored,
      bg({ type: 'snapshot', requestId: 'r1', seq: 0, text: 'Partial', thinking: '', usage: {}, toolCalls: [], final: null }),
    );
    expect(answer(first, 'r1')).toMatchObject({ status: 'streaming', text: 'Partial', lastSeq: 0 });
    expect(answer(reduce(first, delta('r1', 1, ' more')), 'r1').text).toBe('Partial more');
  });

  it('an answer saved while waiting to retry comes back interrupted, without the countdown', () => {
    const waiting = run(asking, bg({ type: 'retrying', requestId: 'r1', seq: 0, error: overloaded, inSeconds: 2 }));
    expect(answer(waiting, 'r1').retry).toEqual({ error: overloaded, inSeconds: 2 });
    const restored = reopened(waiting);
    expect(answer(restored, 'r1')).toMatchObject({ status: 'interrupted', resumable: true });
    expect(answer(restored, 'r1').retry).toBeUndefined();
  });

  it('an answer cut off by a lost port is still asked for after the panel reopens', () => {
    const cut = reduce(run(asking, delta('r1', 0, 'Par')), { type: 'disconnected' });
    const restored = reopened(cut);
    expect(answer(restored, 'r1')).toMatchObject({ status: 'interrupted', text: 'Par', resumable: true });
    expect(resumableRequestIds(restored)).toEqual(['r1']);
  });

  describe('through storage', () => {
    beforeEach(() => {
      fakeBrowser.reset();
    });

    it('what the panel saves is what the next panel restores', async () => {
      vi.resetModules();
      const { saveConversation, loadConversation } = await import('../../src/storage/conversation.ts');
      const state = run(asking, delta('r1', 0, 'Half'), bg({ type: 'usage', requestId: 'r1', seq: 1, usage: { inputTokens: 5 } }), {
        type: 'draft',
        text: 'next',
      });
      await saveConversation(toStored(state));
      const disk = JSON.stringify(await fakeBrowser.storage.local.get(null));
      expect(disk).not.toContain('"lastSeq":');
      const loaded = await loadConversation();
      if (!loaded) throw new Error('nothing was saved');
      const restored = reduce(initialState, { type: 'restore', saved: fromStored(loaded) });
      expect(answer(restored, 'r1')).toEqual({
        role: 'assistant',
        requestId: 'r1',
        text: 'Half',
        usage: { inputTokens: 5 },
        status: 'interrupted',
        lastSeq: -1,
        resumable: true,
      });
      expect(restored.draft).toBe('next');
    });
  });
});
