import { describe, expect, it } from 'vitest';
import { gapStats, metricsHints, tokensPerSecond, type AnswerMetrics } from '../../src/shared/answer-metrics.ts';

const base: AnswerMetrics = { provider: 'anthropic', model: 'm', ttftMs: 200, totalMs: 1200, deltas: 20, gaps: null };

describe('answer metrics', () => {
  it('gives median, p95 and max of the gaps (nearest rank)', () => {
    expect(gapStats([])).toBeNull();
    expect(gapStats([7])).toEqual({ medianMs: 7, p95Ms: 7, maxMs: 7 });
    const gaps = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(gapStats(gaps)).toEqual({ medianMs: 50, p95Ms: 95, maxMs: 100 });
  });

  it('measures speed over the streaming time only', () => {
    // 101 tokens over the 1 s after the first: 100 tokens per second
    expect(tokensPerSecond(101, base)).toBeCloseTo(100);
    expect(tokensPerSecond(1, base)).toBeNull();
    expect(tokensPerSecond(undefined, base)).toBeNull();
    expect(tokensPerSecond(10, { ttftMs: null, totalMs: 5 })).toBeNull();
    expect(tokensPerSecond(10, { ttftMs: 5, totalMs: 5 })).toBeNull();
  });

  it('names a missed target: slow start, slow stream, uneven stream', () => {
    expect(metricsHints(base, 101)).toEqual([]);
    expect(metricsHints({ ...base, ttftMs: 501, totalMs: 1501 }, 101)).toEqual(['slow-start']);
    // 11 tokens in 1 s: 100 ms a token
    expect(metricsHints(base, 11)).toEqual(['slow-stream']);
    expect(metricsHints({ ...base, gaps: { medianMs: 20, p95Ms: 400, maxMs: 900 } }, 101)).toEqual(['uneven-stream']);
    // A few deltas are too few to call a stream uneven.
    expect(metricsHints({ ...base, deltas: 3, gaps: { medianMs: 20, p95Ms: 400, maxMs: 900 } }, 101)).toEqual([]);
  });
});
