/**
 * The context menu's actions (context-menu.ts builds the menu) and the keyboard command:
 * each opens the panel inside the user's gesture, then reads the selection and hands it
 * over with the action to run.
 */
import type { Browser } from 'wxt/browser';
import type { ActionId } from '../shared/actions.ts';
import { actionForMenuItem } from './context-menu.ts';
import { openPanelFromGesture } from './open-panel.ts';
import { readSelectionFromTab } from './page-selection.ts';
import { pageForActions } from './page-text/page-for-actions.ts';
import { handOffSelection } from './selection-handoff.ts';

export const ASK_COMMAND = 'ask-about-selection';

type Tab = Pick<Browser.tabs.Tab, 'id' | 'windowId' | 'url' | 'title'>;

async function deliver(tab: Tab, action: ActionId | null, menuText: string): Promise<void> {
  const result = await readSelectionFromTab(tab, menuText);
  const page = result.ok ? await pageForActions(tab, action, result.selection) : {};
  // An unreadable or empty selection still reaches the panel, as a notice saying why,
  // so the user is never left with a silent click.
  handOffSelection({
    message: result.ok ? { type: 'selection', selection: result.selection, action, ...page } : { type: 'notice', error: result.error },
    windowId: tab.windowId,
    ...(tab.id !== undefined ? { tabId: tab.id } : {}),
    createdAt: Date.now(),
  });
}

export function onMenuClick(info: { menuItemId: string | number; selectionText?: string }, tab: Tab | undefined): void {
  const action = actionForMenuItem(info.menuItemId);
  if (!action || !tab) return;
  openPanelFromGesture(tab); // first, synchronously: the gesture rule
  void deliver(tab, action, info.selectionText ?? '');
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
