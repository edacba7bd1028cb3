import { beforeAll, describe, expect, it } from 'vitest';
import type { BackgroundMessage, PageSelection, UserError } from '../../src/messaging/protocol.ts';
import { errorText } from '../../src/panel/i18n/index.ts';
import { fromStored, toStored } from '../../src/panel/saved-conversation.ts';
import { browserSpeaks } from '../i18n/catalogs.ts';
import {
  askProblem,
  canContinue,
  editProblem,
  hitLengthLimit,
  initialState,
  lastUserTurnIndex,
  isAnswering,
  MAX_QUESTION_CHARS,
  reduce,
  turnsForRequest,
  type AssistantTurn,
  type PanelAction,
  type PanelState,
  type Turn,
} from '../../src/panel/state.ts';

const selection: PageSelection = {
  text: 'The quick brown fox.',
  url: 'https://example.test/a',
  title: 'Fox',
  originalLength: 20,
  truncated: false,
};
const overloaded: UserError = { code: 'overloaded', params: { status: 529 }, fix: 'retry' };

// askProblem's codes are checked in the words an English user reads.
beforeAll(() => browserSpeaks('en'));
const words = (problem: UserError | null): string => (problem ? errorText(problem) : '');

const bg = (message: BackgroundMessage): PanelAction => ({ type: 'background', message });
const delta = (requestId: string, seq: number, text: string) => bg({ type: 'delta', requestId, seq, text });

function run(state: PanelState, ...actions: PanelAction[]): PanelState {
  return actions.reduce(reduce, state);
}

/** Connected, with a key, no conversation yet. */
const ready: PanelState = run(
  initialState,
  { type: 'connected' },
  bg({
    type: 'settings',
    settings: { provider: 'anthropic', hasKey: true, providersWithKey: ['anthropic'], model: 'm', baseUrl: '', custom: null },
  }),
);

function answer(state: PanelState, requestId: string): AssistantTurn {
  const turn = state.turns.find((t): t is AssistantTurn => t.role === 'assistant' && t.requestId === requestId);
  if (!turn) throw new Error(`no answer ${requestId}`);
  return turn;
}

/** A state with one question asked and its answer streaming under request r1. */
const asking = run(ready, { type: 'draft', text: 'What is this?' }, { type: 'ask', requestId: 'r1', question: 'What is this?' });

describe('stream messages', () => {
  it('appends deltas to the answer in sequence order', () => {
    const state = run(asking, delta('r1', 0, 'Hel'), delta('r1', 1, 'lo'), delta('r1', 2, '!'));
    expect(answer(state, 'r1')).toMatchObject({ text: 'Hello!', status: 'streaming', lastSeq: 2 });
  });

  it('ignores a repeated sequence number', () => {
    const state = run(asking, delta('r1', 0, 'A'), delta('r1', 1, 'B'), delta('r1', 1, 'B'));
    expect(answer(state, 'r1').text).toBe('AB');
  });

  it('ignores a message older than the last one applied, returning the same state', () => {
    const before = run(asking, delta('r1', 0, 'A'), delta('r1', 3, 'D'));
    const after = reduce(before, delta('r1', 2, 'C'));
    expect(after).toBe(before);
    expect(answer(after, 'r1').text).toBe('AD');
  });

  it('ignores messages for an unknown request', () => {
    const after = reduce(asking, delta('nope', 0, 'x'));
    expect(after).toBe(asking);
  });

  it('applies deltas only to their own request', () => {
    const two = run(asking, bg({ type: 'end', requestId: 'r1', seq: 0, stopReason: 'end_turn', outcome: 'complete' }), {
      type: 'ask',
      requestId: 'r2',
      question: 'More?',
    });
    const state = run(two, delta('r2', 0, 'second'));
    expect(answer(state, 'r1').text).toBe('');
    expect(answer(state, 'r2').text).toBe('second');
  });

  it.each(['complete', 'stopped', 'truncated'] as const)('an end with outcome %s sets that status and keeps the text', (outcome) => {
    const state = run(asking, delta('r1', 0, 'Partial'), bg({ type: 'end', requestId: 'r1', seq: 1, stopReason: null, outcome }));
    expect(answer(state, 'r1')).toMatchObject({ text: 'Partial', status: outcome, lastSeq: 1 });
    expect(isAnswering(state)).toBe(false);
  });

  it('a failed message sets the failed status and keeps the error and the text', () => {
    const error: UserError = { code: 'stream-error', detail: 'api_error: Stopped.', fix: 'retry' };
    const state = run(asking, delta('r1', 0, 'Half'), bg({ type: 'failed', requestId: 'r1', seq: 1, error }));
    expect(answer(state, 'r1')).toMatchObject({ text: 'Half', status: 'failed', error });
    expect(isAnswering(state)).toBe(false);
  });

  it('retrying shows the wait and its reason while the answer is still live', () => {
    const state = run(asking, bg({ type: 'retrying', requestId: 'r1', seq: 0, error: overloaded, inSeconds: 1.5 }));
    expect(answer(state, 'r1')).toMatchObject({ status: 'retrying', retry: { error: overloaded, inSeconds: 1.5 } });
    expect(isAnswering(state)).toBe(true);
  });

  it('a delta after retrying goes back to streaming and clears the retry note', () => {
    const state = run(asking, bg({ type: 'retrying', requestId: 'r1', seq: 0, error: overloaded, inSeconds: 1 }), delta('r1', 1, 'Go'));
    const turn = answer(state, 'r1');
    expect(turn.status).toBe('streaming');
    expect(turn.retry).toBeUndefined();
    expect(turn.text).toBe('Go');
  });

  it('a failure after retrying clears the retry note', () => {
    const state = run(
      asking,
      bg({ type: 'retrying', requestId: 'r1', seq: 0, error: overloaded, inSeconds: 1 }),
      bg({ type: 'failed', requestId: 'r1', seq: 1, error: overloaded }),
    );
    expect(answer(state, 'r1').retry).toBeUndefined();
    expect(answer(state, 'r1').status).toBe('failed');
  });

  it('a retrying message for an answer that is no longer live does not bring it back', () => {
    const state = run(
      asking,
      { type: 'disconnected' },
      bg({ type: 'retrying', requestId: 'r1', seq: 0, error: overloaded, inSeconds: 1 }),
    );
    expect(answer(state, 'r1').status).toBe('interrupted');
    expect(answer(state, 'r1').retry).toBeUndefined();
  });

  it('a late delta for a finished answer adds text but keeps its status', () => {
    const state = run(
      asking,
      bg({ type: 'end', requestId: 'r1', seq: 0, stopReason: null, outcome: 'stopped' }),
      delta('r1', 1, 'late'),
    );
    expect(answer(state, 'r1')).toMatchObject({ status: 'stopped', text: 'late' });
  });
});

