/** Wires the background's listeners. Registered synchronously at start-up, so an event
 * that woke the worker (a menu click, a panel connecting) is never missed. */
import { openPanelOnToolbarClick } from './open-panel.ts';
import { handlePanelConnect } from './panel-connection.ts';
import { startContextMenus } from './context-menu.ts';
import { installE2eHooks } from './e2e-hooks.ts';
import { onCommand, onMenuClick } from './selection-commands.ts';

export function startBackground(): void {
  browser.runtime.onConnect.addListener(handlePanelConnect);
  browser.contextMenus.onClicked.addListener((info, tab) => onMenuClick(info, tab));
  browser.commands.onCommand.addListener((command, tab) => onCommand(command, tab));
  openPanelOnToolbarClick();
  // Made at every start (also the first, after install), and again whenever the actions change.
  startContextMenus();
  // Test-only hooks, in `--mode e2e` builds alone (the branch is removed from the others).
  if (import.meta.env.MODE === 'e2e') installE2eHooks();
}
