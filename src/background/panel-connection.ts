/**
 * One connected panel: refuses strangers, validates every message, and routes it.
 * A panel that disconnects does not stop its answer: Stop is the explicit abort.
 */
import type { Browser } from 'wxt/browser';
import { PANEL_PORT_NAME, parsePanelMessage, type PanelMessage, type SettingsInput } from '../messaging/protocol.ts';
import { loadApiKey, loadPublicSettings, loadSettings, saveApiKey, saveSettings } from '../storage/settings.ts';
import { checkSettings } from '../storage/validate-settings.ts';
import { streamAnswer, testConnection } from './answer-stream.ts';
import { holdKeepalive } from './keepalive.ts';
import { findReadingTab, readSelectionFromTab } from './page-selection.ts';
import { addPanel, postToPanel, removePanel, type PanelPort } from './panel-ports.ts';
import { claimPendingSelection } from './selection-handoff.ts';
import { isOwnExtensionPage } from './sender-check.ts';

/** Answers in flight, by request id, so Stop works from any panel. */
const running = new Map<string, AbortController>();

export function runningRequestCount(): number {
  return running.size;
}

export function handlePanelConnect(port: Browser.runtime.Port): void {
  const trusted =
    port.name === PANEL_PORT_NAME &&
    isOwnExtensionPage(port.sender, browser.runtime.getURL('/'), browser.runtime.id);
  if (!trusted) {
    port.disconnect();
    return;
  }
  const panel: PanelPort = { port, windowId: undefined, tabId: port.sender?.tab?.id };
  // Listeners first: Chrome may report a disconnect synchronously.
  port.onDisconnect.addListener(() => removePanel(panel));
  port.onMessage.addListener((raw: unknown) => {
    const message = parsePanelMessage(raw);
    if (!message) return;
    // Whatever fails in a handler reaches the panel as words, never as silence.
    handlePanelMessage(panel, message).catch((cause: unknown) => {
      postToPanel(panel, {
        type: 'notice',
        error: {
          code: 'unknown',
          message: 'Something went wrong in Aside’s background. Try again; if it keeps happening, reload the extension.',
          detail: cause instanceof Error ? cause.message.slice(0, 500) : String(cause).slice(0, 500),
        },
      });
    });
  });
  addPanel(panel);
}

async function settingsFromInput(input: SettingsInput) {
  const check = checkSettings(input);
  if (!check.ok) return check;
  const apiKey = input.apiKey === null ? await loadApiKey() : input.apiKey.trim();
  return { ...check, apiKey };
}

export async function handlePanelMessage(panel: PanelPort, message: PanelMessage): Promise<void> {
  switch (message.type) {
    case 'hello': {
      panel.windowId = message.windowId;
      postToPanel(panel, { type: 'settings', settings: await loadPublicSettings() });
      const pending = await claimPendingSelection(message.windowId);
      if (pending) postToPanel(panel, pending.message);
      return;
    }
    case 'save-settings': {
      const checked = await settingsFromInput(message.settings);
      if (!checked.ok) {
        postToPanel(panel, { type: 'notice', error: { code: 'bad-settings', message: checked.message } });
        return;
      }
      await saveSettings({ model: checked.model, baseUrl: checked.baseUrl });
      if (message.settings.apiKey !== null) await saveApiKey(checked.apiKey);
      postToPanel(panel, { type: 'settings', settings: await loadPublicSettings() });
      return;
    }
    case 'test-connection': {
      const checked = await settingsFromInput(message.settings);
      const result = checked.ok
        ? await testConnection({ model: checked.model, baseUrl: checked.baseUrl }, checked.apiKey)
        : { ok: false, message: checked.message };
      postToPanel(panel, { type: 'connection-test', requestId: message.requestId, ...result });
      return;
    }
    case 'ask': {
      if (running.has(message.requestId)) return;
      const controller = new AbortController();
      running.set(message.requestId, controller);
      const release = holdKeepalive();
      try {
        const [settings, apiKey] = await Promise.all([loadSettings(), loadApiKey()]);
        await streamAnswer(
          { requestId: message.requestId, turns: message.turns, settings, apiKey },
          (streamMessage) => postToPanel(panel, streamMessage),
          controller.signal,
        );
      } finally {
        running.delete(message.requestId);
        release();
      }
      return;
    }
    case 'stop':
      running.get(message.requestId)?.abort();
      return;
    case 'read-selection': {
      const tab = await findReadingTab(message.windowId ?? panel.windowId, panel.tabId);
      const result = tab
        ? await readSelectionFromTab(tab)
        : { ok: false as const, error: { code: 'no-tab' as const, message: 'Aside could not find the page you are reading.' } };
      postToPanel(
        panel,
        result.ok ? { type: 'selection', selection: result.selection, action: null } : { type: 'notice', error: result.error },
      );
      return;
    }
  }
}
