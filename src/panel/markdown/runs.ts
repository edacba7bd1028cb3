/**
 * A long paragraph's text as a sequence of "runs": inline-blocks of RUN_PIECES bounded text
 * pieces each (`<span class="md-run">`, panel.css). Every run is its own inline formatting
 * context, so appending to the end of a 4 MB paragraph makes Chromium lay out the last run
 * and the live tail again, not the whole paragraph (a paragraph is one formatting context,
 * and Chromium lays out long CJK runs in superlinear time). Inline-blocks, not blocks: a copy
 * or `innerText` of the paragraph has exactly its characters, no line break between runs.
 * What it costs on screen: a run ends where its text ends, so the line before each run
 * boundary (one every ~RUN_PIECES × MAX_TEXT_NODE characters) may end short.
 *
 * The grouping depends only on the pieces (and the pieces only on the text), and a group is
 * closed only once the piece after it is known, so a paragraph that grows keeps its runs
 * and gets new ones: a streaming paragraph's rendering is at every moment what rendering it
 * at once gives. Only the last group, still growing, is inline with the rest of the line.
 */
import type { VElement, VNode } from './dom.ts';
import { isSafeCut } from './text.ts';

/** Text pieces (each at most MAX_TEXT_NODE characters) in one run. */
export const RUN_PIECES = 2;

export function runElement(pieces: readonly string[]): VElement {
  return { tag: 'span', attrs: { class: 'md-run' }, children: [...pieces] };
}

/** Whether a run may end between the pieces `before` and `after` (a line break there keeps graphemes whole). */
function safeBoundary(before: string, after: string): boolean {
  const end = before.slice(-2);
  return after !== '' && isSafeCut(end + after.slice(0, 2), end.length);
}

/**
 * Where the runs of a sequence of adjacent text pieces end: the indexes `k` (ascending) with
 * a run ending before `pieces[k]`. Greedy from the start, each run RUN_PIECES pieces (more
 * only where a line break would split a grapheme), so a boundary depends only on the pieces
 * up to it and the start of the next: a sequence that grows keeps its boundaries.
 */
export function runBoundaries(pieces: readonly string[]): number[] {
  const out: number[] = [];
  let start = 0;
  for (let k = RUN_PIECES; k < pieces.length; k++) {
    if (k - start >= RUN_PIECES && safeBoundary(pieces[k - 1]!, pieces[k]!)) {
      out.push(k);
      start = k;
    }
  }
  return out;
}

/** Appends one sequence of adjacent text pieces to `out`, its complete groups as runs. */
function pushGrouped(out: VNode[], pieces: readonly string[], leading: boolean): void {
  let start = 0;
  for (const end of runBoundaries(pieces)) {
    // After other inline content, a run would start a line of its own: the first group stays inline.
    if (start === 0 && !leading) out.push(...pieces.slice(0, end));
    else out.push(runElement(pieces.slice(start, end)));
    start = end;
  }
  // The last group stays inline: what follows it (a link, the next words) continues its line.
  for (let i = start; i < pieces.length; i++) out.push(pieces[i]!);
}

/**
 * A paragraph's inline nodes with every long sequence of adjacent text pieces grouped into
 * runs. `leading`: a sequence at the start of `children` starts the paragraph, or follows
 * runs already made (its first group is a run too).
 */
export function groupRuns(children: readonly VNode[], leading = true): VNode[] {
  const out: VNode[] = [];
  let i = 0;
  while (i < children.length) {
    const child = children[i]!;
    if (typeof child !== 'string') {
      out.push(child);
      i++;
      continue;
    }
    let end = i;
    while (end < children.length && typeof children[end] === 'string') end++;
    pushGrouped(out, children.slice(i, end) as string[], leading && i === 0);
    i = end;
  }
  return out;
}
