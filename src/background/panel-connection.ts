/**
 * One connected panel: refuses strangers, validates every message, and routes it.
 * A panel that disconnects does not stop its answer: Stop is the explicit abort.
 */
import type { Browser } from 'wxt/browser';
import { PANEL_PORT_NAME, parsePanelMessage, type ReceivedPanelMessage } from '../messaging/protocol.ts';
import { checkSettings, originPattern } from '../providers/catalog.ts';
import { newKeyOrigin, requestUrl } from '../providers/key-destination.ts';
import { userError, type UserError } from '../shared/errors.ts';
import { MAX_REQUEST_ID_CHARS } from '../shared/limits.ts';
import { saveDraft } from '../storage/drafts.ts';
import { takeStorageProblems } from '../storage/item.ts';
import { loadApiKey, providersWithKey, saveApiKey } from '../storage/keys.ts';
import { loadSettings, loadSettingsToUpdate, modelOptionsOf, saveSettings, type StoredSettings } from '../storage/settings.ts';
import { internalError } from './answers/errors.ts';
import { answerIdleTimeoutMs } from './answer-timing.ts';
import { runAnswer } from './answers/run-answer.ts';
import { holdKeepalive } from './keepalive.ts';
import {
  conversationForTab,
  describe,
  finishTracking,
  isPrivateConversation,
  newInTab,
  openInTab,
  refreshPage,
  saveFromPanel,
  trackAnswer,
  type TabConversation,
} from './conversations.ts';
import { detailsFor, keepDetails, pruneDetails } from './kept-details.ts';
import { attachPanel, detachPanel, finishAnswer, isRunning, startAnswer, stopAnswer } from './live-answers.ts';
import { findReadingTab, readSelectionFromTab } from './page-selection.ts';
import { pageForActions } from './page-text/page-for-actions.ts';
import { readPageFromTab } from './page-text/read-page.ts';
import { addPanel, postToPanel, removePanel, type PanelPort } from './panel-ports.ts';
import { listModels, testConnection } from './provider-checks.ts';
import { findLocalServers } from './local-discovery.ts';
import { needsOriginRule, syncEndpointRule, withOriginRules } from './local-origin-rule.ts';
import { loadPublicSettings } from './public-settings.ts';
import { settingsForChoice, settingsForTurns } from './action-model.ts';
import { claimPendingSelection } from './selection-handoff.ts';
import { countRequestTokens } from './token-count.ts';
import { isOwnExtensionPage } from './sender-check.ts';
import { withOnDeviceDefault } from './on-device-default.ts';

export function handlePanelConnect(port: Browser.runtime.Port): void {
  const trusted = port.name === PANEL_PORT_NAME && isOwnExtensionPage(port.sender, browser.runtime.getURL('/'), browser.runtime.id);
  if (!trusted) {
    port.disconnect();
    return;
  }
  const panel: PanelPort = { port, windowId: undefined, tabId: port.sender?.tab?.id };
  // Listeners first: Chrome may report a disconnect synchronously.
  port.onDisconnect.addListener(() => {
    removePanel(panel);
    panel.counting?.abort();
    detachPanel(panel); // its answers go on, for a panel that comes back
  });
  port.onMessage.addListener((raw: unknown) => {
    const message = parsePanelMessage(raw);
    if (!message) {
      refuseAsk(panel, raw);
      return;
    }
    // Whatever fails in a handler reaches the panel as words, never as silence.
    handlePanelMessage(panel, message).catch((cause: unknown) => {
      postToPanel(panel, { type: 'notice', error: internalError(cause) });
    });
  });
  addPanel(panel);
}

/**
 * An ask the protocol refused (e.g. a conversation over the turn limit) is still answered,
 * as a failure of that request, so the panel never waits for nothing.
 */
