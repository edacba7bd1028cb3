/**
 * Measures one answer as the provider delivers it: when the request started, when the first
 * text or reasoning came, and the gap before each later delta. Fed by the sink before any
 * batching for the port, so the numbers are the provider's, not the panel's.
 */
import type { SentRequest } from '../../messaging/protocol.ts';
import { gapStats, type AnswerMetrics } from '../../shared/answer-metrics.ts';
import type { CustomReading } from '../../shared/custom-endpoint.ts';
import type { ProviderId } from '../../shared/ids.ts';
import { estimateTokens } from '../../shared/budget.ts';
import type { Clock } from './delta-batcher.ts';

/** Gaps kept for the statistics: a 6-minute stream at 50 deltas a second fits; beyond, the latest are dropped. */
export const MAX_GAP_SAMPLES = 20_000;

export interface RequestInfo {
  provider: ProviderId;
  model: string;
  /** What was sent, for an input estimate when the provider reports no usage. */
  promptText: string;
  /** The request as sent, key masked (the details view). */
  request?: SentRequest;
  /** A custom endpoint's: how its events are read (the details view). */
  customReading?: CustomReading;
}

export interface MetricsRecorder {
  describe(info: RequestInfo): void;
  /** A delta of text or reasoning arrived now. */
  delta(): void;
  /** The metrics at the end, or null when the request was never described (it did not start). */
  summary(answerText: string, reported: { inputTokens?: number; outputTokens?: number }): AnswerMetrics | null;
  /** The gaps between deltas in order, thinned evenly to at most `points`. */
  gaps(points: number): number[];
  readonly request: SentRequest | null;
  readonly customReading: CustomReading | null;
}

export function createMetricsRecorder(clock: Clock, startedAt: number): MetricsRecorder {
  let info: RequestInfo | null = null;
  let firstAt: number | null = null;
  let lastAt = 0;
  let deltas = 0;
  const gaps: number[] = [];
  return {
    describe(next) {
      info = next;
    },
    delta() {
      const now = clock.now();
      if (firstAt === null) firstAt = now;
      else if (gaps.length < MAX_GAP_SAMPLES) gaps.push(now - lastAt);
      lastAt = now;
      deltas++;
    },
    summary(answerText, reported) {
      if (!info) return null;
      const metrics: AnswerMetrics = {
        provider: info.provider,
        model: info.model,
        ttftMs: firstAt === null ? null : Math.max(0, Math.round(firstAt - startedAt)),
        totalMs: Math.max(0, Math.round(clock.now() - startedAt)),
        deltas,
        gaps: gapStats(gaps),
      };
      if (reported.inputTokens === undefined) metrics.estimatedInputTokens = estimateTokens(info.promptText);
      if (reported.outputTokens === undefined) metrics.estimatedOutputTokens = estimateTokens(answerText);
      return metrics;
    },
    gaps(points) {
      if (gaps.length <= points) return gaps.map(Math.round);
      const step = gaps.length / points;
      return Array.from({ length: points }, (_, i) => Math.round(gaps[Math.floor(i * step)] as number));
    },
    get request() {
      return info?.request ?? null;
    },
    get customReading() {
      return info?.customReading ?? null;
    },
  };
}
