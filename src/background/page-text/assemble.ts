/**
 * Turns the blocks read in the tab (extract.ts) into what the panel shows and the model
 * gets: plain text with paragraph breaks, headings as `## Heading` lines, cleaned exactly
 * like a selection (invisible characters removed). Each block is cleaned before it is
 * joined, so the heading offsets are offsets into the final text, and stay true after the cap.
 */
import type { PageSelection } from '../../messaging/protocol.ts';
import { MAX_PAGE_CHARS, MAX_PAGE_HEADINGS, MAX_PAGE_TITLE_CHARS } from '../../shared/limits.ts';
import { cleanText, cutPoint, pageFields } from '../clean-selection.ts';
import type { PageExtract } from './extract.ts';

type Heading = NonNullable<PageSelection['headings']>[number];

export function assemblePage(extract: Pick<PageExtract, 'blocks' | 'title' | 'url'>, maxChars = MAX_PAGE_CHARS): PageSelection {
  const parts: string[] = [];
  const headings: Heading[] = [];
  let length = 0;
  let previousItem = false;
  for (const block of extract.blocks) {
    const isHeading = 'level' in block;
    // A heading's text is one line: a <br> inside one must not break the `##` line.
    const text = cleanText(isHeading ? block.text.replace(/\s+/g, ' ') : block.text);
    if (!text) continue;
    const item = !isHeading && block.item === true;
    const separator = parts.length === 0 ? '' : item && previousItem ? '\n' : '\n\n';
    const line = isHeading ? `${'#'.repeat(block.level)} ${text}` : text;
    if (isHeading && headings.length < MAX_PAGE_HEADINGS) {
      headings.push({ level: block.level, text: text.slice(0, MAX_PAGE_TITLE_CHARS), offset: length + separator.length });
    }
    parts.push(separator, line);
    length += separator.length + line.length;
    previousItem = item;
  }
  const full = parts.join('');
  const cut = cutPoint(full, maxChars);
  return {
    text: full.slice(0, cut),
    ...pageFields(extract),
    originalLength: full.length,
    truncated: cut < full.length,
    source: 'page',
    pageChars: full.length,
    headings: headings.filter((heading) => heading.offset < cut),
  };
}
