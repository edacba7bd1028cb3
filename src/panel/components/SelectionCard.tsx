import type { PageSelection } from '../../messaging/protocol.ts';
import { QUICK_ACTION_QUESTIONS } from '../state.ts';

export function formatLength(chars: number): string {
  return `${chars.toLocaleString('en')} character${chars === 1 ? '' : 's'}`;
}

/** Exactly what will be sent about the page: shown, collapsible, with its size. */
export function SelectionPreview({ selection, open = false }: { selection: PageSelection; open?: boolean }) {
  return (
    <details class="selection" open={open} data-testid="selection">
      <summary>
        <span class="selection-label">Selected text</span>
        <span class="muted"> · {formatLength(selection.text.length)}</span>
        {selection.title && <span class="selection-source muted"> · {selection.title}</span>}
      </summary>
      <blockquote class="selection-text" data-testid="selection-text">
        {selection.text}
      </blockquote>
      {selection.truncated && (
        <p class="muted small" data-testid="selection-truncated">
          The selection was {formatLength(selection.originalLength)}; Aside sends the first{' '}
          {formatLength(selection.text.length)}.
        </p>
      )}
    </details>
  );
}

export function SelectionCard(props: {
  selection: PageSelection;
  disabled: boolean;
  onAction(question: string): void;
  onDiscard(): void;
}) {
  return (
    <section class="selection-card" data-testid="selection-card" aria-label="Selected text to ask about">
      <SelectionPreview selection={props.selection} open />
      <div class="row">
        <button
          type="button"
          data-testid="summarize"
          disabled={props.disabled}
          onClick={() => props.onAction(QUICK_ACTION_QUESTIONS.summarize)}
        >
          Summarize
        </button>
        <button
          type="button"
          data-testid="explain"
          disabled={props.disabled}
          onClick={() => props.onAction(QUICK_ACTION_QUESTIONS.explain)}
        >
          Explain
        </button>
        <button type="button" class="ghost" onClick={props.onDiscard} title="Do not send this selection">
          Remove
        </button>
      </div>
    </section>
  );
}