function refuseAsk(panel: PanelPort, raw: unknown): void {
  const candidate = raw as { type?: unknown; requestId?: unknown } | null;
  if (candidate?.type !== 'ask' || typeof candidate.requestId !== 'string') return;
  if (candidate.requestId === '' || candidate.requestId.length > MAX_REQUEST_ID_CHARS) return;
  if (isRunning(candidate.requestId)) return;
  const { sink } = startAnswer(candidate.requestId, panel);
  sink.fail(userError('conversation-invalid'));
  finishAnswer(candidate.requestId);
}

type SettingsMessageInput = Extract<ReceivedPanelMessage, { type: 'save-settings' }>['settings'];

/** Characters an API key can have: printable ASCII (anything else cannot go in a header). */
const KEY_CHARACTERS = /^[\x21-\x7e]*$/;

/** The saved endpoint's Origin rule follows the settings (local-origin-rule.ts). */
export function syncRuleWithSettings(settings: StoredSettings): Promise<void> {
  return syncEndpointRule({ provider: settings.provider, url: requestUrl(settings) });
}

/** A check of settings not saved yet gets the Origin rule its endpoint will have once saved. */
function withRuleFor<T>(settings: StoredSettings, work: () => Promise<T>): Promise<T> {
  const url = requestUrl(settings);
  return withOriginRules(needsOriginRule(settings.provider, url) ? [url] : [], work);
}

/**
 * Settings as typed in the panel. `apiKey: null` means "the stored key", which is used
 * only where it is already sent: the saved address, or the provider's own
 * (providers/key-destination.ts). Trying a new address with a stored key needs the key
 * typed again; saving one needs it typed again or confirmed (`keyTo`, the new origin), so
 * a typo'd or unfamiliar URL never receives it silently.
 */
