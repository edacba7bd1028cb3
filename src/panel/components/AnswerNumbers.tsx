/**
 * One compact line under a finished answer: time to first token, speed, tokens (reported,
 * or estimated and marked ≈), an estimated cost for priced models, and how it ended, in
 * words. Field targets it misses are named gently at the end.
 */
import { metricsHints, tokensPerSecond, type AnswerMetrics, type MetricsHint } from '../../shared/answer-metrics.ts';
import { estimateCost, priceFor, PRICES_CHECKED } from '../../shared/pricing.ts';
import { t, uiLocale } from '../i18n/index.ts';
import type { AssistantTurn } from '../state.ts';

function decimal(n: number, digits: number): string {
  try {
    return n.toLocaleString(uiLocale(), { maximumFractionDigits: digits, minimumFractionDigits: 0 });
  } catch {
    return n.toFixed(digits);
  }
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? t('numbers_ms', { n: Math.round(ms) }) : t('numbers_seconds', { n: decimal(ms / 1000, 1) });
}

export function formatCost(dollars: number): string {
  // Small answers cost fractions of a cent: keep two significant digits rather than show $0.00.
  const options: Intl.NumberFormatOptions =
    dollars < 0.01
      ? { style: 'currency', currency: 'USD', maximumSignificantDigits: 2 }
      : { style: 'currency', currency: 'USD', maximumFractionDigits: 2, minimumFractionDigits: 2 };
  try {
    return dollars.toLocaleString(uiLocale(), options);
  } catch {
    return `$${dollars.toPrecision(2)}`;
  }
}

const STOP_WORDS: Record<string, () => string> = {
  end_turn: () => t('stop_end_turn'),
  stop: () => t('stop_end_turn'),
  max_tokens: () => t('stop_max_tokens'),
  length: () => t('stop_max_tokens'),
  stop_sequence: () => t('stop_stop_sequence'),
  tool_use: () => t('stop_tool_use'),
  tool_calls: () => t('stop_tool_use'),
  function_call: () => t('stop_tool_use'),
  refusal: () => t('stop_refusal'),
  content_filter: () => t('stop_content_filter'),
  pause_turn: () => t('stop_pause_turn'),
  model_context_window_exceeded: () => t('stop_context_window'),
};

/** How the answer ended, in words: the provider's stop reason, or what the status says. */
export function endingWords(turn: Pick<AssistantTurn, 'status' | 'stopReason'>): string {
  if (turn.status === 'stopped') return t('stop_by_user');
  if (turn.status === 'failed') return t('stop_failed');
  if (turn.stopReason) return STOP_WORDS[turn.stopReason]?.() ?? t('stop_other', { reason: turn.stopReason });
  return turn.status === 'complete' ? t('stop_end_turn') : t('stop_cut_off');
}

const HINT_WORDS: Record<MetricsHint, () => string> = {
  'slow-start': () => t('hint_slow_start'),
  'slow-stream': () => t('hint_slow_stream'),
  'uneven-stream': () => t('hint_uneven_stream'),
};

export interface AnswerNumbersProps {
  turn: AssistantTurn;
  metrics: AnswerMetrics;
}

export function AnswerNumbers({ turn, metrics }: AnswerNumbersProps) {
  const usage = turn.usage ?? {};
  const estimated = usage.outputTokens === undefined || usage.inputTokens === undefined;
  const input = usage.inputTokens ?? metrics.estimatedInputTokens;
  const output = usage.outputTokens ?? metrics.estimatedOutputTokens;
  const speed = tokensPerSecond(output, metrics);
  const price = estimated ? null : priceFor(metrics.provider, metrics.model);
  const cost = price ? estimateCost(metrics.provider, usage, price) : null;
  const cached = (usage.cacheReadTokens ?? 0) + (usage.cacheWriteTokens ?? 0);
  const hints = metricsHints(metrics, output);
  return (
    <p class="answer-numbers muted small" data-testid="answer-numbers" aria-label={t('numbers_label')}>
      {metrics.ttftMs !== null && (
        <span data-testid="numbers-ttft" data-ms={metrics.ttftMs} title={t('numbers_ttft_title')}>
          {t('numbers_ttft', { time: formatDuration(metrics.ttftMs) })}
        </span>
      )}
      {speed !== null && (
        <span data-testid="numbers-speed" title={t('numbers_speed_title')}>
          {t('numbers_speed', { rate: decimal(speed, speed < 10 ? 1 : 0) })}
        </span>
      )}
      {input !== undefined && output !== undefined && (
        <span
          data-testid="numbers-tokens"
          data-estimated={estimated}
          title={estimated ? t('numbers_tokens_estimated_title') : t('numbers_tokens_title')}
        >
          {t(estimated ? 'numbers_tokens_estimated' : 'numbers_tokens', { input, output })}
        </span>
      )}
      {cached > 0 && <span data-testid="numbers-cached">{t('numbers_cached', { count: cached })}</span>}
      {cost !== null && (
        <span data-testid="numbers-cost" title={t('numbers_cost_title', { date: PRICES_CHECKED })}>
          {t('numbers_cost', { cost: formatCost(cost) })}
        </span>
      )}
      <span data-testid="numbers-stop">{endingWords(turn)}</span>
      {hints.map((hint) => (
        <span key={hint} class="numbers-hint" data-testid="numbers-hint" data-hint={hint}>
          {HINT_WORDS[hint]()}
        </span>
      ))}
    </p>
  );
}
