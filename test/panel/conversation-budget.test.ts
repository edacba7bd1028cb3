/**
 * A follow-up's budget: the conversation measured as it would be sent with the question,
 * against the model's window, and the cut that leaves out the first exchanges; then what the
 * panel sends once the user left them out.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { BackgroundMessage, PageSelection } from '../../src/messaging/protocol.ts';
import { conversationBudget, type TokenCount } from '../../src/panel/budget.ts';
import { errorText } from '../../src/panel/i18n/index.ts';
import {
  askProblem,
  initialState,
  reduce,
  turnsForRequest,
  type PanelAction,
  type PanelState,
  type Turn,
} from '../../src/panel/state.ts';
import { estimateTokens } from '../../src/shared/budget.ts';
import { browserSpeaks } from '../i18n/catalogs.ts';

beforeAll(() => browserSpeaks('en'));

const page = (text: string): PageSelection => ({
  text,
  url: 'https://example.test/',
  title: 'T',
  originalLength: text.length,
  truncated: false,
});
const long = 'word '.repeat(1600); // ≈ 2,000 estimated tokens
const answered = (requestId: string, text: string): Turn => ({ role: 'assistant', requestId, text, status: 'complete', lastSeq: 1 });
/** Three exchanges: the first about a long selection, the others short. */
const turns: Turn[] = [
  { role: 'user', text: 'Summarize', selection: page(long) },
  answered('a1', 'A summary.'),
  { role: 'user', text: 'And the end?' },
  answered('a2', 'It ends well.'),
  { role: 'user', text: 'Why?' },
  answered('a3', 'Because.'),
];
const count = (over: Partial<TokenCount> = {}): TokenCount => ({
  inputTokens: 2_100,
  exact: false,
  requestEstimate: 2_100,
  maxOutputTokens: 256,
  contextWindow: 2_048,
  ...over,
});

function run(state: PanelState, ...actions: PanelAction[]): PanelState {
  return actions.reduce(reduce, state);
}
const bg = (message: BackgroundMessage): PanelAction => ({ type: 'background', message });
/** Connected, the conversation above shown, a follow-up measured under request c1. */
function measured(result: TokenCount, leftOut = 0): PanelState {
  const state: PanelState = { ...initialState, connected: true, turns: [...turns], leftOut };
  return run(
    state,
    { type: 'count-tokens', requestId: 'c1', selection: null },
    bg({ type: 'token-count', requestId: 'c1', ...result }),
  );
}

describe('conversationBudget', () => {
  it('is null without a count, with a staged selection (it has its own line), or with no conversation', () => {
    const state: PanelState = { ...initialState, turns: [...turns] };
    expect(conversationBudget(state)).toBeNull();
    const counted = measured(count());
    expect(conversationBudget({ ...counted, selection: page('x') })).toBeNull();
    expect(conversationBudget({ ...counted, turns: [] })).toBeNull();
  });

  it('a count made before turns were left out is not shown for the shorter request', () => {
    const counted = measured(count());
    expect(conversationBudget({ ...counted, leftOut: 2 })).toBeNull();
  });

  it('fits: the numbers, and no cut', () => {
    const result = conversationBudget(measured(count({ inputTokens: 900, requestEstimate: 900 })));
    expect(result?.budget).toMatchObject({ kind: 'fits', inputTokens: 900, contextWindow: 2_048, needed: 1_156 });
    expect(result?.leaveOut).toBeNull();
  });

  it('over: leaving out the first exchange (with the long selection) is enough', () => {
    const result = conversationBudget(
      measured(count({ inputTokens: estimateTokens(long) + 100, requestEstimate: estimateTokens(long) + 100 })),
    );
    expect(result?.budget.kind).toBe('over');
    expect(result?.leaveOut).toEqual({ turns: 2, questions: 1 });
  });

  it('over by more than the first exchange: the cut moves on, whole exchanges only', () => {
    const big = [...turns];
    big[3] = answered('a2', 'word '.repeat(1600));
    const estimate = 2 * estimateTokens(long) + 100;
    const state = { ...measured(count({ inputTokens: estimate, requestEstimate: estimate })), turns: big };
    expect(conversationBudget(state)?.leaveOut).toEqual({ turns: 4, questions: 2 });
  });

  it('an exact count scales the estimates it is compared with', () => {
    // Counted at twice the estimate: leaving out the first exchange removes twice its estimate.
    const estimate = estimateTokens(long) / 2 + 100;
    const result = conversationBudget(measured(count({ exact: true, inputTokens: 2 * estimate, requestEstimate: estimate })));
    expect(result?.budget.kind).toBe('over');
    expect(result?.leaveOut).toEqual({ turns: 2, questions: 1 });
  });

  it('when even the question alone does not fit, there is no cut to offer', () => {
    const result = conversationBudget(measured(count({ inputTokens: 50_000, requestEstimate: 50_000 })));
    expect(result?.budget.kind).toBe('over');
    expect(result?.leaveOut).toBeNull();
  });

  it('counts from the turns already left out', () => {
    const estimate = 2_100;
    const result = conversationBudget(measured(count({ inputTokens: estimate, requestEstimate: estimate }), 2));
    // What remains after the cut at 2 is small: leaving out more cannot make 2,100 fit.
    expect(result?.leaveOut).toBeNull();
  });

  it('an unknown window never warns', () => {
    const result = conversationBudget(measured(count({ contextWindow: null })));
    expect(result?.budget.kind).toBe('unknown');
  });
});

