/**
 * The numbers behind one answer, measured by the background (it sees every delta the
 * provider sends, before any batching for the port) and carried with the answer's end:
 * which model answered, time to first token, how long it streamed, and the gaps between
 * deltas. Token counts are the provider's (Usage); where it reported none, the estimates here.
 */
import * as v from 'valibot';
import { MAX_SHORT_TEXT_CHARS } from './limits.ts';
import { ProviderIdSchema } from './ids.ts';

const ms = v.pipe(v.number(), v.integer(), v.minValue(0));
const count = v.pipe(v.number(), v.integer(), v.minValue(0));

export const GapStatsSchema = v.object({ medianMs: ms, p95Ms: ms, maxMs: ms });
export type GapStats = v.InferOutput<typeof GapStatsSchema>;

export const AnswerMetricsSchema = v.object({
  provider: ProviderIdSchema,
  model: v.pipe(v.string(), v.maxLength(MAX_SHORT_TEXT_CHARS)),
  /** From the request to the first text or reasoning; null when none came. Retries count: the user waited. */
  ttftMs: v.nullable(ms),
  /** From the request to its end. */
  totalMs: ms,
  /** Deltas of text or reasoning the provider sent. */
  deltas: count,
  /** Gaps between consecutive deltas; null with fewer than two. */
  gaps: v.nullable(GapStatsSchema),
  /** Estimated from the text, for providers that report no usage (shown with "≈"). */
  estimatedInputTokens: v.optional(count),
  estimatedOutputTokens: v.optional(count),
});
export type AnswerMetrics = v.InferOutput<typeof AnswerMetricsSchema>;

/** The value at quantile q (0..1) of sorted numbers, nearest-rank. */
function quantile(sorted: readonly number[], q: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index] as number;
}

export function gapStats(gaps: readonly number[]): GapStats | null {
  if (gaps.length === 0) return null;
  const sorted = [...gaps].sort((a, b) => a - b);
  return {
    medianMs: Math.round(quantile(sorted, 0.5)),
    p95Ms: Math.round(quantile(sorted, 0.95)),
    maxMs: Math.round(sorted[sorted.length - 1] as number),
  };
}

/**
 * Output tokens per second, over the time the answer streamed (first token to end): the
 * speed of the stream, not counting the wait before it. Null when it cannot be told.
 */
export function tokensPerSecond(outputTokens: number | undefined, metrics: Pick<AnswerMetrics, 'ttftMs' | 'totalMs'>): number | null {
  if (outputTokens === undefined || outputTokens < 2 || metrics.ttftMs === null) return null;
  const streamMs = metrics.totalMs - metrics.ttftMs;
  if (streamMs <= 0) return null;
  return (outputTokens - 1) / (streamMs / 1000);
}

/**
 * Targets from the field: the first token within 500 ms, a token every 50 ms at most, and an
 * even stream (a p95 gap more than 4x the median, and over 250 ms, is felt as stutter).
 */
export const TTFT_TARGET_MS = 500;
export const TPOT_TARGET_MS = 50;
const UNEVEN_RATIO = 4;
const UNEVEN_MIN_MS = 250;

export type MetricsHint = 'slow-start' | 'slow-stream' | 'uneven-stream';

export function metricsHints(metrics: AnswerMetrics, outputTokens: number | undefined): MetricsHint[] {
  const hints: MetricsHint[] = [];
  if (metrics.ttftMs !== null && metrics.ttftMs > TTFT_TARGET_MS) hints.push('slow-start');
  const speed = tokensPerSecond(outputTokens, metrics);
  if (speed !== null && 1000 / speed > TPOT_TARGET_MS) hints.push('slow-stream');
  const gaps = metrics.gaps;
  if (gaps && metrics.deltas >= 10 && gaps.p95Ms > UNEVEN_MIN_MS && gaps.p95Ms > UNEVEN_RATIO * Math.max(1, gaps.medianMs)) {
    hints.push('uneven-stream');
  }
  return hints;
}
