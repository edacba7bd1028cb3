/** Wires the background's listeners. Registered synchronously at start-up, so an event
 * that woke the worker (a menu click, a panel connecting) is never missed. */
import { openPanelOnToolbarClick } from './open-panel.ts';
import { migrateCurrentConversation, onStorageState, recoverInterrupted } from './conversations.ts';
import { handlePanelConnect, syncRuleWithSettings } from './panel-connection.ts';
import { loadSettings } from '../storage/settings.ts';
import { startContextMenus } from './context-menu.ts';
import { presetDemoSettings } from './demo-preset.ts';
import { installE2eHooks } from './e2e-hooks.ts';
import { connectedPanels, postToPanel } from './panel-ports.ts';
import { onCommand, onMenuClick } from './selection-commands.ts';

/**
 * Content scripts may not read storage.local (the API keys) where the browser allows saying
 * so (Chromium). Firefox has no equivalent for storage.local; Aside runs no content scripts.
 */
function restrictStorageToExtensionPages(): void {
  const local = browser.storage.local as { setAccessLevel?: (options: { accessLevel: string }) => Promise<void> };
  if (typeof local.setAccessLevel !== 'function') return;
  try {
    void local.setAccessLevel({ accessLevel: 'TRUSTED_CONTEXTS' }).catch(() => {});
  } catch {
    // Not offered here (a test double throws): storage stays as it was.
  }
}

export function startBackground(): void {
  restrictStorageToExtensionPages();
  browser.runtime.onConnect.addListener(handlePanelConnect);
  browser.contextMenus.onClicked.addListener((info, tab) => onMenuClick(info, tab));
  browser.commands.onCommand.addListener((command, tab) => onCommand(command, tab));
  openPanelOnToolbarClick();
  // Made at every start (also the first, after install), and again whenever the actions change.
  startContextMenus();
  // Test-only hooks, in `--mode e2e` builds alone (the branch is removed from the others).
  if (import.meta.env.MODE === 'e2e') installE2eHooks();
  // The demo (`npm start`) needs no set-up: the mock provider is preset, in `--mode demo` builds alone.
  if (import.meta.env.MODE === 'demo')
    void presetDemoSettings(String(import.meta.env.WXT_DEMO_MOCK_URL ?? 'http://127.0.0.1:8787')).catch(() => {});
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
  // The saved endpoint's Origin rule, made again at every start (an update may have changed how it is built).
  void loadSettings()
    .then(syncRuleWithSettings)
    .catch(() => {});
}
