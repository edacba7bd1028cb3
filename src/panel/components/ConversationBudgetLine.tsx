import type { ConversationBudget } from '../budget.ts';
import { t } from '../i18n/index.ts';

export interface ConversationBudgetLineProps {
  measured: ConversationBudget;
  disabled: boolean;
  /** Leave the conversation's first `turns` turns out of what is sent. */
  onLeaveOut(turns: number): void;
  /** A new chat, keeping the draft. */
  onNewChat(): void;
}

/**
 * A follow-up's budget: what the next question sends with it (the conversation so far),
 * against the model's window; when it no longer fits, why, and the two ways on: leave the
 * first exchanges out (they stay shown, marked), or start a new chat with the question.
 */
export function ConversationBudgetLine(props: ConversationBudgetLineProps) {
  const { budget, count, leaveOut } = props.measured;
  const pieces = [
    t('conversation_budget'),
    t(budget.exact ? 'budget_tokens_exact' : 'budget_tokens_estimated', { count: budget.inputTokens }),
    budget.kind === 'unknown' ? t('budget_window_unknown') : t('budget_window', { count: budget.contextWindow }),
  ];
  return (
    <div class="budget conversation-budget">
      <p class="muted small" data-testid="conversation-budget">
        {pieces.join(' · ')}
      </p>
      {budget.kind === 'over' && (
        <div class="budget-over" role="alert" data-testid="conversation-over">
          <p>{t('conversation_over', { needed: budget.needed, output: count.maxOutputTokens, window: budget.contextWindow })}</p>
          {!leaveOut && <p data-testid="conversation-question-too-long">{t('conversation_question_too_long')}</p>}
          <div class="row budget-choices">
            {leaveOut && (
              <button
                type="button"
                data-testid="conversation-leave-out"
                disabled={props.disabled}
                onClick={() => props.onLeaveOut(leaveOut.turns)}
              >
                {t('conversation_leave_out', { count: leaveOut.questions })}
              </button>
            )}
            {leaveOut && (
              <button type="button" data-testid="conversation-new-chat" disabled={props.disabled} onClick={props.onNewChat}>
                {t('conversation_new_chat')}
              </button>
            )}
          </div>
        </div>
      )}
    </div>
  );
}