describe('connection', () => {
  it('connected and disconnected set the connected flag', () => {
    expect(reduce(initialState, { type: 'connected' }).connected).toBe(true);
    expect(reduce(ready, { type: 'disconnected' }).connected).toBe(false);
  });

  it('disconnected marks live answers interrupted, keeps their text, and leaves finished answers alone', () => {
    const done = run(
      asking,
      delta('r1', 0, 'Done.'),
      bg({ type: 'end', requestId: 'r1', seq: 1, stopReason: 'end_turn', outcome: 'complete' }),
    );
    const live = run(done, { type: 'ask', requestId: 'r2', question: 'Next?' }, delta('r2', 0, 'So far'));
    const retrying = run(live, bg({ type: 'retrying', requestId: 'r2', seq: 1, error: overloaded, inSeconds: 2 }));
    const state = reduce(retrying, { type: 'disconnected' });
    expect(answer(state, 'r1')).toMatchObject({ status: 'complete', text: 'Done.' });
    expect(answer(state, 'r2')).toMatchObject({ status: 'interrupted', text: 'So far' });
    expect(answer(state, 'r2').retry).toBeUndefined();
    expect(isAnswering(state)).toBe(false);
  });

  it('disconnected drops a running connection test but keeps a finished one', () => {
    const running = reduce(ready, { type: 'test-connection', requestId: 't1' });
    expect(reduce(running, { type: 'disconnected' }).connectionTest).toBeNull();
    const finished = reduce(running, bg({ type: 'connection-test', requestId: 't1', result: { kind: 'connected', model: 'm' } }));
    expect(reduce(finished, { type: 'disconnected' }).connectionTest).toEqual({
      requestId: 't1',
      status: 'ok',
      result: { kind: 'connected', model: 'm' },
    });
  });
});

