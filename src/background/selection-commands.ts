/**
 * "Summarize with Aside", "Explain with Aside", "Ask Aside about this" in the page's
 * context menu, and the keyboard command: each opens the panel inside the user's
 * gesture, then reads the selection and hands it over.
 */
import { i18n } from '#i18n';
import type { Browser } from 'wxt/browser';
import type { QuickAction } from '../messaging/protocol.ts';
import { openPanelFromGesture } from './open-panel.ts';
import { readSelectionFromTab } from './page-selection.ts';
import { handOffSelection } from './selection-handoff.ts';

/** Titles are in the browser's language (locales/<lang>.yml, read through browser.i18n). */
export const MENU_ITEMS: { id: string; title: () => string; action: QuickAction }[] = [
  { id: 'aside-summarize', title: () => i18n.t('menu_summarize'), action: 'summarize' },
  { id: 'aside-explain', title: () => i18n.t('menu_explain'), action: 'explain' },
  { id: 'aside-ask', title: () => i18n.t('menu_ask'), action: 'ask' },
];

export const ASK_COMMAND = 'ask-about-selection';

export function createContextMenus(): void {
  browser.contextMenus.removeAll(() => {
    for (const item of MENU_ITEMS) {
      browser.contextMenus.create({ id: item.id, title: item.title(), contexts: ['selection'] });
    }
  });
}

type Tab = Pick<Browser.tabs.Tab, 'id' | 'windowId' | 'url' | 'title'>;

async function deliver(tab: Tab, action: QuickAction | null, menuText: string): Promise<void> {
  const result = await readSelectionFromTab(tab, menuText);
  // An unreadable or empty selection still reaches the panel, as a notice saying why,
  // so the user is never left with a silent click.
  handOffSelection({
    message: result.ok ? { type: 'selection', selection: result.selection, action } : { type: 'notice', error: result.error },
    windowId: tab.windowId,
    ...(tab.id !== undefined ? { tabId: tab.id } : {}),
    createdAt: Date.now(),
  });
}

export function onMenuClick(info: { menuItemId: string | number; selectionText?: string }, tab: Tab | undefined): void {
  const item = MENU_ITEMS.find((entry) => entry.id === info.menuItemId);
  if (!item || !tab) return;
  openPanelFromGesture(tab); // first, synchronously: the gesture rule
  void deliver(tab, item.action, info.selectionText ?? '');
}

export function onCommand(command: string, tab: Tab | undefined): void {
  if (command !== ASK_COMMAND) return;
  openPanelFromGesture(tab);
  if (tab) {
    void deliver(tab, null, '');
    return;
  }
  void browser.tabs.query({ active: true, lastFocusedWindow: true }).then(([active]) => {
    if (active) void deliver(active, null, '');
  });
}
