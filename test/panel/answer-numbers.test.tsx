// @vitest-environment happy-dom
/** The numbers line under an answer, rendered from the background's metrics and the provider's usage. */
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AnswerNumbers, endingWords } from '../../src/panel/components/AnswerNumbers.tsx';
import type { AssistantTurn } from '../../src/panel/state.ts';
import type { AnswerMetrics } from '../../src/shared/answer-metrics.ts';
import { browserSpeaks } from '../i18n/catalogs.ts';

let root: HTMLElement;
beforeEach(async () => {
  await browserSpeaks('en');
  root = document.createElement('div');
  document.body.append(root);
});
afterEach(() => {
  render(null, root);
  root.remove();
});

const metrics: AnswerMetrics = {
  provider: 'anthropic',
  model: 'claude-sonnet-5-5',
  ttftMs: 420,
  totalMs: 2420,
  deltas: 40,
  gaps: { medianMs: 40, p95Ms: 80, maxMs: 120 },
};
const answer = (over: Partial<AssistantTurn> = {}): AssistantTurn => ({
  role: 'assistant',
  requestId: 'r',
  text: 'Hello',
  status: 'complete',
  stopReason: 'end_turn',
  lastSeq: 3,
  usage: { inputTokens: 1200, outputTokens: 101, cacheReadTokens: 1000 },
  ...over,
});
const part = (id: string) => root.querySelector(`[data-testid="${id}"]`)?.textContent ?? null;

async function show(turn: AssistantTurn, m: AnswerMetrics = metrics) {
  await act(() => render(<AnswerNumbers turn={turn} metrics={m} />, root));
}

describe('the numbers line', () => {
  it('shows time to first token, speed, reported tokens, cache, cost and how it ended', async () => {
    await show(answer());
    expect(part('numbers-ttft')).toBe('first token in 420 ms');
    // 100 tokens after the first, over 2 s: 50 tokens/s
    expect(part('numbers-speed')).toBe('50 tokens/s');
    expect(part('numbers-tokens')).toBe('1,200 in · 101 out');
    expect(part('numbers-cached')).toBe('1,000 cached');
    // 1200 × $2 + 101 × $10 + 1000 × $0.10, per million
    expect(part('numbers-cost')).toBe('≈$0.0035');
    expect(part('numbers-stop')).toBe('finished');
    expect(root.querySelector('[data-testid="numbers-hint"]')).toBeNull();
  });

  it('marks estimated tokens with ≈ and shows no cost for them', async () => {
    await show(answer({ usage: undefined }), { ...metrics, estimatedInputTokens: 300, estimatedOutputTokens: 2 });
    expect(part('numbers-tokens')).toBe('≈300 in · ≈2 out');
    expect(root.querySelector('[data-testid="numbers-tokens"]')?.getAttribute('data-estimated')).toBe('true');
    expect(part('numbers-cost')).toBeNull();
  });

  it('shows no cost for a model not in the price table', async () => {
    await show(answer(), { ...metrics, provider: 'openrouter', model: 'some/model' });
    expect(part('numbers-cost')).toBeNull();
    expect(part('numbers-tokens')).toBe('1,200 in · 101 out');
  });

  it('names a missed target gently', async () => {
    await show(answer(), { ...metrics, ttftMs: 1800, totalMs: 3800 });
    expect(part('numbers-ttft')).toBe('first token in 1.8 s');
    expect(part('numbers-hint')).toBe('slow start (target: first token under 500 ms)');
  });

  it('says in words how an answer ended', () => {
    expect(endingWords({ status: 'complete', stopReason: 'max_tokens' })).toBe('hit the output limit');
    expect(endingWords({ status: 'complete', stopReason: 'length' })).toBe('hit the output limit');
    expect(endingWords({ status: 'complete', stopReason: 'tool_calls' })).toBe('asked to use a tool');
    expect(endingWords({ status: 'complete', stopReason: 'weird' })).toBe('stop reason: weird');
    expect(endingWords({ status: 'stopped', stopReason: undefined })).toBe('stopped by you');
    expect(endingWords({ status: 'truncated', stopReason: undefined })).toBe('cut off upstream');
  });
});