describe('turnsForRequest', () => {
  const part = (index: number): PageSelection => ({
    ...selection,
    text: `Part ${index} text`,
    excerpt: { kind: 'part', index, count: 2 },
  });
  const answered = (requestId: string, text: string): Turn => ({ role: 'assistant', requestId, text, status: 'complete', lastSeq: 1 });
  const series: Turn[] = [
    { role: 'user', text: 'Summarize (part 1 of 2)', selection: part(1) },
    answered('p1', 'Summary one.'),
    { role: 'user', text: 'Summarize (part 2 of 2)', selection: part(2) },
    answered('p2', 'Summary two.'),
    { role: 'user', text: 'Summarize (the 2 parts combined)' },
    answered('c', 'Both parts.'),
  ];

  it('a follow-up after a parts series sends the parts’ questions and answers without their text', () => {
    const turns = turnsForRequest([...series, { role: 'user', text: 'And then?' }]);
    expect(turns.filter((turn) => turn.role === 'user' && turn.selection)).toEqual([]);
    expect(turns.map((turn) => turn.text)).toEqual([
      'Summarize (part 1 of 2)',
      'Summary one.',
      'Summarize (part 2 of 2)',
      'Summary two.',
      'Summarize (the 2 parts combined)',
      'Both parts.',
      'And then?',
    ]);
  });

  it('a part asked again (Retry, Continue) keeps its own text', () => {
    const retry = turnsForRequest(series, 3);
    expect(retry.at(-1)).toEqual({ role: 'user', text: 'Summarize (part 2 of 2)', selection: part(2) });
    expect(retry[0]).toEqual({ role: 'user', text: 'Summarize (part 1 of 2)' });
  });

  it('keeps an ordinary selection and a first-part excerpt in a follow-up', () => {
    const first: PageSelection = { ...selection, excerpt: { kind: 'first' } };
    const turns = turnsForRequest([
      { role: 'user', text: 'Q1', selection: first },
      answered('a', 'A1'),
      { role: 'user', text: 'Q2', selection },
      answered('b', 'A2'),
      { role: 'user', text: 'Q3' },
    ]);
    expect(turns[0]).toMatchObject({ selection: first });
    expect(turns[2]).toMatchObject({ selection });
  });
});

describe('restore', () => {
  const savedTurns: Turn[] = [
    { role: 'user', text: 'Q1', selection },
    { role: 'assistant', requestId: 'a', text: 'Full', status: 'complete', lastSeq: 4 },
    { role: 'user', text: 'Q2' },
    { role: 'assistant', requestId: 'b', text: 'Half', status: 'streaming', lastSeq: 2 },
  ];

  it('brings back turns, selection and draft, marking streaming answers interrupted with their text', () => {
    const state = reduce(ready, { type: 'restore', saved: { turns: savedTurns, selection, draft: 'typing…' } });
    expect(state.turns).toEqual([
      savedTurns[0],
      savedTurns[1],
      savedTurns[2],
      { ...savedTurns[3], status: 'interrupted', resumable: true },
    ]);
    expect(state.selection).toEqual(selection);
    expect(state.draft).toBe('typing…');
    expect(isAnswering(state)).toBe(false);
  });

  it('marks a saved retrying answer interrupted', () => {
    const turns: Turn[] = [
      { role: 'user', text: 'Q' },
      { role: 'assistant', requestId: 'c', text: '', status: 'retrying', lastSeq: 0, retry: { error: overloaded, inSeconds: 2 } },
    ];
    const state = reduce(initialState, { type: 'restore', saved: { turns, selection: null, draft: '' } });
    expect(answer(state, 'c').status).toBe('interrupted');
  });

  // The panel renders `turn.retry` whatever the status: an answer saved while waiting to
  // retry must not come back as "Interrupted" *and* "Retrying in 2 s…".
  it('clears the retry countdown of an answer it marks interrupted, as disconnected does', () => {
    const turns: Turn[] = [
      { role: 'user', text: 'Q' },
      { role: 'assistant', requestId: 'c', text: '', status: 'retrying', lastSeq: 0, retry: { error: overloaded, inSeconds: 2 } },
    ];
    const state = reduce(initialState, { type: 'restore', saved: { turns, selection: null, draft: '' } });
    expect(answer(state, 'c').retry).toBeUndefined();
  });

  it('keeps the text this panel showed of an answer the background stopped on, when the stored one is behind', () => {
    const streaming = run(ready, { type: 'ask', requestId: 'b', question: 'Q2' }, delta('b', 0, 'Half of it'), {
      type: 'disconnected',
    });
    const stored: Turn[] = [
      { role: 'user', text: 'Q2' },
      { role: 'assistant', requestId: 'b', text: 'Half', status: 'streaming', lastSeq: 0 },
    ];
    const state = reduce(streaming, { type: 'restore', saved: { turns: stored, selection: null, draft: '' } });
    expect(answer(state, 'b')).toMatchObject({ text: 'Half of it', status: 'interrupted', resumable: true });
  });

  it('takes the stored text when it is not what this panel showed (another answer, or further along)', () => {
    const shown = run(ready, { type: 'ask', requestId: 'b', question: 'Q2' }, delta('b', 0, 'Other words'), {
      type: 'disconnected',
    });
    const stored = (text: string): Turn[] => [
      { role: 'user', text: 'Q2' },
      { role: 'assistant', requestId: 'b', text, status: 'streaming', lastSeq: 0 },
    ];
    expect(answer(reduce(shown, { type: 'restore', saved: { turns: stored('Half'), selection: null, draft: '' } }), 'b').text).toBe(
      'Half',
    );
    expect(
      answer(reduce(shown, { type: 'restore', saved: { turns: stored('Other words and more'), selection: null, draft: '' } }), 'b')
        .text,
    ).toBe('Other words and more');
  });
});

