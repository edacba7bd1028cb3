/** Ask two models in the panel: the reducer's cases, what a follow-up sends, the picker's choices. */
import { describe, expect, it } from 'vitest';
import type { BackgroundMessage, PublicSettings } from '../../src/messaging/protocol.ts';
import { choiceAsSettings, choiceProblem, choiceUrl, compareProviders, firstPair, initialChoice } from '../../src/panel/compare.ts';
import { fromStored, toStored } from '../../src/panel/saved-conversation.ts';
import {
  MAX_TURNS,
  askProblem,
  initialState,
  isAnswering,
  reduce,
  turnsForRequest,
  type AssistantTurn,
  type PanelAction,
  type PanelState,
} from '../../src/panel/state.ts';

const settings: PublicSettings = {
  provider: 'anthropic',
  hasKey: true,
  providersWithKey: ['anthropic', 'openai'],
  model: 'claude-sonnet-5-5',
  baseUrl: 'http://127.0.0.1:9001',
  custom: null,
};
const selection = { text: 'The quick brown fox.', url: 'https://example.test/a', title: 'Fox', originalLength: 20, truncated: false };
const bg = (message: BackgroundMessage): PanelAction => ({ type: 'background', message });
const run = (state: PanelState, ...actions: PanelAction[]) => actions.reduce(reduce, state);
const ready: PanelState = { ...initialState, connected: true, settings };
const compareAsk: PanelAction = {
  type: 'ask-compare',
  question: 'Which is faster?',
  answers: [
    { requestId: 'a', provider: 'anthropic', model: 'claude-sonnet-5-5' },
    { requestId: 'b', provider: 'openai', model: 'gpt-5.4-mini' },
  ],
};
const answers = (state: PanelState) => state.turns.filter((turn): turn is AssistantTurn => turn.role === 'assistant');

describe('ask-compare', () => {
  it('adds the question with the staged selection and two streaming answers, tagged with one group, the first chosen', () => {
    const state = run(
      { ...ready, selection, draft: 'Which is faster?', compare: { open: true, choice: null, models: null } },
      compareAsk,
    );
    expect(state.turns[0]).toEqual({ role: 'user', text: 'Which is faster?', selection });
    expect(answers(state).map((turn) => [turn.requestId, turn.status, turn.compare])).toEqual([
      ['a', 'streaming', { group: 'a', provider: 'anthropic', model: 'claude-sonnet-5-5', chosen: true }],
      ['b', 'streaming', { group: 'a', provider: 'openai', model: 'gpt-5.4-mini', chosen: false }],
    ]);
    expect(state.selection).toBeNull();
    expect(state.draft).toBe('');
    expect(state.compare.open).toBe(false);
  });

  it('streams each answer from its own messages; one stopped, the other still streaming, then complete', () => {
    let state = run(
      ready,
      compareAsk,
      bg({ type: 'delta', requestId: 'a', seq: 0, text: 'Alpha ' }),
      bg({ type: 'delta', requestId: 'b', seq: 0, text: 'Beta ' }),
      bg({ type: 'usage', requestId: 'b', seq: 1, usage: { inputTokens: 7, outputTokens: 3 } }),
      bg({ type: 'end', requestId: 'a', seq: 1, stopReason: null, outcome: 'stopped' }),
    );
    expect(answers(state).map((turn) => [turn.text, turn.status])).toEqual([
      ['Alpha ', 'stopped'],
      ['Beta ', 'streaming'],
    ]);
    expect(isAnswering(state)).toBe(true);
    state = run(state, bg({ type: 'end', requestId: 'b', seq: 2, stopReason: 'stop', outcome: 'complete' }));
    expect(answers(state).map((turn) => turn.status)).toEqual(['stopped', 'complete']);
    expect(answers(state)[1]!.usage).toEqual({ inputTokens: 7, outputTokens: 3 });
    expect(answers(state)[0]!.usage).toBeUndefined();
    expect(isAnswering(state)).toBe(false);
  });

  it('a failure in one answer stays in that answer', () => {
    const state = run(
      ready,
      compareAsk,
      bg({ type: 'failed', requestId: 'b', seq: 0, error: { code: 'auth', params: { status: 401 }, fix: 'settings' } }),
    );
    expect(answers(state).map((turn) => [turn.status, turn.error?.code])).toEqual([
      ['streaming', undefined],
      ['failed', 'auth'],
    ]);
  });

  it('needs room for three turns', () => {
    const full = { ...ready, turns: Array.from({ length: MAX_TURNS - 2 }, () => ({ role: 'user' as const, text: 'q' })) };
    expect(askProblem(full, 'q')).toBeNull();
    expect(askProblem(full, 'q', 2)?.code).toBe('turn-limit');
  });
});

