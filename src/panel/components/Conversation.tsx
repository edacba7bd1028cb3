import { memo } from 'preact/compat';
import type { AssistantTurn, Turn } from '../state.ts';
import { ErrorDetails } from './NoticeBanner.tsx';
import { SelectionPreview } from './SelectionCard.tsx';

const STATUS_TEXT: Partial<Record<AssistantTurn['status'], string>> = {
  stopped: 'Stopped.',
  truncated: 'The provider ended the stream early: this answer may be incomplete.',
  interrupted: 'Interrupted: the connection to Aside’s background was lost.',
};

function Answer(props: { turn: AssistantTurn; isLast: boolean; onRetry(id: string): void; onOpenSettings(): void }) {
  const { turn } = props;
  const live = turn.status === 'streaming' || turn.status === 'retrying';
  const canRetry = props.isLast && !live && turn.status !== 'complete' && turn.status !== 'stopped';
  return (
    <article class={`turn assistant ${turn.status}`} data-testid="answer" data-status={turn.status} aria-busy={live}>
      {turn.thinking && (
        <details class="reasoning" data-testid="reasoning" open={live && turn.text === ''}>
          <summary class="muted small">Reasoning</summary>
          <div class="reasoning-text">{turn.thinking}</div>
        </details>
      )}
      {turn.text === '' && live ? (
        <p class="muted thinking">{turn.status === 'retrying' ? 'Waiting to retry…' : 'Thinking…'}</p>
      ) : (
        <div class="answer-text" data-testid="answer-text">
          {turn.text}
          {live && <span class="caret" aria-hidden="true" />}
        </div>
      )}
      {turn.retry && (
        <p class="muted small" role="status">
          {turn.retry.error.message} Retrying in {Math.ceil(turn.retry.inSeconds)} s…
        </p>
      )}
      {STATUS_TEXT[turn.status] && <p class="muted small turn-status">{STATUS_TEXT[turn.status]}</p>}
      {turn.status === 'failed' && turn.error && (
        <div class="turn-error" role="alert" data-testid="answer-error" data-code={turn.error.code}>
          <ErrorDetails error={turn.error} />
        </div>
      )}
      {(canRetry || (turn.status === 'failed' && turn.error?.fix === 'settings')) && (
        <div class="row">
          {turn.error?.fix === 'settings' && (
            <button type="button" data-testid="answer-open-settings" onClick={props.onOpenSettings}>
              Open settings
            </button>
          )}
          {canRetry && (
            <button type="button" class="ghost" data-testid="retry" onClick={() => props.onRetry(turn.requestId)}>
              Retry
            </button>
          )}
        </div>
      )}
    </article>
  );
}

/** Finished turns never change: skip re-rendering them while the last one streams. */
const MemoAnswer = memo(Answer);

export function Conversation(props: { turns: Turn[]; onRetry(id: string): void; onOpenSettings(): void }) {
  const last = props.turns.length - 1;
  return (
    <div class="conversation" aria-live="polite">
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
            onRetry={props.onRetry}
            onOpenSettings={props.onOpenSettings}
          />
        ),
      )}
    </div>
  );
}