describe('ask', () => {
  it('adds the user turn and a streaming answer, and clears the draft when the draft was what was sent', () => {
    const state = run(ready, { type: 'draft', text: '  Why?  ' }, { type: 'ask', requestId: 'r9', question: '  Why?  ' });
    expect(state.turns).toEqual([
      { role: 'user', text: 'Why?' },
      { role: 'assistant', requestId: 'r9', text: '', status: 'streaming', lastSeq: -1 },
    ]);
    expect(state.draft).toBe('');
    expect(isAnswering(state)).toBe(true);
  });

  it('moves the staged selection into the user turn and clears it', () => {
    const staged = run(ready, bg({ type: 'selection', selection, action: null }));
    expect(staged.selection).toEqual(selection);
    const state = reduce(staged, { type: 'ask', requestId: 'r1', question: 'Summarize this.' });
    expect(state.turns[0]).toEqual({ role: 'user', text: 'Summarize this.', selection });
    expect(state.selection).toBeNull();
  });

  it('keeps the draft when a quick action sent a different question', () => {
    const state = run(
      ready,
      bg({ type: 'selection', selection, action: 'summarize' }),
      { type: 'draft', text: 'my half-written question' },
      { type: 'ask', requestId: 'r1', question: 'Summarize this.' },
    );
    expect(state.draft).toBe('my half-written question');
    expect(state.turns[0]).toMatchObject({ text: 'Summarize this.' });
  });

  it('has no selection on the user turn when none was staged', () => {
    const state = reduce(ready, { type: 'ask', requestId: 'r1', question: 'Hi' });
    expect(state.turns[0]).not.toHaveProperty('selection');
  });

  it('clears the notice', () => {
    const noticed = reduce(ready, bg({ type: 'notice', error: { code: 'restricted-page' } }));
    expect(noticed.notice).not.toBeNull();
    expect(reduce(noticed, { type: 'ask', requestId: 'r1', question: 'Hi' }).notice).toBeNull();
  });

  it('turnsForRequest gives the conversation without panel-only fields', () => {
    const state = run(
      ready,
      bg({ type: 'selection', selection, action: null }),
      { type: 'ask', requestId: 'r1', question: 'Q' },
      delta('r1', 0, 'A'),
    );
    expect(turnsForRequest(state.turns)).toEqual([
      { role: 'user', text: 'Q', selection },
      { role: 'assistant', text: 'A' },
    ]);
    expect(turnsForRequest(state.turns, 1)).toEqual([{ role: 'user', text: 'Q', selection }]);
  });
});

describe('retry', () => {
  const conversation = run(
    asking,
    delta('r1', 0, 'Bad answer'),
    bg({ type: 'failed', requestId: 'r1', seq: 1, error: overloaded }),
    { type: 'ask', requestId: 'r2', question: 'Follow-up' },
    delta('r2', 0, 'Second'),
    bg({ type: 'end', requestId: 'r2', seq: 1, stopReason: 'end_turn', outcome: 'complete' }),
  );

  it('replaces the answer with a fresh streaming one and drops every later turn', () => {
    expect(conversation.turns).toHaveLength(4);
    const state = reduce(conversation, { type: 'retry', requestId: 'r1', newRequestId: 'r1b' });
    expect(state.turns).toEqual([
      { role: 'user', text: 'What is this?' },
      { role: 'assistant', requestId: 'r1b', text: '', status: 'streaming', lastSeq: -1 },
    ]);
  });

  it('accepts the new request id from sequence 0 and ignores the old one', () => {
    const state = run(
      conversation,
      { type: 'retry', requestId: 'r1', newRequestId: 'r1b' },
      delta('r1', 2, 'old'),
      delta('r1b', 0, 'new'),
    );
    expect(answer(state, 'r1b').text).toBe('new');
    expect(state.turns.some((t) => t.role === 'assistant' && t.requestId === 'r1')).toBe(false);
  });

  it('clears the notice, and does nothing for an unknown request', () => {
    const noticed = reduce(conversation, bg({ type: 'notice', error: { code: 'no-tab' } }));
    expect(reduce(noticed, { type: 'retry', requestId: 'r2', newRequestId: 'r3' }).notice).toBeNull();
    expect(reduce(conversation, { type: 'retry', requestId: 'ghost', newRequestId: 'r3' })).toBe(conversation);
  });
});