describe('a follow-up after a comparison', () => {
  const done = run(
    ready,
    compareAsk,
    bg({ type: 'delta', requestId: 'a', seq: 0, text: 'Alpha answer' }),
    bg({ type: 'delta', requestId: 'b', seq: 0, text: 'Beta answer' }),
    bg({ type: 'end', requestId: 'a', seq: 1, stopReason: null, outcome: 'complete' }),
    bg({ type: 'end', requestId: 'b', seq: 1, stopReason: null, outcome: 'complete' }),
  );

  it('continues with the first answer by default', () => {
    expect(turnsForRequest(done.turns)).toEqual([
      { role: 'user', text: 'Which is faster?' },
      { role: 'assistant', text: 'Alpha answer' },
    ]);
  });

  it('continues with the answer picked, and only one is chosen', () => {
    const picked = run(done, { type: 'pick-answer', requestId: 'b' });
    expect(answers(picked).map((turn) => turn.compare?.chosen)).toEqual([false, true]);
    expect(turnsForRequest(picked.turns)).toEqual([
      { role: 'user', text: 'Which is faster?' },
      { role: 'assistant', text: 'Beta answer' },
    ]);
    const asked = run(picked, { type: 'ask', requestId: 'c', question: 'Why?' });
    expect(turnsForRequest(asked.turns, asked.turns.length - 1).map((turn) => turn.text)).toEqual([
      'Which is faster?',
      'Beta answer',
      'Why?',
    ]);
  });

  it('a pick of an answer outside any comparison changes nothing', () => {
    const plain = run(ready, { type: 'ask', requestId: 'x', question: 'Hi' });
    expect(run(plain, { type: 'pick-answer', requestId: 'x' })).toBe(plain);
  });

  it('a comparison’s answer is not regenerated or continued alone', () => {
    const stopped = run(ready, compareAsk, bg({ type: 'delta', requestId: 'b', seq: 0, text: 'Beta' }));
    const ended = run(stopped, bg({ type: 'end', requestId: 'b', seq: 1, stopReason: null, outcome: 'stopped' }));
    expect(run(ended, { type: 'retry', requestId: 'b', newRequestId: 'n' })).toBe(ended);
    expect(run(ended, { type: 'continue', requestId: 'b', newRequestId: 'n' })).toBe(ended);
  });

  it('keeps the tags and the choice through the stored format', () => {
    const picked = run(done, { type: 'pick-answer', requestId: 'b' });
    const back = fromStored(toStored(picked)).turns;
    expect(back.flatMap((turn) => (turn.role === 'assistant' ? [turn.compare] : []))).toEqual([
      { group: 'a', provider: 'anthropic', model: 'claude-sonnet-5-5', chosen: false },
      { group: 'a', provider: 'openai', model: 'gpt-5.4-mini', chosen: true },
    ]);
  });
});

describe('the picker', () => {
  it('opens, takes a choice, and drops another provider’s model list', () => {
    let state = run(ready, { type: 'compare-open', open: true });
    expect(state.compare.open).toBe(true);
    state = run(
      state,
      { type: 'compare-choice', choice: { provider: 'openai', model: '', baseUrl: '' } },
      { type: 'compare-list-models', requestId: 'm1' },
      bg({ type: 'models', requestId: 'm1', models: [{ id: 'gpt-x', label: 'gpt-x' }] }),
    );
    expect(state.compare.models).toEqual({ requestId: 'm1', status: 'done', list: [{ id: 'gpt-x', label: 'gpt-x' }] });
    // The settings form's list is another one.
    expect(state.models).toBeNull();
    state = run(state, { type: 'compare-choice', choice: { provider: 'openai', model: 'gpt-x', baseUrl: '' } });
    expect(state.compare.models?.list).toHaveLength(1);
    state = run(state, { type: 'compare-choice', choice: { provider: 'ollama', model: '', baseUrl: '' } });
    expect(state.compare.models).toBeNull();
  });

  it('offers providers that can answer: with a key, keyless local ones, and the one in settings', () => {
    const providers = compareProviders(settings);
    expect(providers).toEqual(expect.arrayContaining(['anthropic', 'openai', 'lmstudio', 'ollama', 'openai-compatible']));
    expect(providers).not.toContain('gemini');
    expect(providers).not.toContain('custom-sse');
    expect(providers).not.toContain('chrome-builtin');
    expect(compareProviders({ ...settings, provider: 'custom-sse' })).toContain('custom-sse');
  });

  it('starts from the last choice while its provider can answer, else another provider with a key', () => {
    expect(initialChoice(settings, { provider: 'ollama', model: 'llama3.2', baseUrl: '' })).toEqual({
      provider: 'ollama',
      model: 'llama3.2',
      baseUrl: '',
    });
    expect(initialChoice(settings, { provider: 'gemini', model: 'g', baseUrl: '' })).toEqual({
      provider: 'openai',
      model: '',
      baseUrl: '',
    });
    expect(initialChoice({ ...settings, providersWithKey: ['anthropic'] }, null)).toEqual({
      provider: 'anthropic',
      model: '',
      baseUrl: '',
    });
  });

  it('labels the first pair from settings, and checks the second as settings are checked', () => {
    expect(firstPair(settings)).toEqual({ provider: 'anthropic', model: 'claude-sonnet-5-5' });
    expect(choiceProblem({ provider: 'openai-compatible', model: 'm', baseUrl: '' }, settings)?.code).toBe('base-url-missing');
    expect(choiceProblem({ provider: 'openai-compatible', model: 'm', baseUrl: 'http://127.0.0.1:9002/v1' }, settings)).toBeNull();
    expect(choiceProblem({ provider: 'lmstudio', model: '', baseUrl: '' }, settings)?.code).toBe('model-missing');
    // The same provider keeps the address saved in settings.
    expect(choiceAsSettings({ provider: 'anthropic', model: 'claude-haiku-4-5', baseUrl: '' }, settings).baseUrl).toBe(
      'http://127.0.0.1:9001',
    );
    expect(choiceUrl({ provider: 'openai', model: '', baseUrl: '' }, settings)).toBe('https://api.openai.com/v1');
  });
});
