import type { PageSelection } from '../../messaging/protocol.ts';
import type { ActionEntry } from '../../shared/actions.ts';
import { MAX_ACTION_KEYS } from '../../shared/limits.ts';
import { actionName } from '../actions/words.ts';
import { t } from '../i18n/index.ts';
import type { SelectionBudget } from '../budget.ts';
import type { BudgetChoices } from './BudgetLine.tsx';
import { LazyBudgetLine } from './LazyBudgetLine.tsx';

export function formatLength(chars: number): string {
  return t('selection_length', { count: chars });
}

/** Exactly what will be sent about the page: shown, collapsible, with its size. */
export function SelectionPreview({ selection, open = false }: { selection: PageSelection; open?: boolean }) {
  const isPage = selection.source === 'page';
  return (
    <details class="selection" open={open} data-testid="selection">
      <summary>
        <span class="selection-label" data-testid="selection-label">
          {t(isPage ? 'whole_page' : 'selected_text')}
        </span>
        <span class="muted"> · {formatLength(selection.text.length)}</span>
        {selection.title && <span class="selection-source muted"> · {selection.title}</span>}
      </summary>
      <blockquote class="selection-text" data-testid="selection-text">
        {selection.text}
      </blockquote>
      {selection.truncated && (
        <p class="muted small" data-testid="selection-truncated">
          {t(isPage ? 'page_truncated' : 'selection_truncated', {
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
  /** The budget as measured; null while it is counted. */
  measured: SelectionBudget | null;
  budget: BudgetChoices;
  /** The enabled actions, in order; the first nine are on the number keys. */
  actions: readonly ActionEntry[];
  disabled: boolean;
  onRun(id: string): void;
  onDiscard(): void;
}) {
  return (
    <section
      class="selection-card"
      data-testid="selection-card"
      aria-label={t(props.selection.source === 'page' ? 'page_card_label' : 'selection_card_label')}
    >
      <SelectionPreview selection={props.selection} open />
      <LazyBudgetLine selection={props.selection} measured={props.measured} disabled={props.disabled} {...props.budget} />
      <div class="row action-buttons">
        {props.actions.map((entry, index) => {
          const name = actionName(entry);
          const key = index < MAX_ACTION_KEYS ? String(index + 1) : undefined;
          // Over the window: nothing is sent until the user has chosen how to cut it.
          const over = props.measured?.budget.kind === 'over';
          return (
            <button
              key={entry.id}
              type="button"
              class={entry.id === 'ask' ? 'ghost' : undefined}
              data-testid={entry.kind === 'builtin' ? entry.id : 'action-run'}
              data-action-id={entry.id}
              aria-keyshortcuts={key}
              title={over ? t('budget_choose_first') : key ? t('action_button_title', { name, key }) : undefined}
              disabled={props.disabled || over}
              onClick={() => props.onRun(entry.id)}
            >
              {name}
            </button>
          );
        })}
        <button type="button" class="ghost" data-testid="selection-remove" onClick={props.onDiscard} title={t('remove_title')}>
          {t('remove')}
        </button>
      </div>
    </section>
  );
}
