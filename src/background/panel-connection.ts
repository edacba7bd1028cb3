/**
 * One connected panel: refuses strangers, validates every message, and routes it.
 * A panel that disconnects does not stop its answer: Stop is the explicit abort.
 */
import type { Browser } from 'wxt/browser';
import { PANEL_PORT_NAME, parsePanelMessage, type ReceivedPanelMessage } from '../messaging/protocol.ts';
import { describeHttpError, describeNetworkError } from '../providers/http-errors.ts';
import { parseModelList } from '../providers/models.ts';
import { presetFor } from '../providers/presets.ts';
import { loadApiKey, loadPublicSettings, loadSettings, saveApiKey, saveSettings, type StoredSettings } from '../storage/settings.ts';
import { checkSettings, originPattern } from '../storage/validate-settings.ts';
import { noPermissionError, streamAnswer, testConnection } from './answer-stream.ts';
import { buildModelsCall } from './provider-request.ts';
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

type SettingsMessageInput = Extract<ReceivedPanelMessage, { type: 'save-settings' }>['settings'];

async function settingsFromInput(input: SettingsMessageInput, options: { modelOptional?: boolean } = {}) {
  const apiKey = input.apiKey === null ? await loadApiKey(input.provider) : input.apiKey.trim();
  const check = checkSettings({ ...input, sendsKey: apiKey !== '', ...options });
  if (!check.ok) return check;
  const settings: StoredSettings = { provider: check.provider, model: check.model, baseUrl: check.baseUrl, custom: check.custom };
  return { ok: true as const, settings, apiKey };
}

/**
 * Whether the browser lets the background reach a URL: a host permission the user can
 * revoke at any time (Firefox shows them, and lets users switch them off).
 */
export async function canReach(url: string): Promise<boolean> {
  try {
    return await browser.permissions.contains({ origins: [originPattern(url)] });
  } catch {
    return true; // no way to ask: let the request itself report what is wrong
  }
}

const MODELS_TIMEOUT_MS = 15_000;

async function listModels(settings: StoredSettings, apiKey: string): Promise<{ models: { id: string; label: string }[]; error?: string }> {
  const call = buildModelsCall(settings, apiKey);
  if (!call) return { models: [], error: `${presetFor(settings.provider).label} cannot list its models; type the name.` };
  if (!(await canReach(call.url))) return { models: [], error: noPermissionError(call.url).message };
  let response: Response;
  try {
    response = await fetch(call.url, { ...call.init, signal: AbortSignal.timeout(MODELS_TIMEOUT_MS) });
  } catch (cause) {
    return { models: [], error: describeNetworkError(call.url, cause).message };
  }
  const text = await response.text().catch(() => '');
  if (!response.ok) {
    const error = describeHttpError(response.status, text, settings.model, call.url);
    return { models: [], error: error.detail ? `${error.message} (${error.detail})` : error.message };
  }
  try {
    return { models: parseModelList(presetFor(settings.provider).dialect === 'anthropic' ? 'anthropic' : 'openai', JSON.parse(text)) };
  } catch {
    return { models: [], error: 'The model list was not valid JSON; type the model name.' };
  }
}

export async function handlePanelMessage(panel: PanelPort, message: ReceivedPanelMessage): Promise<void> {
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
      await saveSettings(checked.settings);
      if (message.settings.apiKey !== null) await saveApiKey(checked.apiKey, checked.settings.provider);
      postToPanel(panel, { type: 'settings', settings: await loadPublicSettings() });
      return;
    }
    case 'test-connection': {
      const checked = await settingsFromInput(message.settings);
      const result = checked.ok
        ? await testConnection(checked.settings, checked.apiKey, { canReach })
        : { ok: false, message: checked.message };
      postToPanel(panel, { type: 'connection-test', requestId: message.requestId, ...result });
      return;
    }
    case 'list-models': {
      const checked = await settingsFromInput(message.settings, { modelOptional: true });
      const result = checked.ok ? await listModels(checked.settings, checked.apiKey) : { models: [], error: checked.message };
      postToPanel(panel, { type: 'models', requestId: message.requestId, ...result });
      return;
    }
    case 'ask': {
      if (running.has(message.requestId)) return;
      const controller = new AbortController();
      running.set(message.requestId, controller);
      const release = holdKeepalive();
      try {
        const settings = await loadSettings();
        const apiKey = await loadApiKey(settings.provider);
        await streamAnswer(
          { requestId: message.requestId, turns: message.turns, settings, apiKey },
          (streamMessage) => postToPanel(panel, streamMessage),
          controller.signal,
          { canReach },
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
