import { useMemo, useState } from 'preact/hooks';
import type { PageSelection } from '../../messaging/protocol.ts';
import { firstPart, headingAt, sectionsOf, splitParts, type TextSpan } from '../../shared/budget.ts';
import type { SelectionBudget } from '../budget.ts';
import { t } from '../i18n/index.ts';

export interface BudgetChoices {
  /** Stage the first part that fits in place of the whole. */
  onFirstPart(span: TextSpan): void;
  /** Send the parts one after another, then a request combining their answers. */
  onParts(parts: readonly TextSpan[]): void;
  /** Stage the chosen sections in place of the whole. */
  onSections(spans: readonly TextSpan[]): void;
}

/**
 * What will be sent, measured: characters, tokens (counted or ≈ estimated), the share of the
 * page, against the model's window; and, when it does not fit, where the cut falls and the
 * three ways to send it. Nothing is cut without the user's choice.
 */
export type BudgetLineProps = { selection: PageSelection; measured: SelectionBudget | null; disabled: boolean } & BudgetChoices;

export function BudgetLine(props: BudgetLineProps) {
  const { selection, measured } = props;
  const pieces = [t('selection_length', { count: selection.text.length })];
  if (!measured) pieces.push(t('budget_counting'));
  else {
    const { budget } = measured;
    pieces.push(t(budget.exact ? 'budget_tokens_exact' : 'budget_tokens_estimated', { count: budget.inputTokens }));
  }
  if (selection.pageChars) {
    pieces.push(t('budget_page_share', { percent: Math.min(100, Math.round((selection.text.length / selection.pageChars) * 100)) }));
  }
  if (measured) {
    const { budget } = measured;
    pieces.push(budget.kind === 'unknown' ? t('budget_window_unknown') : t('budget_window', { count: budget.contextWindow }));
  }
  return (
    <div class="budget">
      <p class="muted small" data-testid="budget">
        {pieces.join(' · ')}
      </p>
      {measured?.budget.kind === 'over' && <OverBudget {...props} measured={measured} />}
    </div>
  );
}

function OverBudget(props: { selection: PageSelection; measured: SelectionBudget; disabled: boolean } & BudgetChoices) {
  const { selection, measured } = props;
  const budget = measured.budget;
  const [picking, setPicking] = useState(false);
  const room = budget.kind === 'unknown' ? 0 : budget.room;
  const plan = useMemo(() => {
    if (room <= 0) return null;
    const first = firstPart(selection.text, room);
    return { first, parts: splitParts(selection.text, room), sections: sectionsOf(selection.text, selection.headings ?? []) };
  }, [selection, room]);
  if (budget.kind === 'unknown') return null;
  const headings = selection.headings ?? [];
  const cutHeading = plan ? headingAt(headings, plan.first.end) : null;
  return (
    <div class="budget-over" role="alert" data-testid="budget-over">
      <p>{t('budget_over', { needed: budget.needed, output: measured.count.maxOutputTokens, window: budget.contextWindow })}</p>
      {!plan ? (
        <p>{t('budget_nothing_fits')}</p>
      ) : (
        <>
          <p data-testid="budget-cut">
            {cutHeading
              ? t('budget_cut_in_section', { heading: cutHeading.text, words: plan.first.lastWords })
              : t('budget_cut_at', { words: plan.first.lastWords })}
          </p>
          <div class="row budget-choices">
            <button
              type="button"
              data-testid="budget-first-part"
              disabled={props.disabled}
              onClick={() => props.onFirstPart(plan.first)}
            >
              {t('budget_first_part')}
            </button>
            <button type="button" data-testid="budget-parts" disabled={props.disabled} onClick={() => props.onParts(plan.parts)}>
              {t('budget_parts', { count: plan.parts.length })}
            </button>
            <button
              type="button"
              data-testid="budget-sections"
              aria-expanded={picking}
              disabled={props.disabled || headings.length === 0}
              title={headings.length === 0 ? t('budget_sections_none') : undefined}
              onClick={() => setPicking(!picking)}
            >
              {t('budget_sections')}
            </button>
          </div>
          {headings.length === 0 && (
            <p class="muted small" data-testid="budget-sections-none">
              {t('budget_sections_none')}
            </p>
          )}
          {picking && (
            <SectionPicker
              sections={plan.sections}
              room={room}
              onUse={(spans) => {
                setPicking(false);
                props.onSections(spans);
              }}
              onCancel={() => setPicking(false)}
            />
          )}
        </>
      )}
    </div>
  );
}

function SectionPicker(props: {
  sections: ReturnType<typeof sectionsOf>;
  room: number;
  onUse(spans: readonly TextSpan[]): void;
  onCancel(): void;
}) {
  const [chosen, setChosen] = useState<ReadonlySet<number>>(new Set());
  const total = props.sections.reduce((sum, section, i) => (chosen.has(i) ? sum + section.tokens : sum), 0);
  const toggle = (i: number) => {
    const next = new Set(chosen);
    if (next.has(i)) next.delete(i);
    else next.add(i);
    setChosen(next);
  };
  return (
    <fieldset class="budget-sections" data-testid="budget-section-list">
      <legend>{t('budget_sections_label')}</legend>
      {props.sections.map((section, i) => (
        <label key={section.start} class="budget-section">
          <input type="checkbox" data-testid="budget-section" checked={chosen.has(i)} onChange={() => toggle(i)} />
          <span>{section.heading ? section.heading.text : t('budget_section_untitled')}</span>
          <span class="muted small"> · {t('budget_section_size', { count: section.tokens })}</span>
        </label>
      ))}
      <p
        class={total > props.room ? 'budget-total over' : 'budget-total muted small'}
        data-testid="budget-sections-total"
        aria-live="polite"
      >
        {t('budget_sections_total', { tokens: total, room: props.room })}
      </p>
      <div class="row">
        <button
          type="button"
          data-testid="budget-sections-use"
          disabled={chosen.size === 0 || total > props.room}
          onClick={() => props.onUse(props.sections.filter((_, i) => chosen.has(i)))}
        >
          {t('budget_sections_use')}
        </button>
        <button type="button" class="ghost" onClick={props.onCancel}>
          {t('budget_sections_cancel')}
        </button>
      </div>
    </fieldset>
  );
}
