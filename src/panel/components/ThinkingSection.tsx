import { t } from '../i18n/index.ts';
import type { AssistantTurn } from '../state.ts';

/** What the summary says: live, how long it took once known, or plainly "Reasoning" (a restored answer). */
export function thinkingLabel(turn: Pick<AssistantTurn, 'thinkingMs'>, live: boolean): string {
  if (turn.thinkingMs !== undefined) return t('thought_for', { seconds: Math.max(1, Math.round(turn.thinkingMs / 1000)) });
  return live ? t('thinking') : t('reasoning');
}

/**
 * The model's reasoning, apart from its answer: open while it reasons and nothing else has
 * come yet, then folded under "Thought for N s" (the user can open it again).
 */
export function ThinkingSection(props: { turn: AssistantTurn; live: boolean }) {
  const { turn, live } = props;
  const reasoning = live && turn.thinkingMs === undefined;
  return (
    <details class="reasoning" data-testid="reasoning" open={live && turn.text === (turn.prefix ?? '')}>
      <summary class="muted small" data-testid="reasoning-summary">
        {thinkingLabel(turn, live)}
        {reasoning && <span class="dots" aria-hidden="true" />}
      </summary>
      <div class="reasoning-text">{turn.thinking}</div>
    </details>
  );
}