describe('askProblem', () => {
  it('allows a question when connected and idle', () => {
    expect(askProblem(ready, 'What?')).toBeNull();
  });

  it('refuses while not connected', () => {
    expect(askProblem(reduce(ready, { type: 'disconnected' }), 'What?')).toEqual({ code: 'reconnecting' });
    expect(words(askProblem(reduce(ready, { type: 'disconnected' }), 'What?'))).toMatch(/reconnecting/);
  });

  it('refuses while an answer is streaming or waiting to retry', () => {
    expect(askProblem(asking, 'Again?')).toEqual({ code: 'busy' });
    expect(words(askProblem(asking, 'Again?'))).toMatch(/Wait for the current answer/);
    const retrying = reduce(asking, bg({ type: 'retrying', requestId: 'r1', seq: 0, error: overloaded, inSeconds: 1 }));
    expect(words(askProblem(retrying, 'Again?'))).toMatch(/Wait for the current answer/);
  });

  it('allows the next question once the answer has ended', () => {
    const ended = reduce(asking, bg({ type: 'end', requestId: 'r1', seq: 0, stopReason: null, outcome: 'stopped' }));
    expect(askProblem(ended, 'Again?')).toBeNull();
  });

  it('refuses an empty question without a selection, but allows it with one', () => {
    expect(askProblem(ready, '   ')).toEqual({ code: 'nothing-to-send' });
    expect(words(askProblem(ready, '   '))).toMatch(/Type a question/);
    const staged = reduce(ready, bg({ type: 'selection', selection, action: null }));
    expect(askProblem(staged, '')).toBeNull();
  });

  it('allows exactly MAX_QUESTION_CHARS and refuses one more, with both numbers in the message', () => {
    expect(MAX_QUESTION_CHARS).toBe(100_000);
    expect(askProblem(ready, 'q'.repeat(MAX_QUESTION_CHARS))).toBeNull();
    expect(askProblem(ready, 'q'.repeat(MAX_QUESTION_CHARS + 1))).toEqual({
      code: 'question-too-long',
      params: { length: MAX_QUESTION_CHARS + 1, max: MAX_QUESTION_CHARS },
    });
    expect(words(askProblem(ready, 'q'.repeat(MAX_QUESTION_CHARS + 1)))).toBe(
      'The question is 100,001 characters; the limit is 100,000. Shorten it, or select the text on the page instead of pasting it.',
    );
  });
});

describe('settings', () => {
  const settings = (hasKey: boolean) =>
    bg({ type: 'settings', settings: { provider: 'anthropic', hasKey, providersWithKey: [], model: 'm', baseUrl: '', custom: null } });

  it('opens settings on first hello when there is no key, and not when there is one', () => {
    expect(reduce(initialState, settings(false)).settingsOpen).toBe(true);
    expect(reduce(initialState, settings(true)).settingsOpen).toBe(false);
  });

  it('closes settings when the first key is saved', () => {
    const state = run(initialState, settings(false), settings(true));
    expect(state.settingsOpen).toBe(false);
    expect(state.settings?.hasKey).toBe(true);
  });

  it('keeps settings open after saving without a key', () => {
    expect(run(initialState, settings(false), settings(false)).settingsOpen).toBe(true);
  });

  it('forces settings open again when the key is removed', () => {
    expect(run(initialState, settings(true), settings(false)).settingsOpen).toBe(true);
  });

  it('keeps settings open when the user opened them and saves with a key already set', () => {
    const state = run(initialState, settings(true), { type: 'open-settings', open: true }, settings(true));
    expect(state.settingsOpen).toBe(true);
  });

  it('keeps settings closed on a settings update when they were closed', () => {
    expect(run(initialState, settings(true), settings(true)).settingsOpen).toBe(false);
  });

  it('opening or closing settings forgets the last connection test', () => {
    const tested = run(ready, { type: 'test-connection', requestId: 't' });
    expect(tested.connectionTest).toEqual({ requestId: 't', status: 'running' });
    expect(reduce(tested, { type: 'open-settings', open: false }).connectionTest).toBeNull();
  });

  it('applies a connection-test result only for the test that is running', () => {
    const tested = run(ready, { type: 'test-connection', requestId: 't2' });
    expect(reduce(tested, bg({ type: 'connection-test', requestId: 't1', result: { kind: 'connected', model: 'old' } }))).toBe(tested);
    expect(
      reduce(
        tested,
        bg({ type: 'connection-test', requestId: 't2', result: { kind: 'failed', error: { code: 'auth', fix: 'settings' } } }),
      ).connectionTest,
    ).toEqual({
      requestId: 't2',
      status: 'failed',
      result: { kind: 'failed', error: { code: 'auth', fix: 'settings' } },
    });
  });
});

