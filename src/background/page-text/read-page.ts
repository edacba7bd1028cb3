/**
 * Reads the whole page's readable text from a tab ("Ask about this page"), from the user's
 * gesture: the page-reader script (entrypoints/page-reader.ts, built to /page-reader.js)
 * runs in the tab and returns blocks; they are cleaned and joined here. Needs activeTab or a
 * host permission for the page, exactly like reading the selection (page-selection.ts).
 */
import * as v from 'valibot';
import type { Browser } from 'wxt/browser';
import type { PageSelection, UserError } from '../../messaging/protocol.ts';
import { userError } from '../../shared/errors.ts';
import { MAX_SHORT_TEXT_CHARS } from '../../shared/limits.ts';
import { isMissingPermissionError, isRestrictedPageError, isRestrictedUrl } from '../restricted-pages.ts';
import { assemblePage } from './assemble.ts';

export type PageResult = { ok: true; selection: PageSelection } | { ok: false; error: UserError };

/** The built file of entrypoints/page-reader.ts. */
export const PAGE_READER_FILE = '/page-reader.js';

// What the script returns is checked like any message: the page's own scripts share its DOM.
const ExtractSchema = v.object({
  title: v.string(),
  url: v.string(),
  method: v.picklist(['article', 'body']),
  pdf: v.boolean(),
  blocks: v.array(
    v.union([
      v.object({ level: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(6)), text: v.string() }),
      v.object({ text: v.string(), item: v.optional(v.boolean()) }),
    ]),
  ),
});

/** Built-in PDF viewers: Chrome's cannot be scripted, Firefox's pdf.js page is privileged. */
export function looksLikePdf(url: string | undefined): boolean {
  if (!url) return false;
  try {
    return new URL(url).pathname.toLowerCase().endsWith('.pdf');
  } catch {
    return false;
  }
}

/** The origin pattern the panel asks access for (this page only), or undefined for pages with none. */
function originParam(url: string | undefined): Record<string, string> {
  try {
    const { protocol, host } = new URL(url ?? '');
    if (protocol !== 'http:' && protocol !== 'https:') return {};
    return { origin: `${protocol}//${host}/*`.slice(0, MAX_SHORT_TEXT_CHARS) };
  } catch {
    return {};
  }
}

function failure(message: string, url: string | undefined): PageResult {
  if (looksLikePdf(url)) return { ok: false, error: userError('pdf-page', { detail: message }) };
  if (isRestrictedPageError(message)) return { ok: false, error: userError('restricted-page') };
  if (isMissingPermissionError(message)) {
    return {
      ok: false,
      error: userError('no-page-access', { detail: message, fix: 'grant-page-access', params: originParam(url) }),
    };
  }
  return { ok: false, error: userError('page-unreadable', { detail: message }) };
}

export async function readPageFromTab(tab: Pick<Browser.tabs.Tab, 'id' | 'url' | 'title'>): Promise<PageResult> {
  if (tab.id === undefined) return { ok: false, error: userError('no-tab') };
  if (isRestrictedUrl(tab.url)) return { ok: false, error: userError(looksLikePdf(tab.url) ? 'pdf-page' : 'restricted-page') };
  let raw: unknown;
  try {
    const [injection] = await browser.scripting.executeScript({ target: { tabId: tab.id }, files: [PAGE_READER_FILE] });
    raw = injection?.result;
  } catch (cause) {
    return failure(cause instanceof Error ? cause.message : String(cause), tab.url);
  }
  const parsed = v.safeParse(ExtractSchema, raw);
  if (!parsed.success) return { ok: false, error: userError('page-unreadable') };
  if (parsed.output.pdf) return { ok: false, error: userError('pdf-page') };
  const selection = assemblePage(parsed.output);
  if (!selection.text.trim()) return { ok: false, error: userError('empty-page') };
  return { ok: true, selection };
}
