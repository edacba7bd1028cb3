import type { PageSelection } from '../../messaging/protocol.ts';
import { t } from '../i18n/index.ts';

export function formatLength(chars: number): string {
  return t('selection_length', { count: chars });
}

/** Exactly what will be sent about the page: shown, collapsible, with its size. */
export function SelectionPreview({ selection, open = false }: { selection: PageSelection; open?: boolean }) {
  return (
    <details class="selection" open={open} data-testid="selection">
      <summary>
        <span class="selection-label">{t('selected_text')}</span>
        <span class="muted"> · {formatLength(selection.text.length)}</span>
        {selection.title && <span class="selection-source muted"> · {selection.title}</span>}
      </summary>
      <blockquote class="selection-text" data-testid="selection-text">
        {selection.text}
      </blockquote>
      {selection.truncated && (
        <p class="muted small" data-testid="selection-truncated">
          {t('selection_truncated', {
            original: formatLength(selection.originalLength),
            sent: formatLength(selection.text.length),
          })}
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
    <section class="selection-card" data-testid="selection-card" aria-label={t('selection_card_label')}>
      <SelectionPreview selection={props.selection} open />
      <div class="row">
        <button type="button" data-testid="summarize" disabled={props.disabled} onClick={() => props.onAction(t('question_summarize'))}>
          {t('summarize')}
        </button>
        <button type="button" data-testid="explain" disabled={props.disabled} onClick={() => props.onAction(t('question_explain'))}>
          {t('explain')}
        </button>
        <button type="button" class="ghost" onClick={props.onDiscard} title={t('remove_title')}>
          {t('remove')}
        </button>
      </div>
    </section>
  );
}
