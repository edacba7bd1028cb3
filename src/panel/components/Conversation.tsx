import { memo } from 'preact/compat';
import type { UiLanguage } from '../../shared/ids.ts';
import { errorText, t } from '../i18n/index.ts';
import type { AssistantTurn, Turn } from '../state.ts';
import { AnswerBody } from './AnswerBody.tsx';
import { ErrorDetails } from './NoticeBanner.tsx';
import { SelectionPreview } from './SelectionCard.tsx';

const STATUS_TEXT: Partial<Record<AssistantTurn['status'], () => string>> = {
  stopped: () => t('status_stopped'),
  truncated: () => t('status_truncated'),
  interrupted: () => t('status_interrupted'),
};

function Answer(props: {
  turn: AssistantTurn;
  isLast: boolean;
  /** Not read: a change of language must re-render a memoized answer too. */
  language: UiLanguage;
  onRetry(id: string): void;
  onOpenSettings(): void;
}) {
  const { turn } = props;
  const statusText = STATUS_TEXT[turn.status]?.();
  const live = turn.status === 'streaming' || turn.status === 'retrying';
  const canRetry = props.isLast && !live && turn.status !== 'complete' && turn.status !== 'stopped';
  return (
    <article class={`turn assistant ${turn.status}`} data-testid="answer" data-status={turn.status} aria-busy={live}>
      {turn.thinking && (
        <details class="reasoning" data-testid="reasoning" open={live && turn.text === ''}>
          <summary class="muted small">{t('reasoning')}</summary>
          <div class="reasoning-text">{turn.thinking}</div>
        </details>
      )}
      {turn.text === '' && live ? (
        <p class="muted thinking">{turn.status === 'retrying' ? t('waiting_to_retry') : t('thinking')}</p>
      ) : (
        <div class="answer-body">
          <AnswerBody text={turn.text} streaming={live} />
          {live && <span class="caret" aria-hidden="true" />}
        </div>
      )}
      {turn.retry && (
        <p class="muted small" role="status">
          {t('retry_line', { message: errorText(turn.retry.error), seconds: Math.ceil(turn.retry.inSeconds) })}
        </p>
      )}
      {statusText && <p class="muted small turn-status">{statusText}</p>}
      {turn.status === 'failed' && turn.error && (
        <div class="turn-error" role="alert" data-testid="answer-error" data-code={turn.error.code}>
          <ErrorDetails error={turn.error} />
        </div>
      )}
      {(canRetry || (turn.status === 'failed' && turn.error?.fix === 'settings')) && (
        <div class="row">
          {turn.error?.fix === 'settings' && (
            <button type="button" data-testid="answer-open-settings" onClick={props.onOpenSettings}>
              {t('open_settings')}
            </button>
          )}
          {canRetry && (
            <button type="button" class="ghost" data-testid="retry" onClick={() => props.onRetry(turn.requestId)}>
              {t('retry')}
            </button>
          )}
        </div>
      )}
    </article>
  );
}

/** Finished turns never change: skip re-rendering them while the last one streams. */
const MemoAnswer = memo(Answer);

export function Conversation(props: { turns: Turn[]; language: UiLanguage; onRetry(id: string): void; onOpenSettings(): void }) {
  const last = props.turns.length - 1;
  return (
    <div class="conversation">
      {props.turns.map((turn, index) =>
        turn.role === 'user' ? (
          <article class="turn user" key={index} data-testid="question">
            {turn.selection && <SelectionPreview selection={turn.selection} />}
            {turn.text && <p class="question-text">{turn.text}</p>}
          </article>
        ) : (
          <MemoAnswer
            key={turn.requestId}
            turn={turn}
            isLast={index === last}
            language={props.language}
            onRetry={props.onRetry}
            onOpenSettings={props.onOpenSettings}
          />
        ),
      )}
    </div>
  );
}
