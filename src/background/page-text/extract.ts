/**
 * The page's readable text, as blocks (paragraphs, list items, headings), read from a
 * `Document`. Runs INSIDE the tab (entrypoints/page-reader.ts injects it), so it imports
 * nothing but Readability and touches no extension API; the background cleans and joins
 * the blocks (assemble.ts), which is where offsets into the final text are known.
 *
 * Mozilla's Readability picks the article when the page looks like one; otherwise, or when
 * it finds nothing, the body's text without its navigation, header, footer, sidebars and
 * scripts is used. Readability changes the document it reads, so it gets a clone.
 */
import { isProbablyReaderable, Readability } from '@mozilla/readability';

export type PageBlock =
  /** A heading, h1–h6. */
  | { level: number; text: string }
  /** A paragraph, a list item (`item`: lines of one list sit together), a preformatted block. */
  | { text: string; item?: boolean };

export interface PageExtract {
  title: string;
  url: string;
  blocks: PageBlock[];
  /** How the text was found: Readability's article, or the body minus its chrome. */
  method: 'article' | 'body';
  /** The tab shows a PDF (its viewer's document has no text we can read). */
  pdf: boolean;
}

/** Never part of what a page is about: its navigation, chrome, and non-text elements. */
const SKIPPED =
  'nav, header, footer, aside, [role=navigation], [role=banner], [role=contentinfo], [role=complementary], [role=search], ' +
  'script, style, noscript, template, svg, canvas, iframe, object, embed, video, audio, select, button, form, dialog:not([open]), ' +
  '[hidden], [aria-hidden=true]';

const BLOCK = new Set([
  'ADDRESS',
  'ARTICLE',
  'ASIDE',
  'BLOCKQUOTE',
  'CAPTION',
  'DD',
  'DETAILS',
  'DIALOG',
  'DIV',
  'DL',
  'DT',
  'FIELDSET',
  'FIGCAPTION',
  'FIGURE',
  'FOOTER',
  'FORM',
  'HEADER',
  'HR',
  'LI',
  'MAIN',
  'NAV',
  'OL',
  'P',
  'PRE',
  'SECTION',
  'SUMMARY',
  'TABLE',
  'TBODY',
  'THEAD',
  'TFOOT',
  'TR',
  'UL',
]);
const HEADING = /^H([1-6])$/;
/** Readability below this many characters found no article worth the name. */
const MIN_ARTICLE_CHARS = 100;

/** Collapses HTML whitespace the way a browser lays it out; `\n` (from <br>) survives. */
function collapse(text: string): string {
  return text
    .replace(/[ \t\f\r\n\u00a0]*\n[ \t\f\r\n\u00a0]*/g, '\n')
    .replace(/[ \t\f\r\u00a0]+/g, ' ')
    .trim();
}

/**
 * Walks an element and returns its blocks. `skip` decides which elements are left out
 * whole (the fallback's navigation and hidden parts); Readability's article needs none.
 */
export function blocksOf(root: Element, skip: (element: Element) => boolean = () => false): PageBlock[] {
  const blocks: PageBlock[] = [];
  let inline = '';
  let inItem = false;
  const flush = () => {
    const text = collapse(inline);
    inline = '';
    if (text) blocks.push(inItem ? { text: `- ${text}`, item: true } : { text });
  };
  const walk = (node: Node): void => {
    if (node.nodeType === 3) {
      inline += node.nodeValue ?? '';
      return;
    }
    if (node.nodeType !== 1) return;
    const element = node as Element;
    if (skip(element)) return;
    const tag = element.tagName.toUpperCase();
    const heading = HEADING.exec(tag);
    if (heading) {
      flush();
      const text = collapse(element.textContent ?? '');
      if (text) blocks.push({ level: Number(heading[1]), text });
      return;
    }
    if (tag === 'BR') {
      inline += '\n';
      return;
    }
    if (tag === 'PRE') {
      flush();
      const text = (element.textContent ?? '').replace(/^\n+|\s+$/g, '');
      if (text) blocks.push({ text });
      return;
    }
    if (tag === 'TD' || tag === 'TH') {
      if (inline.trim()) inline += ' | ';
      for (const child of Array.from(element.childNodes)) walk(child);
      return;
    }
    if (!BLOCK.has(tag)) {
      for (const child of Array.from(element.childNodes)) walk(child);
      return;
    }
    flush();
    const outerItem = inItem;
    if (tag === 'LI') inItem = true;
    for (const child of Array.from(element.childNodes)) walk(child);
    flush();
    inItem = outerItem;
  };
  walk(root);
  flush();
  return blocks;
}

function isPdf(doc: Document): boolean {
  return doc.contentType === 'application/pdf' || doc.querySelector('embed[type="application/pdf"]') !== null;
}

function articleBlocks(doc: Document): PageBlock[] | null {
  if (!isProbablyReaderable(doc)) return null;
  try {
    const article = new Readability<Node>(doc.cloneNode(true) as Document, { serializer: (node) => node }).parse();
    const content = article?.content;
    if (!content || content.nodeType !== 1 || (article.textContent ?? '').trim().length < MIN_ARTICLE_CHARS) return null;
    const blocks = blocksOf(content as Element);
    return blocks.length > 0 ? blocks : null;
  } catch {
    return null; // Readability throws on some documents: the fallback still reads them
  }
}

/** The body's text without its chrome, read from the live document (so hidden parts can be told). */
function bodyBlocks(doc: Document): PageBlock[] {
  const body = doc.body as Element | null;
  if (!body) return [];
  return blocksOf(body, (element) => {
    if (element.matches(SKIPPED)) return true;
    // A stylesheet's display:none; absent in test DOMs, which then count everything as shown.
    const check = (element as Element & { checkVisibility?: () => boolean }).checkVisibility;
    return typeof check === 'function' && !check.call(element);
  });
}

export function extractPage(doc: Document): PageExtract {
  const page = { title: doc.title, url: doc.location?.href ?? doc.URL };
  if (isPdf(doc)) return { ...page, blocks: [], method: 'body', pdf: true };
  const article = articleBlocks(doc);
  if (article) return { ...page, blocks: article, method: 'article', pdf: false };
  return { ...page, blocks: bodyBlocks(doc), method: 'body', pdf: false };
}
