/**
 * Test-only messages, installed by `--mode e2e` builds alone (src/background/index.ts):
 * the browser tests cannot read a context menu back (Chrome has no API for it) nor click
 * one, so they ask for the entries the background created and run an entry through the
 * very handler a click calls. Only the extension's own pages can send runtime messages.
 */
import * as v from 'valibot';
import { setAnswerIdleTimeoutMs } from './answer-timing.ts';
import { createdMenuEntries } from './context-menu.ts';
import { onMenuClick } from './selection-commands.ts';
import { setOriginRulesEnabled } from './local-origin-rule.ts';
import { syncRuleWithSettings } from './panel-connection.ts';
import { loadSettings } from '../storage/settings.ts';

const E2eMessageSchema = v.variant('type', [
  v.object({ type: v.literal('aside-e2e:menu-entries') }),
  /** Clicks the entry on the tab showing `url` (its selection is read as a click's would be). */
  v.object({ type: v.literal('aside-e2e:menu-click'), menuItemId: v.string(), url: v.string() }),
  /** Shortens the answers' idle timeout (null: the default), so a silent provider is given up in seconds. */
  v.object({ type: v.literal('aside-e2e:idle-timeout'), ms: v.nullable(v.pipe(v.number(), v.integer(), v.minValue(100))) }),
  /** Turns the local servers' Origin rules off (and the saved one is removed) or on again: what a browser without DNR gets. */
  v.object({ type: v.literal('aside-e2e:origin-rules'), enabled: v.boolean() }),
  /** Which start of the background answers: another one after the worker or event page stopped and started again. */
  v.object({ type: v.literal('aside-e2e:instance') }),
]);

/** Made once per start of the background (this module is evaluated anew each time). */
const instance = `${Date.now()}-${Math.random().toString(36).slice(2)}`;

async function handle(message: v.InferOutput<typeof E2eMessageSchema>): Promise<unknown> {
  if (message.type === 'aside-e2e:menu-entries') return createdMenuEntries();
  if (message.type === 'aside-e2e:instance') return { instance };
  if (message.type === 'aside-e2e:origin-rules') {
    setOriginRulesEnabled(message.enabled);
    await syncRuleWithSettings(await loadSettings());
    const rules = (await browser.declarativeNetRequest?.getDynamicRules?.()) ?? [];
    return { enabled: message.enabled, rules };
  }
  if (message.type === 'aside-e2e:idle-timeout') {
    setAnswerIdleTimeoutMs(message.ms);
    return { ms: message.ms };
  }
  // Every tab, compared in full: a match pattern cannot name a port in Firefox.
  const tab = (await browser.tabs.query({})).find((candidate) => candidate.url === message.url);
  if (!tab) return { clicked: false, reason: `no tab shows ${message.url}` };
  onMenuClick({ menuItemId: message.menuItemId }, tab);
  return { clicked: true };
}

export function installE2eHooks(): void {
  // A returned promise is the reply (webextension-polyfill in Chrome, natively in Firefox).
  const listener = (raw: unknown): Promise<unknown> | undefined => {
    const parsed = v.safeParse(E2eMessageSchema, raw);
    return parsed.success ? handle(parsed.output) : undefined;
  };
  browser.runtime.onMessage.addListener(listener as Parameters<typeof browser.runtime.onMessage.addListener>[0]);
}
