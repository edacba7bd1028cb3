/**
 * Cleans selected page text before it is shown or sent. Invisible characters are a known
 * channel for smuggling instructions to a model (Unicode tag characters, zero-width and
 * bidi controls); a huge selection is capped so the request stays within limits and the
 * user is told exactly what was cut.
 */
import type { PageSelection } from '../messaging/protocol.ts';
import { MAX_PAGE_TITLE_CHARS, MAX_SELECTION_CHARS, MAX_SHORT_TEXT_CHARS } from '../shared/limits.ts';

export { MAX_SELECTION_CHARS } from '../shared/limits.ts';

// Tags block U+E0000–E007F; zero-width U+200B–U+200D, U+2060, U+FEFF; bidi controls
// U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069; soft hyphen U+00AD.
const INVISIBLE = /[\u{E0000}-\u{E007F}\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u00AD]/gu;

export function cleanSelection(raw: string, page: { url?: string; title?: string } = {}): PageSelection {
  const originalLength = raw.length;
  let text = raw.replace(/\r\n?/g, '\n').replace(INVISIBLE, '');
  // Per line, not with /[ \t]+\n/: that regex backtracks quadratically over a long run
  // of spaces with no newline after it (a 5 MB table-like selection froze the worker).
  text = text
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  let truncated = false;
  if (text.length > MAX_SELECTION_CHARS) {
    let cut = MAX_SELECTION_CHARS;
    // Never split a surrogate pair.
    const code = text.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    text = text.slice(0, cut);
    truncated = true;
  }
  return {
    text,
    url: (page.url ?? '').slice(0, MAX_SHORT_TEXT_CHARS),
    title: (page.title ?? '').slice(0, MAX_PAGE_TITLE_CHARS),
    originalLength,
    truncated,
  };
}
