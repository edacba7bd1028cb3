/**
 * The staged selection's budget as the panel shows it: the background's count (exact or
 * estimated) against the model's window, and what to cut when it does not fit. Pure.
 */
import type { BackgroundMessage, PageSelection } from '../messaging/protocol.ts';
import { assessBudget, estimateTokens, type Budget } from '../shared/budget.ts';

/** A count-tokens answer without its envelope. */
export type TokenCount = Omit<Extract<BackgroundMessage, { type: 'token-count' }>, 'type' | 'requestId'>;

export interface SelectionBudget {
  budget: Budget;
  /** The selection's estimated tokens (estimateTokens' units). */
  selectionEstimate: number;
  count: TokenCount;
}

/** The budget of `selection` from its count; null while it is being counted or for another selection. */
export function selectionBudget(
  selection: PageSelection | null,
  tokenCount: { selection: PageSelection; result: TokenCount | null } | null,
): SelectionBudget | null {
  if (!selection || !tokenCount?.result || tokenCount.selection !== selection) return null;
  const count = tokenCount.result;
  const selectionEstimate = estimateTokens(selection.text);
  const budget = assessBudget({ ...count, selectionEstimate });
  return { budget, selectionEstimate, count };
}

/** Whether the staged selection is known not to fit: asks wait for the user's choice. */
export function isOverBudget(
  selection: PageSelection | null,
  tokenCount: { selection: PageSelection; result: TokenCount | null } | null,
): boolean {
  return selectionBudget(selection, tokenCount)?.budget.kind === 'over';
}

/** The selection cut to [start, end), marked as the part the user chose. */
export function excerptOf(
  selection: PageSelection,
  start: number,
  end: number,
  excerpt: NonNullable<PageSelection['excerpt']>,
): PageSelection {
  const headings = selection.headings
    ?.filter((h) => h.offset >= start && h.offset < end)
    .map((h) => ({ ...h, offset: h.offset - start }));
  return { ...selection, text: selection.text.slice(start, end), ...(headings ? { headings } : {}), excerpt };
}

/** Chosen sections, joined in page order by a blank line. */
export function sectionsSelection(selection: PageSelection, spans: readonly { start: number; end: number }[]): PageSelection {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  let text = '';
  const headings: NonNullable<PageSelection['headings']> = [];
  for (const span of sorted) {
    if (text !== '' && !text.endsWith('\n\n')) text += text.endsWith('\n') ? '\n' : '\n\n';
    const shift = text.length - span.start;
    for (const h of selection.headings ?? [])
      if (h.offset >= span.start && h.offset < span.end) headings.push({ ...h, offset: h.offset + shift });
    text += selection.text.slice(span.start, span.end);
  }
  return { ...selection, text, headings, excerpt: { kind: 'sections' } };
}