describe('leaving turns out', () => {
  it('an over-window follow-up is refused with the reason, until turns are left out', () => {
    const over = measured(count({ inputTokens: estimateTokens(long) + 100, requestEstimate: estimateTokens(long) + 100 }));
    const problem = askProblem(over, 'And now?');
    expect(problem?.code).toBe('conversation-over-budget');
    expect(errorText(problem!)).toContain('no longer fits');
    const cut = run(over, { type: 'leave-out', count: 2 });
    expect(cut.leftOut).toBe(2);
    // The old count measured everything: it no longer applies, so nothing blocks until the recount.
    expect(askProblem(cut, 'And now?')).toBeNull();
  });

  it('a recount after the cut starts without the old numbers', () => {
    const cut = run(measured(count()), { type: 'leave-out', count: 2 }, { type: 'count-tokens', requestId: 'c2', selection: null });
    expect(cut.tokenCount).toMatchObject({ requestId: 'c2', leftOut: 2, result: null });
  });

  it('the request sends the turns after the cut, starting with a question', () => {
    const sent = turnsForRequest([...turns, { role: 'user', text: 'Next?' }], 7, 2);
    expect(sent.map((turn) => turn.text)).toEqual(['And the end?', 'It ends well.', 'Why?', 'Because.', 'Next?']);
    expect(sent.some((turn) => turn.role === 'user' && turn.selection)).toBe(false);
  });

  it('everything left out: only the new question is sent; the count measures the draft alone', () => {
    expect(turnsForRequest([...turns, { role: 'user', text: 'Next?' }], 7, 6).map((turn) => turn.text)).toEqual(['Next?']);
    expect(turnsForRequest(turns, 6, 6)).toEqual([]);
  });

  it('a Retry of an answer before the cut sends the conversation as it was first sent', () => {
    expect(turnsForRequest(turns, 1, 4).map((turn) => turn.text)).toEqual(['Summarize']);
    expect(turnsForRequest(turns, 3, 4).map((turn) => turn.text)).toEqual(['Summarize', 'A summary.', 'And the end?']);
  });

  it('a new chat, another conversation, or an edit before the cut sends everything again', () => {
    const cut: PanelState = { ...initialState, connected: true, turns: [...turns], leftOut: 2, conversationId: 'c' };
    expect(run(cut, { type: 'new-conversation' }).leftOut).toBe(0);
    expect(run(cut, bg({ type: 'conversation', id: 'other', turns: [], storage: 'disk' })).leftOut).toBe(0);
    expect(run(cut, bg({ type: 'conversation', id: 'c', turns: [], storage: 'disk' })).leftOut).toBe(2);
    expect(run(cut, { type: 'edit-resend', index: 0, question: 'Again', requestId: 'e' }).leftOut).toBe(0);
    expect(run(cut, { type: 'edit-resend', index: 4, question: 'Again', requestId: 'e' }).leftOut).toBe(2);
  });
});
