/**
 * The budget as the panel shows it, of the staged selection or, for a follow-up, of the
 * conversation: the background's count (exact or estimated) against the model's window, and
 * what to cut when it does not fit. Pure.
 */
import type { BackgroundMessage, PageSelection } from '../messaging/protocol.ts';
import { assessBudget, countScale, ESTIMATE_MARGIN, estimateTokens, TOKENS_PER_MESSAGE, type Budget } from '../shared/budget.ts';
import { keptForFollowUp, type CompareTag } from '../shared/compare.ts';

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
  tokenCount: { selection: PageSelection | null; result: TokenCount | null } | null,
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
  tokenCount: { selection: PageSelection | null; result: TokenCount | null } | null,
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

/** The parts of a turn the conversation's budget looks at. */
interface BudgetTurn {
  role: 'user' | 'assistant';
  text: string;
  selection?: PageSelection;
  compare?: CompareTag;
}

export interface ConversationBudget {
  budget: Budget;
  count: TokenCount;
  /**
   * When it does not fit: how many of the first turns to leave out so that it does (whole
   * exchanges, counted from the start; never fewer than already are), and how many
   * questions that is; null when even the question alone would not fit.
   */
  leaveOut: { turns: number; questions: number } | null;
}

/**
 * The instructions and fence around a selection, in estimate units: the text is measured
 * apart, and this only keeps a suggestion to leave turns out from falling short (the
 * recount then checks it).
 */
const SELECTION_FRAMING_TOKENS = 60;

/** A turn's weight in the request, estimated as the background estimates whole requests. */
function turnEstimate(turn: BudgetTurn): number {
  const selection = turn.role === 'user' && turn.selection ? estimateTokens(turn.selection.text) + SELECTION_FRAMING_TOKENS : 0;
  return estimateTokens(turn.text) + selection + TOKENS_PER_MESSAGE;
}

/**
 * A follow-up's budget: the conversation as it would be sent with the draft, against the
 * model's window, when no selection is staged (a staged one has its own budget line). Null
 * while it is being counted, or when there is nothing earlier to measure. When it does not
 * fit, where the earliest turns could be cut so that it does.
 */
export function conversationBudget(state: {
  selection: PageSelection | null;
  turns: readonly BudgetTurn[];
  leftOut: number;
  tokenCount: { selection: PageSelection | null; leftOut: number; result: TokenCount | null } | null;
}): ConversationBudget | null {
  const { tokenCount, turns } = state;
  if (state.selection || turns.length === 0 || !tokenCount?.result) return null;
  if (tokenCount.selection !== null || tokenCount.leftOut !== state.leftOut) return null;
  const count = tokenCount.result;
  const budget = assessBudget({ ...count, selectionEstimate: 0 });
  if (budget.kind !== 'over') return { budget, count, leaveOut: null };
  const scale = countScale(count) || 1;
  const limit = budget.contextWindow * (budget.exact ? 1 : ESTIMATE_MARGIN);
  const kept = keptForFollowUp(turns);
  let removed = 0;
  let questions = 0;
  for (let index = state.leftOut; index < turns.length; index++) {
    const turn = turns[index]!;
    if (turn.role === 'user') questions++;
    if (kept.has(index)) removed += turnEstimate(turn) * scale;
    // A cut falls before a question (or after the last turn), so what is sent starts with one.
    const next = turns[index + 1];
    if (next && next.role !== 'user') continue;
    if (budget.needed - removed <= limit) return { budget, count, leaveOut: { turns: index + 1, questions } };
  }
  return { budget, count, leaveOut: null };
}
