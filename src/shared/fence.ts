/**
 * Page text inside a prompt, fenced as untrusted data. A selection can carry instructions
 * written by whoever made the page (prompt injection): it goes between <selected_text-CODE>
 * tags the system prompt declares as data, CODE random per request, so the page cannot
 * write the closing tag (and look-alike tags are escaped besides). The
 * page's title and URL are page-controlled too and go through `attribute`.
 *
 * Pure, so the panel's preview of an action shows exactly what the background sends.
 */
import { MAX_PROMPT_ATTRIBUTE_CHARS } from './limits.ts';
import type { PageSelection } from './schemas.ts';

/** The random part of one request's page-text tags: 16 hex digits. */
export function newFence(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Keeps page text from closing our delimiter early, or from opening a look-alike. */
export function escapeDelimiter(text: string): string {
  return text.replace(/<\/?selected_text/gi, (tag) => tag.replace('<', '&lt;'));
}

/** Page-controlled short text (title, URL): one line, no angle brackets or quotes, capped. */
export function attribute(value: string): string {
  return value
    .replace(/[\n\r"]/g, ' ')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .slice(0, MAX_PROMPT_ATTRIBUTE_CHARS);
}

export function formatSelection(selection: PageSelection, fence: string): string {
  const attrs = [
    selection.url ? ` source="${attribute(selection.url)}"` : '',
    selection.title ? ` title="${attribute(selection.title)}"` : '',
  ].join('');
  const what = selection.source === 'page' ? "The page's text" : 'The selection';
  const note = selection.truncated
    ? `\n[${what} was ${selection.originalLength} characters; only the beginning is included.]`
    : excerptNote(selection.excerpt);
  return `<selected_text-${fence}${attrs}>\n${escapeDelimiter(selection.text)}\n</selected_text-${fence}>${note}`;
}

/** What the model is told when the text is a part the user chose of a text too long for its window. */
function excerptNote(excerpt: PageSelection['excerpt']): string {
  if (!excerpt) return '';
  if (excerpt.kind === 'first') return '\n[This is only the first part of a longer text; the rest did not fit and is not included.]';
  if (excerpt.kind === 'sections') return '\n[These are only some sections of a longer text, chosen by the user.]';
  return `\n[This is part ${excerpt.index} of ${excerpt.count} of a longer text, sent one part at a time.]`;
}
