import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n/index.ts';
import type { UserTurn } from '../state.ts';
import { SelectionPreview } from './SelectionCard.tsx';

/**
 * Editing a question in place. Enter sends (the answers after it are replaced), Shift+Enter
 * adds a line, Esc cancels. The text being edited is the user's until they send or cancel.
 */
function QuestionEditor(props: { initial: string; onSend(text: string): void; onCancel(): void }) {
  const [text, setText] = useState(props.initial);
  const input = useRef<HTMLTextAreaElement>(null);
  // Before paint, so keys typed right after Up or Edit land in the editor.
  useLayoutEffect(() => {
    const element = input.current;
    if (!element) return;
    element.focus();
    element.setSelectionRange(element.value.length, element.value.length);
  }, []);
  return (
    <form
      class="question-editor"
      onSubmit={(event) => {
        event.preventDefault();
        props.onSend(text);
      }}
    >
      <textarea
        ref={input}
        data-testid="edit-input"
        rows={3}
        value={text}
        aria-label={t('edit_question_label')}
        aria-describedby="edit-question-hint"
        onInput={(event) => setText(event.currentTarget.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            props.onSend(text);
          } else if (event.key === 'Escape') {
            // Cancels the edit only: Esc must not also stop an answer.
            event.preventDefault();
            event.stopPropagation();
            props.onCancel();
          }
        }}
      />
      <p class="muted small" id="edit-question-hint">
        {t('edit_question_hint')}
      </p>
      <div class="row">
        <span class="spacer" />
        <button type="button" class="ghost" data-testid="edit-cancel" onClick={props.onCancel}>
          {t('edit_cancel')}
        </button>
        <button type="submit" data-testid="edit-send">
          {t('edit_send')}
        </button>
      </div>
    </form>
  );
}

/** The user's question: what it was about, its words, and Edit (when nothing streams). */
export function QuestionTurn(props: {
  turn: UserTurn;
  index: number;
  editing: boolean;
  canEdit: boolean;
  onEdit(index: number): void;
  onCancelEdit(): void;
  onResend(index: number, text: string): void;
}) {
  const { turn } = props;
  return (
    <article class="turn user" data-testid="question" aria-label={t('question_label')}>
      {turn.selection && <SelectionPreview selection={turn.selection} />}
      {props.editing ? (
        <QuestionEditor initial={turn.text} onSend={(text) => props.onResend(props.index, text)} onCancel={props.onCancelEdit} />
      ) : (
        <>
          {turn.text && <p class="question-text">{turn.text}</p>}
          {props.canEdit && (
            <div class="turn-actions">
              <button
                type="button"
                class="ghost small-button"
                data-testid="edit-question"
                title={t('edit_question_title')}
                onClick={() => props.onEdit(props.index)}
              >
                {t('edit_question')}
              </button>
            </div>
          )}
        </>
      )}
    </article>
  );
}
