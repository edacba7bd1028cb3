/**
 * A saved key never goes silently to a changed address, in real Chromium and real Firefox:
 * save a key with base URL A, then change the base URL to B (another port, so another
 * origin) without typing the key. Save refuses and names B, with a tick box "Send my saved
 * key to B"; B receives nothing. Ticked, Save goes through and the next question reaches B
 * with the key.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockProvider, type MockProvider } from '../mock-provider/server.ts';
import { launchChromiumWithExtension, type ChromiumExtension } from './harness/chromium.ts';
import { launchFirefoxWithExtension, type FirefoxExtension } from './harness/firefox.ts';
import { startPageServer, type PageServer } from './harness/pages.ts';
import { CHROME_E2E_BUILD, FIREFOX_E2E_BUILD, requireBuild } from './harness/paths.ts';

const API_KEY = 'sk-ant-e2e-key-origin';
let first: MockProvider;
let second: MockProvider;
let pages: PageServer;

beforeAll(async () => {
  first = await startMockProvider();
  second = await startMockProvider();
  pages = await startPageServer();
});
afterAll(async () => {
  await pages?.close();
  await first?.close();
  await second?.close();
});

const chatKeys = (mock: MockProvider) => mock.requests.filter((r) => r.chat).map((r) => r.headers['x-api-key']);
const secondHost = () => new URL(second.url).host;

describe('Chromium', () => {
  let chromium: ChromiumExtension;
  let panel: Page;
  beforeAll(async () => {
    first.reset();
    second.reset();
    chromium = await launchChromiumWithExtension(requireBuild(CHROME_E2E_BUILD));
    panel = await chromium.openExtensionPage('sidepanel.html');
  });
  afterAll(async () => {
    await chromium?.close();
  });

  const ask = async (question: string) => {
    const done = await panel.locator('[data-testid="answer"][data-status="complete"]').count();
    await panel.fill('[data-testid="composer"]', question);
    await panel.click('[data-testid="send"]');
    await expect
      .poll(() => panel.locator('[data-testid="answer"][data-status="complete"]').count(), { timeout: 15_000 })
      .toBe(done + 1);
  };

  it('asks before the saved key goes to a new origin, and sends it there once ticked', async () => {
    await panel.locator('[data-testid="settings-form"]').waitFor();
    await panel.fill('[data-testid="api-key"]', API_KEY);
    await panel.fill('[data-testid="base-url"]', first.url);
    await panel.click('[data-testid="save-settings"]');
    await panel.locator('[data-testid="composer"]').waitFor();
    await ask('First question');
    expect(chatKeys(first)).toEqual([API_KEY]);

    await panel.click('[data-testid="open-settings"]');
    await panel.locator('[data-testid="settings-form"]').waitFor();
    await panel.fill('[data-testid="base-url"]', second.url);
    await panel.locator('[data-testid="key-new-origin-confirm"]').waitFor();
    await panel.click('[data-testid="save-settings"]');
    const problem = panel.locator('[data-testid="settings-problem"]');
    await problem.waitFor();
    expect(await problem.getAttribute('data-code')).toBe('key-new-origin');
    expect(await problem.textContent()).toContain(secondHost());
    expect(await panel.locator('[data-testid="settings-form"]').count()).toBe(1);
    expect(second.requests).toEqual([]);

    await panel.check('[data-testid="key-new-origin-confirm"]');
    await panel.click('[data-testid="save-settings"]');
    // Saved: the new address is now the saved one, so the tick box goes.
    await panel.locator('[data-testid="key-new-origin-confirm"]').waitFor({ state: 'detached' });
    await panel.click('[data-testid="close-settings"]');
    await panel.locator('[data-testid="composer"]').waitFor();
    await ask('Second question');
    expect(chatKeys(second)).toEqual([API_KEY]);
    expect(chatKeys(first)).toEqual([API_KEY]);
  });
});

describe('Firefox', () => {
  let firefox: FirefoxExtension;
  const q = (testId: string) => `document.querySelector('[data-testid="${testId}"]')`;
  const set = (testId: string, value: string) =>
    firefox.evaluate(
      `(() => { const el = ${q(testId)}; el.value = ${JSON.stringify(value)}; el.dispatchEvent(new Event('input', { bubbles: true })); return true; })()`,
    );
  const completeCount = () =>
    firefox.evaluate<number>(`document.querySelectorAll('[data-testid="answer"][data-status="complete"]').length`);
  const ask = async (question: string) => {
    const done = await completeCount();
    await set('composer', question);
    await firefox.click('[data-testid="send"]');
    await expect.poll(completeCount, { timeout: 15_000 }).toBe(done + 1);
  };

  beforeAll(async () => {
    first.reset();
    second.reset();
    firefox = await launchFirefoxWithExtension(requireBuild(FIREFOX_E2E_BUILD));
    await firefox.openExtensionPage('sidepanel.html', { from: pages.url('/blank.html') });
  });
  afterAll(async () => {
    await firefox?.close();
  });

  it('asks before the saved key goes to a new origin, and sends it there once ticked', async () => {
    await firefox.waitFor(q('settings-form'), { what: 'settings form' });
    await set('api-key', API_KEY);
    await set('base-url', first.url);
    await firefox.click('[data-testid="save-settings"]');
    await firefox.waitFor(q('composer'), { what: 'composer' });
    await ask('First question');
    expect(chatKeys(first)).toEqual([API_KEY]);

    await firefox.click('[data-testid="open-settings"]');
    await firefox.waitFor(q('settings-form'), { what: 'settings form' });
    await set('base-url', second.url);
    await firefox.waitFor(q('key-new-origin-confirm'), { what: 'the tick box for the new origin' });
    await firefox.click('[data-testid="save-settings"]');
    await firefox.waitFor(q('settings-problem'), { what: 'the refusal' });
    expect(await firefox.evaluate(`${q('settings-problem')}.dataset.code`)).toBe('key-new-origin');
    expect(await firefox.evaluate<string>(`${q('settings-problem')}.textContent`)).toContain(secondHost());
    expect(second.requests).toEqual([]);

    await firefox.click('[data-testid="key-new-origin-confirm"]');
    await firefox.click('[data-testid="save-settings"]');
    await firefox.waitFor(`!${q('key-new-origin-confirm')}`, { what: 'the save (the tick box goes)' });
    await firefox.click('[data-testid="close-settings"]');
    await firefox.waitFor(q('composer'), { what: 'composer' });
    await ask('Second question');
    expect(chatKeys(second)).toEqual([API_KEY]);
  });
});