describe('selection, notices and housekeeping', () => {
  it('a new selection replaces the staged one and clears the notice', () => {
    const noticed = reduce(ready, bg({ type: 'notice', error: { code: 'empty-selection' } }));
    const state = reduce(noticed, bg({ type: 'selection', selection: { ...selection, text: 'Other' }, action: 'explain' }));
    expect(state.selection?.text).toBe('Other');
    expect(state.notice).toBeNull();
  });

  it('discard-selection drops the staged selection only', () => {
    const staged = run(ready, bg({ type: 'selection', selection, action: null }), { type: 'draft', text: 'd' });
    const state = reduce(staged, { type: 'discard-selection' });
    expect(state.selection).toBeNull();
    expect(state.draft).toBe('d');
  });

  it('new-conversation clears turns, selection and notice but keeps the draft', () => {
    const busy = run(asking, bg({ type: 'selection', selection, action: null }), { type: 'draft', text: 'keep me' });
    const state = reduce(busy, { type: 'new-conversation' });
    expect(state).toMatchObject({ turns: [], selection: null, notice: null, draft: 'keep me' });
  });

  it('dismiss-notice clears the notice', () => {
    const noticed = reduce(ready, bg({ type: 'notice', error: { code: 'no-tab' } }));
    expect(reduce(noticed, { type: 'dismiss-notice' }).notice).toBeNull();
  });

  it('never mutates the state it is given', () => {
    const before = structuredClone(asking);
    run(asking, delta('r1', 0, 'x'), { type: 'disconnected' }, { type: 'retry', requestId: 'r1', newRequestId: 'z' });
    expect(asking).toEqual(before);
  });
});

describe('reasoning text', () => {
  it('collects thinking apart from the answer, in seq order, ignoring repeats', () => {
    const asked = reduce(ready, { type: 'ask', requestId: 'r', question: 'Why?' });
    const state = run(
      asked,
      bg({ type: 'thinking', requestId: 'r', seq: 0, text: 'Step one. ' }),
      bg({ type: 'thinking', requestId: 'r', seq: 1, text: 'Step two.' }),
      bg({ type: 'thinking', requestId: 'r', seq: 1, text: 'Step two.' }),
      delta('r', 2, 'Because.'),
    );
    expect(answer(state, 'r')).toMatchObject({ thinking: 'Step one. Step two.', text: 'Because.', status: 'streaming' });
  });

  it('an answer without reasoning has none', () => {
    const state = run(reduce(ready, { type: 'ask', requestId: 'r', question: 'Hi' }), delta('r', 0, 'Hello'));
    expect(answer(state, 'r').thinking).toBeUndefined();
  });
});

describe('re-attaching to an answer', () => {
  const asked = () => run(reduce(ready, { type: 'ask', requestId: 'r', question: 'Long?' }), delta('r', 0, 'Par'));

  it('a lost port makes live answers interrupted but resumable', () => {
    const state = reduce(asked(), { type: 'disconnected' });
    expect(answer(state, 'r')).toMatchObject({ status: 'interrupted', resumable: true, text: 'Par' });
  });

  it('a snapshot replaces the text with everything so far and makes the answer live again', () => {
    const state = run(
      reduce(asked(), { type: 'disconnected' }),
      { type: 'connected' },
      bg({ type: 'snapshot', requestId: 'r', seq: 4, text: 'Partial answer', thinking: '', usage: {}, toolCalls: [], final: null }),
      delta('r', 4, ' (repeat, ignored)'),
      delta('r', 5, ' and more'),
    );
    expect(answer(state, 'r')).toMatchObject({ status: 'streaming', text: 'Partial answer and more', lastSeq: 5 });
    expect(answer(state, 'r').resumable).toBeUndefined();
  });

  it('a snapshot of a finished answer shows it finished, with its final text', () => {
    const state = run(
      reduce(asked(), { type: 'restore', saved: fromStored(toStored(asked())) }),
      bg({
        type: 'snapshot',
        requestId: 'r',
        seq: 9,
        text: 'The whole answer.',
        thinking: 'Because.',
        usage: {},
        toolCalls: [],
        final: { type: 'end', requestId: 'r', seq: 9, stopReason: 'end_turn', outcome: 'complete' },
      }),
    );
    expect(answer(state, 'r')).toMatchObject({ status: 'complete', text: 'The whole answer.', thinking: 'Because.' });
  });

  it('a snapshot of a failed answer shows the error', () => {
    const state = run(
      reduce(asked(), { type: 'disconnected' }),
      bg({
        type: 'snapshot',
        requestId: 'r',
        seq: 3,
        text: 'Partial',
        thinking: '',
        usage: {},
        toolCalls: [],
        final: { type: 'failed', requestId: 'r', seq: 3, error: overloaded },
      }),
    );
    expect(answer(state, 'r')).toMatchObject({ status: 'failed', text: 'Partial', error: overloaded });
  });

  it('attach-failed leaves it interrupted, no longer resumable (Retry is the way on)', () => {
    const state = run(reduce(asked(), { type: 'disconnected' }), bg({ type: 'attach-failed', requestId: 'r' }));
    expect(answer(state, 'r')).toMatchObject({ status: 'interrupted', text: 'Par' });
    expect(answer(state, 'r').resumable).toBeUndefined();
  });

  it('a snapshot for an answer this panel is already showing live changes nothing old', () => {
    const live = run(asked(), delta('r', 1, 'tial'));
    const state = reduce(
      live,
      bg({ type: 'snapshot', requestId: 'r', seq: 0, text: 'Par', thinking: '', usage: {}, toolCalls: [], final: null }),
    );
    expect(answer(state, 'r').text).toBe('Partial');
  });

  it('a conversation at its turn limit asks for a new chat', () => {
    let state = ready;
    for (let i = 0; i < 249; i++) {
      state = run(
        state,
        { type: 'ask', requestId: `q${i}`, question: 'q' },
        bg({ type: 'end', requestId: `q${i}`, seq: 0, stopReason: 'end_turn', outcome: 'complete' }),
      );
    }
    expect(state.turns).toHaveLength(498);
    expect(askProblem(state, 'one more')).toBeNull();
    state = run(
      state,
      { type: 'ask', requestId: 'last', question: 'q' },
      bg({ type: 'end', requestId: 'last', seq: 0, stopReason: null, outcome: 'complete' }),
    );
    expect(askProblem(state, 'one more')?.code).toBe('turn-limit');
    expect(words(askProblem(state, 'one more'))).toContain('length limit');
  });
});

