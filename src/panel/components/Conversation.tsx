import { LazyAnswerNumbers } from './LazyAnswerNumbers.tsx';
import { memo } from 'preact/compat';
import type { UiLanguage } from '../../shared/ids.ts';
import { errorText, t } from '../i18n/index.ts';
import { loadMarkdown } from '../markdown/load.ts';
import { canContinue, hitLengthLimit, type AssistantTurn, type Turn } from '../state.ts';
import { AnswerBody } from './AnswerBody.tsx';
import { CopyButton } from './CopyButton.tsx';
import { ErrorDetails } from './NoticeBanner.tsx';
import { QuestionTurn } from './QuestionTurn.tsx';
import { ThinkingSection } from './ThinkingSection.tsx';
import { ToolCallCard } from './ToolCallCard.tsx';

const STATUS_TEXT: Partial<Record<AssistantTurn['status'], () => string>> = {
  stopped: () => t('status_stopped'),
  truncated: () => t('status_truncated'),
  interrupted: () => t('status_interrupted'),
};

/** What the answer ends with, in words (nothing for an answer that simply finished). */
function statusText(turn: AssistantTurn): string | undefined {
  if (turn.status === 'complete' && hitLengthLimit(turn)) return t('status_length_limit');
  return STATUS_TEXT[turn.status]?.();
}

export interface AnswerHandlers {
  onRetry(requestId: string): void;
  onContinue(requestId: string): void;
  onOpenSettings(): void;
  /** Opens the answer's stream details. */
  onDetails(requestId: string): void;
}

/** Copy, and for the last answer Continue and Regenerate (or Retry, when it did not finish). */
function AnswerActions(props: { turn: AssistantTurn; isLast: boolean; continuesMidSentence: boolean } & AnswerHandlers) {
  const { turn } = props;
  const hasText = turn.text.trim() !== '';
  const unfinished = turn.status === 'failed' || turn.status === 'truncated' || turn.status === 'interrupted';
  const fixInSettings = turn.status === 'failed' && turn.error?.fix === 'settings';
  if (!hasText && !props.isLast && !fixInSettings) return null;
  return (
    <div class="row answer-actions" role="group" aria-label={t('answer_actions')}>
      {fixInSettings && (
        <button type="button" data-testid="answer-open-settings" onClick={props.onOpenSettings}>
          {t('open_settings')}
        </button>
      )}
      {hasText && (
        <>
          <CopyButton label={t('copy_markdown')} title={t('copy_markdown_title')} testId="copy-markdown" text={() => turn.text} />
          <CopyButton
            label={t('copy_plain')}
            title={t('copy_plain_title')}
            testId="copy-plain"
            text={() => loadMarkdown().then((markdown) => markdown.markdownToPlainText(turn.text))}
          />
        </>
      )}
      {turn.metrics && (
        <button
          type="button"
          class="ghost small-button"
          data-testid="stream-details"
          title={t('details_open_title')}
          onClick={() => props.onDetails(turn.requestId)}
        >
          {t('details_open')}
        </button>
      )}
      {props.isLast && canContinue(turn) && !props.continuesMidSentence && (
        <p class="muted small continue-note" data-testid="continue-note">
          {t('continue_no_prefill')}
        </p>
      )}
      {props.isLast && canContinue(turn) && (
        <button
          type="button"
          class="ghost small-button"
          data-testid="continue"
          title={t('continue_title')}
          onClick={() => props.onContinue(turn.requestId)}
        >
          {t('continue_answer')}
        </button>
      )}
      {props.isLast && (
        <button
          type="button"
          class="ghost small-button"
          data-testid={unfinished ? 'retry' : 'regenerate'}
          title={unfinished ? undefined : t('regenerate_title')}
          onClick={() => props.onRetry(turn.requestId)}
        >
          {unfinished ? t('retry') : t('regenerate')}
        </button>
      )}
    </div>
  );
}

function Answer(
  props: {
    turn: AssistantTurn;
    isLast: boolean;
    /** Whether Continue carries on from the same character (false: the model is asked to go on). */
    continuesMidSentence: boolean;
    /** Not read: a change of language must re-render a memoized answer too. */
    language: UiLanguage;
  } & AnswerHandlers,
) {
  const { turn } = props;
  const status = statusText(turn);
  const live = turn.status === 'streaming' || turn.status === 'retrying';
  const waiting = live && turn.text === '' && !turn.thinking;
  return (
    <article
      class={`turn assistant ${turn.status}`}
      data-testid="answer"
      data-status={turn.status}
      data-stop-reason={turn.stopReason}
      aria-busy={live}
      aria-label={t('answer_label')}
    >
      {turn.thinking && <ThinkingSection turn={turn} live={live} />}
      {waiting ? (
        <p class="muted thinking">{turn.status === 'retrying' ? t('waiting_to_retry') : t('thinking')}</p>
      ) : (
        (turn.text !== '' || !live) && (
          <div class="answer-body">
            <AnswerBody text={turn.text} streaming={live} />
            {live && <span class="caret" aria-hidden="true" />}
          </div>
        )
      )}
      {turn.toolCalls && turn.toolCalls.length > 0 && (
        <div class="tool-calls">
          {turn.toolCalls.map((call) => (
            <ToolCallCard key={call.index} call={call} />
          ))}
        </div>
      )}
      {turn.retry && (
        <p class="muted small" role="status">
          {t('retry_line', { message: errorText(turn.retry.error), seconds: Math.ceil(turn.retry.inSeconds) })}
        </p>
      )}
      {status && (
        <p class="muted small turn-status" data-testid="answer-status-text">
          {status}
        </p>
      )}
      {turn.status === 'failed' && turn.error && (
        <div class="turn-error" data-testid="answer-error" data-code={turn.error.code}>
          <ErrorDetails error={turn.error} />
        </div>
      )}
      {!live && turn.metrics && <LazyAnswerNumbers turn={turn} metrics={turn.metrics} />}
      {!live && <AnswerActions {...props} />}
    </article>
  );
}

/** Finished turns never change: skip re-rendering them while the last one streams. */
const MemoAnswer = memo(Answer);

export function Conversation(
  props: {
    turns: Turn[];
    language: UiLanguage;
    /** The user turn being edited in place, or null. */
    editing: number | null;
    /** An answer is streaming: nothing can be edited or regenerated meanwhile. */
    answering: boolean;
    /** The provider now chosen continues a cut-off answer mid-sentence (providers/catalog.ts). */
    continuesMidSentence: boolean;
    onEdit(index: number): void;
    onCancelEdit(): void;
    onResend(index: number, text: string): void;
  } & AnswerHandlers,
) {
  const last = props.turns.length - 1;
  return (
    <div class="conversation">
      {props.turns.map((turn, index) =>
        turn.role === 'user' ? (
          <QuestionTurn
            key={index}
            turn={turn}
            index={index}
            editing={props.editing === index}
            canEdit={!props.answering && props.editing === null}
            onEdit={props.onEdit}
            onCancelEdit={props.onCancelEdit}
            onResend={props.onResend}
          />
        ) : (
          <MemoAnswer
            key={turn.requestId}
            turn={turn}
            isLast={index === last}
            // Only the last answer offers Continue: the others keep their memoized render.
            continuesMidSentence={index === last ? props.continuesMidSentence : true}
            language={props.language}
            onRetry={props.onRetry}
            onContinue={props.onContinue}
            onOpenSettings={props.onOpenSettings}
            onDetails={props.onDetails}
          />
        ),
      )}
    </div>
  );
}
