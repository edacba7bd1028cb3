/**
 * Page text inside a prompt, fenced as untrusted data. A selection can carry instructions
 * written by whoever made the page (prompt injection): it goes between <selected_text>
 * tags the system prompt declares as data, and nothing in it may close them early. The
 * page's title and URL are page-controlled too and go through `attribute`.
 *
 * Pure, so the panel's preview of an action shows exactly what the background sends.
 */
import { MAX_PROMPT_ATTRIBUTE_CHARS } from './limits.ts';
import type { PageSelection } from './schemas.ts';

/** Keeps page text from closing our delimiter early. */
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

export function formatSelection(selection: PageSelection): string {
  const attrs = [
    selection.url ? ` source="${attribute(selection.url)}"` : '',
    selection.title ? ` title="${attribute(selection.title)}"` : '',
  ].join('');
  const note = selection.truncated
    ? `\n[The selection was ${selection.originalLength} characters; only the beginning is included.]`
    : '';
  return `<selected_text${attrs}>\n${escapeDelimiter(selection.text)}\n</selected_text>${note}`;
}
