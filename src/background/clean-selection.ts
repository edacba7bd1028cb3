/**
 * Cleans selected page text before it is shown or sent. Invisible characters are a known
 * channel for smuggling instructions to a model (Unicode tag characters, zero-width and
 * bidi controls); a huge selection is capped so the request stays within limits and the
 * user is told exactly what was cut.
 */
import type { PageSelection } from '../messaging/protocol.ts';
import { MAX_PAGE_TITLE_CHARS, MAX_SELECTION_CHARS, MAX_SHORT_TEXT_CHARS } from '../shared/limits.ts';

export { MAX_SELECTION_CHARS } from '../shared/limits.ts';

// Every default-ignorable code point (zero-width characters, joiners, variation selectors,
// Hangul fillers, the tag characters U+E0000–E0FFF, soft hyphen) and the bidi controls that
// are not default-ignorable (U+061C is; U+202A–E and U+2066–9 are too, listed to be sure).
// They render as nothing or only change presentation, so removing them loses no words.
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\u{E0000}-\u{E007F}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu;

/** Page text, titles and URLs alike: none may smuggle invisible instructions to the model. */
export function withoutInvisible(text: string): string {
  return text.replace(INVISIBLE, '');
}

/** Page text without invisible characters, trailing spaces or runs of blank lines. */
export function cleanText(raw: string): string {
  // Per line, not with /[ \t]+\n/: that regex backtracks quadratically over a long run
  // of spaces with no newline after it (a 5 MB table-like selection froze the worker).
  return withoutInvisible(raw.replace(/\r\n?/g, '\n'))
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Where to cut text to at most `max` characters, never between the halves of a surrogate pair. */
export function cutPoint(text: string, max: number): number {
  if (text.length <= max) return text.length;
  const code = text.charCodeAt(max - 1);
  return code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
}

/** The page's URL and title as the prompt may carry them. */
export function pageFields(page: { url?: string; title?: string }): { url: string; title: string } {
  return {
    url: withoutInvisible(page.url ?? '').slice(0, MAX_SHORT_TEXT_CHARS),
    title: withoutInvisible(page.title ?? '').slice(0, MAX_PAGE_TITLE_CHARS),
  };
}

export function cleanSelection(raw: string, page: { url?: string; title?: string } = {}): PageSelection {
  const originalLength = raw.length;
  let text = cleanText(raw);
  const cut = cutPoint(text, MAX_SELECTION_CHARS);
  const truncated = cut < text.length;
  text = text.slice(0, cut);
  return { text, ...pageFields(page), originalLength, truncated };
}
