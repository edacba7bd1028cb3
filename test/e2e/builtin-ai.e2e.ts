/**
 * The browser's own model in the built extension, in real Chromium and real Firefox. Neither
 * can run an on-device model on this machine, in different ways: Debian Chromium 156 has the
 * Prompt API (`LanguageModel`, in the panel and in the service worker) but its
 * `availability()` says "unavailable" (no model, no service); Firefox has no Prompt API. So
 * this covers what a user without a model sees: "Chrome built-in AI" in the provider list,
 * its settings section saying "unavailable" with the reason (the device in Chromium, the
 * browser in Firefox) and no key field or Download button, saving it without a key, and a
 * question answered with a clear failure (not a network error, not a retry), the question
 * kept. The available, downloadable and downloading paths cannot run here: the unit tests
 * cover them over a fake Prompt API (test/providers/builtin.test.ts,
 * test/panel/builtin-model-status.test.tsx).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromiumWithExtension, type ChromiumExtension } from './harness/chromium.ts';
import { launchFirefoxWithExtension, type FirefoxExtension } from './harness/firefox.ts';
import { startPageServer, type PageServer } from './harness/pages.ts';
import { artifactPath, CHROME_E2E_BUILD, FIREFOX_E2E_BUILD, requireBuild } from './harness/paths.ts';

const NO_MODEL_WORDS = 'this browser has no on-device model';
const NOT_ON_THIS_DEVICE_WORDS = 'Unavailable on this device';
const QUESTION = 'Does the on-device model answer?';

let pages: PageServer;

beforeAll(async () => {
  pages = await startPageServer();
});

afterAll(async () => {
  await pages?.close();
});

describe('Chromium', () => {
  let chromium: ChromiumExtension;
  let panel: Page;

  beforeAll(async () => {
    requireBuild(CHROME_E2E_BUILD);
    chromium = await launchChromiumWithExtension(CHROME_E2E_BUILD);
    panel = await chromium.openExtensionPage('sidepanel.html');
    await panel.setViewportSize({ width: 400, height: 900 });
  });

  afterAll(async () => {
    await chromium?.close();
  });

  it('has the Prompt API in the panel and in the worker, and it says "unavailable" (the facts this test relies on)', async () => {
    const probe = async () => {
      const api = (globalThis as { LanguageModel?: { availability(): Promise<string> } }).LanguageModel;
      return api ? api.availability() : 'absent';
    };
    expect(await panel.evaluate(probe)).toBe('unavailable');
    expect(await chromium.serviceWorker.evaluate(probe)).toBe('unavailable');
  });

  it('shows "unavailable here" with the reason when Chrome built-in AI is chosen', async () => {
    await panel.locator('[data-testid="settings-form"]').waitFor();
    await panel.selectOption('[data-testid="provider"]', 'chrome-builtin');
    const status = panel.locator('[data-testid="builtin-status"][data-state="unavailable"]');
    await status.waitFor();
    expect(await status.getAttribute('data-reason')).toBe('device');
    expect(await status.textContent()).toContain(NOT_ON_THIS_DEVICE_WORDS);
    expect(await panel.locator('[data-testid="builtin-download"]').count()).toBe(0);
    expect(await panel.locator('[data-testid="api-key"]').count()).toBe(0);
    expect(await panel.locator('[data-testid="model"]').count()).toBe(0);
    await panel.screenshot({ path: artifactPath('builtin-ai-chromium.png'), fullPage: true });
  });

  it('saves without a key, and a question fails clearly, the question kept', async () => {
    await panel.click('[data-testid="save-settings"]');
    await panel.locator('[data-testid="composer"]').waitFor();
    await panel.fill('[data-testid="composer"]', QUESTION);
    await panel.click('[data-testid="send"]');
    const error = panel.locator('[data-testid="answer-error"]');
    await error.waitFor();
    expect(await error.getAttribute('data-code')).toBe('builtin-unavailable');
    expect(await panel.locator('[data-testid="answer"]').last().getAttribute('data-status')).toBe('failed');
    expect(await panel.evaluate(() => document.body.textContent ?? '')).toContain(QUESTION);
  });
});

describe('Firefox', () => {
  let firefox: FirefoxExtension;
  const q = (selector: string) => `document.querySelector('${selector}')`;
  const set = (testId: string, value: string, event: 'input' | 'change' = 'input') =>
    firefox.evaluate(
      `(() => { const el = ${q(`[data-testid="${testId}"]`)}; el.value = ${JSON.stringify(value)}; el.dispatchEvent(new Event('${event}', { bubbles: true })); return true; })()`,
    );

  beforeAll(async () => {
    requireBuild(FIREFOX_E2E_BUILD);
    firefox = await launchFirefoxWithExtension(FIREFOX_E2E_BUILD);
    await firefox.openExtensionPage('sidepanel.html', { from: pages.url('/blank.html') });
  });

  afterAll(async () => {
    await firefox?.close();
  });

  // Firefox has no Prompt API; the choice is shown (a user reading about it should learn why
  // it does not work here) and says so, rather than being hidden.
  it('shows "unavailable here" with the reason when Chrome built-in AI is chosen', async () => {
    await firefox.waitFor(q('[data-testid="settings-form"]'), { what: 'settings form' });
    expect(await firefox.evaluate(`typeof globalThis.LanguageModel`)).toBe('undefined');
    await set('provider', 'chrome-builtin', 'change');
    const status = '[data-testid="builtin-status"][data-state="unavailable"]';
    await firefox.waitFor(q(status), { what: 'the unavailable status' });
    expect(await firefox.evaluate(`${q(status)}.dataset.reason`)).toBe('no-api');
    expect(await firefox.evaluate<string>(`${q(status)}.textContent`)).toContain(NO_MODEL_WORDS);
    expect(
      await firefox.evaluate(`${q('[data-testid="builtin-download"]')} === null && ${q('[data-testid="api-key"]')} === null`),
    ).toBe(true);
    await firefox.screenshot(artifactPath('builtin-ai-firefox.png'));
  });

  it('saves without a key, and a question fails clearly, the question kept', async () => {
    await firefox.click('[data-testid="save-settings"]');
    await firefox.waitFor(q('[data-testid="composer"]'), { what: 'composer' });
    await set('composer', QUESTION);
    await firefox.click('[data-testid="send"]');
    await firefox.waitFor(q('[data-testid="answer-error"]'), { what: 'the answer error' });
    expect(await firefox.evaluate(`${q('[data-testid="answer-error"]')}.dataset.code`)).toBe('builtin-unavailable');
    expect(await firefox.evaluate<string>(`document.body.textContent`)).toContain(QUESTION);
  });
});
