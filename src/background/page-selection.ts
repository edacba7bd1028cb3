/**
 * Reads the text the user selected on a tab. Runs a small function in the page with
 * `scripting.executeScript`; that needs activeTab (granted by the context menu, the
 * keyboard command and the toolbar button) or a host permission for the page (asked for
 * from a click in the panel, since clicks in the panel grant no activeTab).
 */
import type { Browser } from 'wxt/browser';
import type { PageSelection, UserError } from '../messaging/protocol.ts';
import { userError } from '../shared/errors.ts';
import { cleanSelection } from './clean-selection.ts';
import { isMissingPermissionError, isRestrictedPageError, isRestrictedUrl } from './restricted-pages.ts';

export type SelectionResult = { ok: true; selection: PageSelection } | { ok: false; error: UserError };

const RESTRICTED: UserError = userError('restricted-page');

export const EMPTY_SELECTION: UserError = userError('empty-selection');

/** Runs inside the page: must be self-contained (it is serialized). */
function selectionInPage(): { text: string; url: string; title: string } {
  const active = document.activeElement;
  let text = '';
  if (active instanceof HTMLTextAreaElement || (active instanceof HTMLInputElement && active.type === 'text')) {
    const { selectionStart, selectionEnd, value } = active;
    if (selectionStart !== null && selectionEnd !== null) text = value.slice(selectionStart, selectionEnd);
  }
  if (!text) text = globalThis.getSelection()?.toString() ?? '';
  return { text, url: location.href, title: document.title };
}

export async function readSelectionFromTab(
  tab: Pick<Browser.tabs.Tab, 'id' | 'url' | 'title'>,
  fallbackText = '',
): Promise<SelectionResult> {
  if (tab.id === undefined) return { ok: false, error: userError('no-tab') };
  const fallback = (): SelectionResult =>
    fallbackText.trim()
      ? { ok: true, selection: cleanSelection(fallbackText, { url: tab.url, title: tab.title }) }
      : { ok: false, error: EMPTY_SELECTION };
  if (isRestrictedUrl(tab.url)) return fallbackText.trim() ? fallback() : { ok: false, error: RESTRICTED };
  let found: { text: string; url: string; title: string } | undefined;
  try {
    const [injection] = await browser.scripting.executeScript({ target: { tabId: tab.id }, func: selectionInPage });
    found = injection?.result;
  } catch (cause) {
    // The context menu still hands us its own copy of the selection.
    if (fallbackText.trim()) return fallback();
    const message = cause instanceof Error ? cause.message : String(cause);
    if (isRestrictedPageError(message)) return { ok: false, error: RESTRICTED };
    if (isMissingPermissionError(message)) {
      return { ok: false, error: userError('no-page-access', { detail: message, fix: 'grant-page-access' }) };
    }
    return { ok: false, error: userError('page-unreadable', { detail: message }) };
  }
  if (!found || !found.text.trim()) return fallback();
  return { ok: true, selection: cleanSelection(found.text, { url: found.url, title: found.title }) };
}

/**
 * The tab the user is reading. From the side panel: the active tab of the panel's window.
 * From the panel opened as a tab: the tab used most recently before it.
 */
export async function findReadingTab(
  windowId: number | undefined,
  panelTabId: number | undefined,
): Promise<Browser.tabs.Tab | undefined> {
  if (panelTabId === undefined) {
    const query = windowId === undefined ? { active: true, lastFocusedWindow: true } : { active: true, windowId };
    const [tab] = await browser.tabs.query(query);
    return tab;
  }
  const tabs = await browser.tabs.query({});
  const ownPages = browser.runtime.getURL('/');
  return tabs
    .filter((tab) => tab.id !== panelTabId && !tab.url?.startsWith(ownPages))
    .sort((a, b) => (b.lastAccessed ?? 0) - (a.lastAccessed ?? 0))[0];
}
