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
import { pairLabel } from './ComparePicker.tsx';

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

export interface CompareHandlers {
  /** Stops this answer only. */
  onStop(requestId: string): void;
  /** A follow-up continues with this answer of its comparison. */
  onPick(requestId: string): void;
}

/**
 * The answers of one comparison, side by side (stacked in a narrow panel): each labelled
 * with who answers it, with its own Stop while it streams; the last comparison's finished
 * answers offer to be the one a follow-up continues with.
 */
function CompareAnswers(
  props: { turns: AssistantTurn[]; isLast: boolean; answering: boolean; language: UiLanguage } & AnswerHandlers & CompareHandlers,
) {
  const { turns, ...handlers } = props;
  return (
    <div class="compare" role="group" aria-label={t('compare_group_label')} data-testid="compare">
      {turns.map((turn) => {
        const live = turn.status === 'streaming' || turn.status === 'retrying';
        const chosen = turn.compare?.chosen === true;
        const label = pairLabel({ provider: turn.compare!.provider, model: turn.compare!.model });
        return (
          <section key={turn.requestId} class="compare-column" data-testid="compare-column" data-chosen={chosen} aria-label={label}>
            <div class="compare-label">
              <span class="compare-pair" data-testid="compare-label">
                {label}
              </span>
              {live && (
                <button
                  type="button"
                  class="stop small-button"
                  data-testid="answer-stop"
                  aria-label={t('compare_stop_label', { pair: label })}
                  onClick={() => props.onStop(turn.requestId)}
                >
                  {t('stop')}
                </button>
              )}
            </div>
            <MemoAnswer
              turn={turn}
              isLast={false}
              // A comparison's answers offer no Continue.
              continuesMidSentence
              language={props.language}
              onRetry={handlers.onRetry}
              onContinue={handlers.onContinue}
              onOpenSettings={handlers.onOpenSettings}
              onDetails={handlers.onDetails}
            />
            {props.isLast && !props.answering ? (
              <button
                type="button"
                class="ghost small-button compare-pick"
                data-testid="compare-pick"
                aria-pressed={chosen}
                title={t('compare_pick_title')}
                onClick={() => props.onPick(turn.requestId)}
              >
                {chosen ? t('compare_chosen') : t('compare_pick')}
              </button>
            ) : (
              chosen && (
                <p class="muted small compare-chosen" data-testid="compare-chosen">
                  {t('compare_chosen')}
                </p>
              )
            )}
          </section>
        );
      })}
    </div>
  );
}

/** The turns in order, a comparison's answers as one item. */
function groupTurns(turns: readonly Turn[]): ({ index: number; turn: Turn } | { index: number; compare: AssistantTurn[] })[] {
  const items: ({ index: number; turn: Turn } | { index: number; compare: AssistantTurn[] })[] = [];
  turns.forEach((turn, index) => {
    const previous = items[items.length - 1];
    if (turn.role === 'assistant' && turn.compare) {
      if (previous && 'compare' in previous && previous.compare[0]!.compare!.group === turn.compare.group) {
        previous.compare.push(turn);
        previous.index = index;
      } else items.push({ index, compare: [turn] });
      return;
    }
    items.push({ index, turn });
  });
  return items;
}

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
    /** The first turns left out of what is sent (0: none), and how to send them again. */
    leftOut?: number;
    onSendAll?(): void;
  } & AnswerHandlers &
    CompareHandlers,
) {
  const last = props.turns.length - 1;
  const leftOut = props.leftOut ?? 0;
  const groups = groupTurns(props.turns);
  const items = groups.map((item) => renderItem(props, item, last));
  if (leftOut <= 0 || leftOut > props.turns.length) return <div class="conversation">{items}</div>;
  // The first item the model is sent (a comparison's index is its last answer's).
  const cut = groups.findIndex((item) => item.index >= leftOut);
  const exchanges = props.turns.slice(0, leftOut).filter((turn) => turn.role === 'user').length;
  return (
    <div class="conversation">
      <div class="left-out" data-testid="left-out-turns">
        {cut < 0 ? items : items.slice(0, cut)}
      </div>
      <div class="left-out-note muted small" role="note" data-testid="left-out-note">
        <span>{t('conversation_left_out', { count: exchanges })}</span>{' '}
        {props.onSendAll && (
          <button type="button" class="ghost small-button" data-testid="send-all-turns" onClick={props.onSendAll}>
            {t('conversation_send_all')}
          </button>
        )}
      </div>
      {cut >= 0 && items.slice(cut)}
    </div>
  );
}

type ConversationProps = Parameters<typeof Conversation>[0];

function renderItem(props: ConversationProps, item: ReturnType<typeof groupTurns>[number], last: number) {
  if ('compare' in item) {
    return (
      <CompareAnswers
        key={item.compare[0]!.compare!.group}
        turns={item.compare}
        isLast={item.index === last}
        answering={props.answering}
        language={props.language}
        onRetry={props.onRetry}
        onContinue={props.onContinue}
        onOpenSettings={props.onOpenSettings}
        onDetails={props.onDetails}
        onStop={props.onStop}
        onPick={props.onPick}
      />
    );
  }
  const { turn, index } = item;
  return turn.role === 'user' ? (
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
  );
}