describe('how long the model reasoned', () => {
  const at = (message: BackgroundMessage, time: number): PanelAction => ({ type: 'background', message, at: time });

  it('from the first reasoning to the first answer text', () => {
    const state = run(
      reduce(ready, { type: 'ask', requestId: 'r', question: 'Why?' }),
      at({ type: 'thinking', requestId: 'r', seq: 0, text: 'Hmm. ' }, 1_000),
      at({ type: 'thinking', requestId: 'r', seq: 1, text: 'So.' }, 3_000),
      at({ type: 'delta', requestId: 'r', seq: 2, text: 'Because.' }, 5_200),
      at({ type: 'delta', requestId: 'r', seq: 3, text: ' Yes.' }, 9_000),
    );
    expect(answer(state, 'r').thinkingMs).toBe(4_200);
  });

  it('to the end, when no answer text came; never for an answer that did not reason', () => {
    const asked = reduce(ready, { type: 'ask', requestId: 'r', question: 'Why?' });
    const thought = run(
      asked,
      at({ type: 'thinking', requestId: 'r', seq: 0, text: 'Hmm.' }, 100),
      at({ type: 'end', requestId: 'r', seq: 1, stopReason: 'end_turn', outcome: 'complete' }, 2_100),
    );
    expect(answer(thought, 'r').thinkingMs).toBe(2_000);
    const plain = run(asked, at({ type: 'delta', requestId: 'r', seq: 0, text: 'Hi' }, 50));
    expect(answer(plain, 'r').thinkingMs).toBeUndefined();
  });
});

describe('stop reasons and Continue', () => {
  const cut = run(
    asking,
    delta('r1', 0, 'The story went on and '),
    bg({ type: 'end', requestId: 'r1', seq: 1, stopReason: 'max_tokens', outcome: 'complete' }),
  );

  it('keeps the stop reason; an answer at the output limit can be continued', () => {
    const turn = answer(cut, 'r1');
    expect(turn).toMatchObject({ status: 'complete', stopReason: 'max_tokens' });
    expect(hitLengthLimit(turn)).toBe(true);
    expect(canContinue(turn)).toBe(true);
  });

  it('Continue is offered for cut, interrupted or stopped answers with text, never for a finished or live one', () => {
    const base = answer(cut, 'r1');
    const offered = (changes: Partial<AssistantTurn>) => canContinue({ ...base, stopReason: undefined, ...changes });
    expect(offered({ status: 'complete', stopReason: 'end_turn' })).toBe(false);
    expect(offered({ status: 'complete', stopReason: 'length' })).toBe(true);
    expect(offered({ status: 'truncated' })).toBe(true);
    expect(offered({ status: 'interrupted' })).toBe(true);
    expect(offered({ status: 'stopped' })).toBe(true);
    expect(offered({ status: 'failed' })).toBe(false);
    expect(offered({ status: 'streaming' })).toBe(false);
    expect(offered({ status: 'truncated', text: '  ' })).toBe(false);
  });

  it('continues under a new request: the text so far, trimmed, is the prefix the deltas follow', () => {
    const state = run(
      cut,
      { type: 'continue', requestId: 'r1', newRequestId: 'r1c' },
      delta('r1c', 0, ' then it'),
      delta('r1c', 1, ' ended.'),
      bg({ type: 'end', requestId: 'r1c', seq: 2, stopReason: 'end_turn', outcome: 'complete' }),
    );
    expect(state.turns).toHaveLength(2);
    expect(answer(state, 'r1c')).toMatchObject({
      text: 'The story went on and then it ended.',
      prefix: 'The story went on and',
      status: 'complete',
      stopReason: 'end_turn',
    });
  });

  it('a snapshot of a continued answer is appended to its prefix', () => {
    const state = run(
      cut,
      { type: 'continue', requestId: 'r1', newRequestId: 'r1c' },
      { type: 'disconnected' },
      bg({ type: 'snapshot', requestId: 'r1c', seq: 4, text: ' then more', thinking: '', usage: {}, toolCalls: [], final: null }),
    );
    expect(answer(state, 'r1c').text).toBe('The story went on and then more');
  });

  it('does nothing for an answer that cannot continue', () => {
    const done = run(
      asking,
      delta('r1', 0, 'Done.'),
      bg({ type: 'end', requestId: 'r1', seq: 1, stopReason: 'end_turn', outcome: 'complete' }),
    );
    expect(reduce(done, { type: 'continue', requestId: 'r1', newRequestId: 'x' })).toBe(done);
  });

  it('the request for a continued answer ends with the trimmed partial answer', () => {
    const state = reduce(cut, { type: 'continue', requestId: 'r1', newRequestId: 'r1c' });
    expect(turnsForRequest(state.turns)).toEqual([
      { role: 'user', text: 'What is this?' },
      { role: 'assistant', text: 'The story went on and' },
    ]);
  });
});