async function settingsFromInput(input: SettingsMessageInput, options: { modelOptional?: boolean; purpose?: 'save' | 'try' } = {}) {
  const apiKey = input.apiKey === null ? await loadApiKey(input.provider) : input.apiKey.trim();
  if (!KEY_CHARACTERS.test(apiKey)) return { ok: false as const, error: userError('key-characters', { fix: 'settings' }) };
  const check = checkSettings({ ...input, sendsKey: apiKey !== '', modelOptional: options.modelOptional });
  if (!check.ok) return check;
  const settings: StoredSettings = {
    provider: check.provider,
    model: check.model,
    baseUrl: check.baseUrl,
    custom: check.custom,
    modelOptions: { [check.provider]: check.options },
  };
  if (input.apiKey === null && apiKey !== '') {
    const saved = await loadSettings();
    const target = newKeyOrigin(saved, settings);
    // Trying an address needs the key typed again; saving one may instead confirm it (keyTo).
    if (target !== null && (options.purpose !== 'save' || input.keyTo !== target)) {
      const error =
        options.purpose === 'save' ? userError('key-new-origin', { params: { host: new URL(target).host } }) : userError('key-retype');
      return { ok: false as const, error };
    }
  }
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

/** The panel shows this conversation from now on. */
async function showConversation(panel: PanelPort, conversation: TabConversation): Promise<void> {
  panel.conversationId = conversation.id;
  postToPanel(panel, await describe(conversation));
}

/**
 * The settings and the panel's conversation, read together and sent in that order: the panel
 * takes commands once its conversation is in (use-panel.ts).
 */
async function greet(panel: PanelPort): Promise<void> {
  // A conversation that cannot be read (a broken database) gives way to a new one: the panel
  // takes commands only once it has one, so it must always get one.
  let unreadable = false;
  const tabConversation = conversationForTab(panel.conversationTabId).catch(() => {
    unreadable = true;
    return newInTab(panel.conversationTabId);
  });
  // The settings go out as soon as they are read (the form or the composer shows with them),
  // never behind a slow history read; the conversation follows them.
  const settingsSent = loadPublicSettings().then((settings) => {
    postToPanel(panel, { type: 'settings', settings });
    // Stored data that could not be read was reset to defaults: say so, once.
    for (const problem of takeStorageProblems()) postToPanel(panel, { type: 'notice', error: problem });
  });
  const described = await describe(await tabConversation);
  await settingsSent.catch(() => {});
  panel.conversationId = described.id;
  postToPanel(panel, described);
  // Not silently: the user would otherwise wonder where the conversation went.
  if (unreadable) postToPanel(panel, { type: 'notice', error: userError('conversation-unreadable') });
}

/** A selection handed off from this panel's tab (or window, when its tab is unknown) while no panel showed it. */
async function deliverPending(panel: PanelPort): Promise<void> {
  const pending = await claimPendingSelection(panel.windowId, panel.conversationTabId);
  if (pending) postToPanel(panel, pending.message);
}

/** The settings and key an ask is answered with: a comparison's choice, an action's own model, or the settings. */
async function settingsForAsk(
  stored: StoredSettings,
  message: Extract<ReceivedPanelMessage, { type: 'ask' }>,
): Promise<{ ok: true; settings: StoredSettings; apiKey: string } | { ok: false; error: UserError }> {
  if (!message.choice) {
    const settings = settingsForTurns(stored, message.turns);
    return { ok: true, settings, apiKey: await loadApiKey(settings.provider) };
  }
  const apiKey = await loadApiKey(message.choice.provider);
  const chosen = settingsForChoice(stored, message.choice, apiKey);
  return chosen.ok ? { ...chosen, apiKey } : chosen;
}

export async function handlePanelMessage(panel: PanelPort, message: ReceivedPanelMessage): Promise<void> {
  switch (message.type) {
    case 'hello': {
      panel.windowId = message.windowId;
      panel.conversationTabId = message.tabId ?? panel.tabId;
      const greeting = greet(panel);
      panel.greeted = greeting.catch(() => {});
      await greeting;
      await deliverPending(panel);
      return;
    }
    case 'conversation.tab': {
      panel.conversationTabId = message.tabId;
      await showConversation(panel, await conversationForTab(message.tabId));
      await deliverPending(panel);
      return;
    }
    case 'conversation.open': {
      const found = await openInTab(panel.conversationTabId, message.id);
      if (!found) {
        postToPanel(panel, { type: 'notice', error: userError('conversation-not-found') });
        return;
      }
      await showConversation(panel, found);
      return;
    }
    case 'conversation.new':
      await showConversation(panel, await newInTab(panel.conversationTabId));
      return;
    case 'conversation.save':
      await saveFromPanel(message.id, panel.conversationTabId, message.turns);
      return;
    case 'draft.keep':
      await saveDraft(message.id, { draft: message.draft, selection: message.selection }, isPrivateConversation(message.id)).catch(
        () => {},
      );
      return;
    case 'save-settings': {
      const checked = await settingsFromInput(message.settings, { purpose: 'save' });
      if (!checked.ok) {
        postToPanel(panel, { type: 'notice', error: checked.error });
        return;
      }
      // One provider's options change; the others' stay as they were.
      const current = await loadSettingsToUpdate();
      await saveSettings({ ...checked.settings, modelOptions: { ...current.modelOptions, ...checked.settings.modelOptions } });
      // Added for a local endpoint, replaced when it changes, removed when it is not local.
      await syncRuleWithSettings(checked.settings);
      if (message.settings.apiKey !== null) await saveApiKey(checked.apiKey, checked.settings.provider);
      postToPanel(panel, { type: 'settings', settings: await loadPublicSettings() });
      return;
    }
    case 'test-connection': {
      const checked = await settingsFromInput(message.settings);
      const result = checked.ok
        ? await withRuleFor(checked.settings, () => testConnection(checked.settings, checked.apiKey, { canReach }))
        : { kind: 'failed' as const, error: checked.error };
      postToPanel(panel, { type: 'connection-test', requestId: message.requestId, result });
      return;
    }
    case 'list-models': {
      const checked = await settingsFromInput(message.settings, { modelOptional: true });
      const result = checked.ok
        ? await withRuleFor(checked.settings, () => listModels(checked.settings, checked.apiKey, { canReach }))
        : { models: [], error: checked.error };
      postToPanel(panel, { type: 'models', requestId: message.requestId, ...result });
      return;
    }
    case 'find-local-models': {
      const results = await findLocalServers(message.addresses, { canReach });
      postToPanel(panel, { type: 'local-models', requestId: message.requestId, results });
      return;
    }
    case 'ask': {
      if (isRunning(message.requestId)) return;
      // Sent before the hello was answered: it belongs to the conversation the hello finds.
      if (panel.conversationId === undefined && panel.greeted) {
        await panel.greeted;
        if (isRunning(message.requestId)) return;
      }
      const { sink, signal } = startAnswer(message.requestId, panel);
      const conversationId = panel.conversationId;
      // Written to history as it streams, whether or not the panel stays open.
      trackAnswer(conversationId, message.requestId, sink);
      if (panel.conversationId !== undefined) void refreshPage(panel.conversationId, panel.conversationTabId).catch(() => {});
      const release = holdKeepalive();
      try {
        const stored = await withOnDeviceDefault(await loadSettings(), await providersWithKey());
        const asked = await settingsForAsk(stored, message);
        if (!asked.ok) return sink.fail(asked.error);
        const { settings, apiKey } = asked;
        const options = modelOptionsOf(settings.modelOptions, settings.provider);
        await runAnswer({ turns: message.turns, settings, apiKey, options, continue: message.continue ?? false }, sink, signal, {
          canReach,
          idleTimeoutMs: answerIdleTimeoutMs(),
        });
      } catch (cause) {
        // Settings that cannot be read, or a bug: still the answer's own failure.
        sink.fail(internalError(cause));
      } finally {
        await finishTracking(message.requestId).catch(() => {});
        finishAnswer(message.requestId);
        // Once, now that it has ended: its stream details outlive this background.
        await keepDetails(message.requestId, conversationId);
        release();
      }
      return;
    }
    case 'stop':
      stopAnswer(message.requestId);
      return;
    case 'stream-details':
      postToPanel(panel, {
        type: 'stream-details',
        requestId: message.requestId,
        details: await detailsFor(message.requestId, panel.conversationId),
      });
      return;
    case 'history.deleted':
      await pruneDetails();
      return;
    case 'count-tokens': {
      panel.counting?.abort();
      const counting = new AbortController();
      panel.counting = counting;
      const settings = settingsForTurns(await loadSettings(), message.turns);
      const apiKey = await loadApiKey(settings.provider);
      const options = modelOptionsOf(settings.modelOptions, settings.provider);
      const counted = await countRequestTokens({ turns: message.turns, settings, apiKey, options }, counting.signal, { canReach });
      // A newer count superseded this one: its answer would be stale.
      if (counting.signal.aborted) return;
      panel.counting = undefined;
      postToPanel(panel, { type: 'token-count', requestId: message.requestId, ...counted });
      return;
    }
    case 'attach': {
      const snapshot = attachPanel(panel, message.requestId);
      postToPanel(panel, snapshot ?? { type: 'attach-failed', requestId: message.requestId });
      return;
    }
    case 'read-selection':
    case 'read-page': {
      // A panel bound to another tab (sidepanel.html?tab=ID) reads that tab.
      const bound = panel.conversationTabId !== undefined && panel.conversationTabId !== panel.tabId;
      const tab = bound
        ? await browser.tabs.get(panel.conversationTabId!).catch(() => undefined)
        : await findReadingTab(message.windowId ?? panel.windowId, panel.tabId);
      const read = message.type === 'read-page' ? readPageFromTab : readSelectionFromTab;
      const result = tab ? await read(tab) : { ok: false as const, error: userError('no-tab') };
      // The panel's click is this read's gesture: the page for {{page}} actions is read now too.
      const page = result.ok && tab ? await pageForActions(tab, null, result.selection) : {};
      postToPanel(
        panel,
        result.ok ? { type: 'selection', selection: result.selection, action: null, ...page } : { type: 'notice', error: result.error },
      );
      return;
    }
  }
}
