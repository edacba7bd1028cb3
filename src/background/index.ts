/** Wires the background's listeners. Registered synchronously at start-up, so an event
 * that woke the worker (a menu click, a panel connecting) is never missed. */
import { openPanelOnToolbarClick } from './open-panel.ts';
import { migrateCurrentConversation, onStorageState, recoverInterrupted } from './conversations.ts';
import { handlePanelConnect } from './panel-connection.ts';
import { connectedPanels, postToPanel } from './panel-ports.ts';
import { createContextMenus, onCommand, onMenuClick } from './selection-commands.ts';

export function startBackground(): void {
  browser.runtime.onConnect.addListener(handlePanelConnect);
  browser.runtime.onInstalled.addListener(() => createContextMenus());
  browser.contextMenus.onClicked.addListener((info, tab) => onMenuClick(info, tab));
  browser.commands.onCommand.addListener((command, tab) => onCommand(command, tab));
  openPanelOnToolbarClick();
  // A disk that filled up mid-answer: the panels showing that conversation say so.
  onStorageState((id, storage) => {
    for (const panel of connectedPanels()) if (panel.conversationId === id) postToPanel(panel, { type: 'storage', id, storage });
  });
  // Once per start: the old single conversation moves into history; answers a dead worker
  // or browser left streaming are marked interrupted. The old orphan answers are dropped.
  void migrateCurrentConversation()
    .catch(() => null)
    .then(() => recoverInterrupted())
    .catch(() => {});
  void browser.storage.session.remove('orphanAnswers').catch(() => {});
}