describe('edit and resend', () => {
  const two = run(
    asking,
    delta('r1', 0, 'First.'),
    bg({ type: 'end', requestId: 'r1', seq: 1, stopReason: 'end_turn', outcome: 'complete' }),
    { type: 'ask', requestId: 'r2', question: 'Second?' },
    delta('r2', 0, 'Two.'),
    bg({ type: 'end', requestId: 'r2', seq: 1, stopReason: 'end_turn', outcome: 'complete' }),
  );

  it('finds the last question, edits it in place and cancels', () => {
    expect(lastUserTurnIndex(two.turns)).toBe(2);
    expect(lastUserTurnIndex([])).toBe(-1);
    const editing = reduce(two, { type: 'edit-start', index: 2 });
    expect(editing.editing).toBe(2);
    expect(reduce(editing, { type: 'edit-cancel' }).editing).toBeNull();
    expect(reduce(two, { type: 'edit-start', index: 1 })).toBe(two); // an answer is not editable
  });

  it('nothing is edited while an answer streams', () => {
    expect(reduce(asking, { type: 'edit-start', index: 0 })).toBe(asking);
    expect(editProblem(asking, 0, 'x')?.code).toBe('busy');
  });

  it('resending replaces the question and every turn after it, keeping its selection', () => {
    const withSelection = run(ready, bg({ type: 'selection', selection, action: null }), {
      type: 'ask',
      requestId: 'a',
      question: 'Old',
    });
    const done = run(
      withSelection,
      delta('a', 0, 'x'),
      bg({ type: 'end', requestId: 'a', seq: 1, stopReason: 'end_turn', outcome: 'complete' }),
      { type: 'ask', requestId: 'b', question: 'Later' },
      delta('b', 0, 'y'),
      bg({ type: 'end', requestId: 'b', seq: 1, stopReason: 'end_turn', outcome: 'complete' }),
    );
    const state = reduce({ ...done, editing: 0 }, { type: 'edit-resend', index: 0, question: ' New question ', requestId: 'c' });
    expect(state.editing).toBeNull();
    expect(state.turns).toEqual([
      { role: 'user', text: 'New question', selection },
      { role: 'assistant', requestId: 'c', text: '', status: 'streaming', lastSeq: -1 },
    ]);
    expect(turnsForRequest(state.turns, 1)).toEqual([{ role: 'user', text: 'New question', selection }]);
  });

  it('says why an edit cannot be sent', () => {
    expect(editProblem(two, 2, '   ')?.code).toBe('nothing-to-send');
    expect(editProblem(two, 1, 'x')?.code).toBe('nothing-to-send');
    expect(editProblem(two, 2, 'x'.repeat(MAX_QUESTION_CHARS + 1))?.code).toBe('question-too-long');
    expect(editProblem({ ...two, connected: false }, 2, 'x')?.code).toBe('reconnecting');
    expect(editProblem(two, 2, 'Better?')).toBeNull();
  });
});

describe('the numbers of an answer', () => {
  const metrics = { provider: 'anthropic', model: 'claude-sonnet-5-5', ttftMs: 120, totalMs: 900, deltas: 2, gaps: null } as const;

  it('come with the end, the failure or a snapshot, and are kept when stored', () => {
    const ended = run(
      asking,
      delta('r1', 0, 'Hi'),
      bg({ type: 'end', requestId: 'r1', seq: 1, stopReason: 'end_turn', outcome: 'complete', metrics }),
    );
    expect(answer(ended, 'r1').metrics).toEqual(metrics);
    const failed = run(asking, bg({ type: 'failed', requestId: 'r1', seq: 0, error: { code: 'network' }, metrics }));
    expect(answer(failed, 'r1').metrics).toEqual(metrics);
    const [stored] = toStored(ended).turns.filter((turn) => turn.role === 'assistant');
    expect(stored).toMatchObject({ metrics });
    const back = fromStored(toStored(ended)).turns.find((turn) => turn.role === 'assistant');
    expect(back).toMatchObject({ metrics });
  });
});
