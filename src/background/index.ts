/** Wires the background's listeners. Registered synchronously at start-up, so an event
 * that woke the worker (a menu click, a panel connecting) is never missed. */
import { openPanelOnToolbarClick } from './open-panel.ts';
import { handlePanelConnect } from './panel-connection.ts';
import { createContextMenus, onCommand, onMenuClick } from './selection-commands.ts';

export function startBackground(): void {
  browser.runtime.onConnect.addListener(handlePanelConnect);
  browser.runtime.onInstalled.addListener(() => createContextMenus());
  browser.contextMenus.onClicked.addListener((info, tab) => onMenuClick(info, tab));
  browser.commands.onCommand.addListener((command, tab) => onCommand(command, tab));
  openPanelOnToolbarClick();
}
