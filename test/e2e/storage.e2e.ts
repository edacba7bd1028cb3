/**
 * Storage in the history view, in real Chromium and real Firefox: the space used shows, and
 * "Clear old conversations" deletes the unpinned conversations older than the chosen age
 * (seeded into the extension's own IndexedDB, as history-view.e2e.ts does), keeps the
 * pinned and recent ones, says how many before confirming, and Undo brings them back.
 */
import './harness/node-browser-stub.ts';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockProvider, type MockProvider } from '../mock-provider/server.ts';
import { HISTORY_DB_NAME, storedRecords } from '../../src/storage/history/db.ts';
import { newConversationId, type HistoryConversation } from '../../src/storage/history/schema.ts';
import { launchChromiumWithExtension, type ChromiumExtension } from './harness/chromium.ts';
import { launchFirefoxWithExtension, type FirefoxExtension } from './harness/firefox.ts';
import { startPageServer, type PageServer } from './harness/pages.ts';
import { artifactPath, CHROME_E2E_BUILD, FIREFOX_E2E_BUILD, requireBuild, waitFor } from './harness/paths.ts';

interface Driver {
  /** Sets an input's value as typing would (the last match of the selector). */
  fill(selector: string, value: string): Promise<void>;
  /** A real pointer click on the last match of the selector. */
  click(selector: string): Promise<void>;
  press(key: 'Enter' | 'Escape'): Promise<void>;
  evaluate<T>(expression: string): Promise<T>;
  waitFor(expression: string, what: string, timeoutMs?: number): Promise<void>;
  screenshot(name: string): Promise<void>;
  /** Sets the page's width (Chromium: the panel's widths are checked there). */
  resize?(width: number): Promise<void>;
}

const testid = (id: string) => `[data-testid="${id}"]`;
const rowCount = `document.querySelectorAll('${testid('history-row')}').length`;
const titles = `[...document.querySelectorAll('${testid('history-row-title')}')].map((el) => el.textContent)`;

const DAY = 86_400_000;
const now = Date.now();
function conversation(question: string, answer: string, ago: number): HistoryConversation {
  const at = now - ago;
  return {
    version: 1,
    id: newConversationId(at),
    createdAt: at,
    updatedAt: at,
    pinned: false,
    page: { title: 'A test page', url: 'http://127.0.0.1/article.html' },
    turns: [
      { role: 'user', text: question },
      { role: 'assistant', requestId: `r-${at}`, text: answer, status: 'complete', stopReason: 'end_turn' },
    ],
  };
}
const recent = conversation('What do foxes eat?', 'Foxes eat almost anything.', 60_000);
const oldPinned = { ...conversation('Explain the tides', 'The moon pulls the sea.', 200 * DAY), pinned: true };
const fortyDays = conversation('Tell me about music', 'Music is organised sound.', 40 * DAY);
const twoYears = conversation('What is a comet?', 'A comet is ice and dust.', 730 * DAY);
const seeded = [recent, oldPinned, fortyDays, twoYears];

/** Writes records the way the store does (conversation and its summary), with the browser's own IndexedDB. */
function seedExpression(conversations: HistoryConversation[]): string {
  const records = conversations.map(storedRecords);
  return `(async () => {
    const db = await new Promise((resolve, reject) => { const r = indexedDB.open(${JSON.stringify(HISTORY_DB_NAME)}); r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });
    const tx = db.transaction(['conversations', 'summaries', 'search'], 'readwrite');
    for (const { conversation, summary, search } of ${JSON.stringify(records)}) { tx.objectStore('conversations').put(conversation); tx.objectStore('summaries').put(summary); tx.objectStore('search').put(search); }
    await new Promise((resolve, reject) => { tx.oncomplete = resolve; tx.onerror = () => reject(tx.error); });
    db.close();
    return true;
  })()`;
}

function storageTests(name: string, setup: () => Promise<{ driver: Driver; mock: MockProvider; teardown(): Promise<void> }>) {
  describe(`storage in the history view in ${name}`, () => {
    let driver: Driver;
    let teardown: () => Promise<void>;

    const reopen = async () => {
      await driver.click(testid('history-close'));
      await driver.waitFor(`!document.querySelector('${testid('history-view')}')`, 'the history view to close');
      await driver.click(testid('open-history'));
      await driver.waitFor(`document.querySelector('${testid('history-view')}')`, 'the history view');
    };
    const text = (id: string) => driver.evaluate<string>(`document.querySelector('${testid(id)}')?.textContent ?? ''`);
    const chooseAge = (days: number) =>
      driver.evaluate(
        `(() => { const el = document.querySelector('${testid('clear-old-age')}'); el.value = '${days}'; el.dispatchEvent(new Event('change', { bubbles: true })); return true; })()`,
      );

    beforeAll(async () => {
      let mock: MockProvider;
      ({ driver, mock, teardown } = await setup());
      await driver.waitFor(`document.querySelector('${testid('settings-form')}')`, 'the settings form');
      await driver.fill(testid('api-key'), 'sk-ant-e2e-storage');
      await driver.fill(testid('base-url'), mock.url);
      await driver.click(testid('save-settings'));
      await driver.waitFor(`document.querySelector('${testid('composer')}')`, 'the composer');
      await driver.click(testid('open-history'));
      await driver.waitFor(`document.querySelector('.history-empty')`, 'the empty history');
      await driver.evaluate(seedExpression(seeded));
      await reopen();
      await driver.waitFor(`${rowCount} === 4`, 'four conversations');
    });

    afterAll(async () => {
      await teardown?.();
    });

    it('shows the space used', async () => {
      await driver.waitFor(`document.querySelector('${testid('storage-usage')}')?.textContent.length > 0`, 'the usage');
      // Both browsers report an estimate for extension pages: a size, and the quota.
      expect(await text('storage-usage')).toMatch(
        /^(Conversations use|Aside uses) [\d.]+ (byte|kB|MB|GB)\b.* of about [\d.]+ (MB|GB|TB) available\.$/,
      );
    });

    it('clears the unpinned conversations older than the chosen age, after saying how many; Undo brings them back', async () => {
      await driver.click(testid('clear-old'));
      await driver.waitFor(`document.querySelector('${testid('clear-old-confirm')}')`, 'the confirm button');
      // 30 days: the 40-day and the 2-year-old ones (the 200-day one is pinned).
      expect(await text('clear-old-count')).toBe('2 conversations will be deleted. Pinned ones are kept.');
      await chooseAge(365);
      await driver.waitFor(
        `document.querySelector('${testid('clear-old-count')}')?.textContent === '1 conversation will be deleted. Pinned ones are kept.'`,
        'the count for a year',
      );
      await chooseAge(30);
      await driver.waitFor(
        `document.querySelector('${testid('clear-old-confirm')}')?.textContent === 'Delete 2 conversations'`,
        'two to delete',
      );
      // Nothing is deleted before the confirmation.
      expect(await driver.evaluate(rowCount)).toBe(4);
      await driver.click(testid('clear-old-confirm'));
      await driver.waitFor(`${rowCount} === 2`, 'the old ones gone');
      expect(await driver.evaluate(titles)).toEqual(['Explain the tides', 'What do foxes eat?']);
      expect(await text('history-status')).toBe('Deleted 2 old conversations.');
      await reopen();
      await driver.waitFor(`${rowCount} === 2`, 'still two after reopening');

      await driver.click(testid('clear-old'));
      await driver.waitFor(
        `document.querySelector('${testid('clear-old-count')}')?.textContent.startsWith('No conversation is that old')`,
        'nothing left to clear',
      );
      expect(await driver.evaluate(`document.querySelector('${testid('clear-old-confirm')}') === null`)).toBe(true);
      await driver.click(testid('clear-old-cancel'));
    });

    it('Undo right after clearing restores them', async () => {
      await driver.evaluate(seedExpression([fortyDays, twoYears]));
      await reopen();
      await driver.waitFor(`${rowCount} === 4`, 'four again');
      await driver.click(testid('clear-old'));
      await driver.waitFor(`document.querySelector('${testid('clear-old-confirm')}')`, 'the confirm button');
      await driver.click(testid('clear-old-confirm'));
      await driver.waitFor(`${rowCount} === 2 && document.querySelector('${testid('history-undo')}')`, 'cleared, with Undo');
      await driver.click(testid('history-undo'));
      await driver.waitFor(`${rowCount} === 4`, 'all four back');
      expect(await text('history-status')).toBe('Restored 2 conversations.');
      await driver.waitFor(`document.querySelector('${testid('storage-usage')}')?.textContent.length > 0`, 'the usage again');
    });
  });
}

storageTests('Chromium', async () => {
  requireBuild(CHROME_E2E_BUILD);
  const mock = await startMockProvider();
  const chrome: ChromiumExtension = await launchChromiumWithExtension(CHROME_E2E_BUILD);
  const panel: Page = await chrome.openExtensionPage('sidepanel.html');
  await panel.setViewportSize({ width: 360, height: 800 });
  const driver: Driver = {
    fill: (selector, value) => panel.locator(selector).last().fill(value),
    click: (selector) => panel.locator(selector).last().click(),
    press: (key) => panel.keyboard.press(key),
    evaluate: (expression) => panel.evaluate(expression),
    // Polled with evaluate: waitForFunction with a string needs eval, which the panel's CSP forbids.
    waitFor: async (expression, what, timeoutMs = 10_000) => {
      await waitFor(what, async () => ((await panel.evaluate(expression)) ? true : undefined), { timeoutMs });
    },
    screenshot: async (name) => {
      await panel.screenshot({ path: artifactPath(`${name}-chromium.png`) });
    },
    resize: (width) => panel.setViewportSize({ width, height: 800 }),
  };
  return {
    driver,
    mock,
    teardown: async () => {
      await chrome.close();
      await mock.close();
    },
  };
});

storageTests('Firefox', async () => {
  requireBuild(FIREFOX_E2E_BUILD);
  const mock = await startMockProvider();
  const pages: PageServer = await startPageServer();
  const firefox: FirefoxExtension = await launchFirefoxWithExtension(FIREFOX_E2E_BUILD);
  await firefox.openExtensionPage('sidepanel.html', { from: pages.url('/blank.html') });
  const driver: Driver = {
    fill: async (selector, value) => {
      await firefox.evaluate(
        `(() => { const el = [...document.querySelectorAll('${selector}')].at(-1); el.focus(); el.value = ${JSON.stringify(value)}; el.dispatchEvent(new Event('input', { bubbles: true })); return true; })()`,
      );
    },
    click: async (selector) => {
      await firefox.evaluate(
        `(() => { const all = document.querySelectorAll('${selector}'); document.querySelectorAll('[data-e2e-target]').forEach((el) => el.removeAttribute('data-e2e-target')); all[all.length - 1]?.setAttribute('data-e2e-target', ''); return all.length > 0; })()`,
      );
      await firefox.click('[data-e2e-target]');
    },
    press: (key) => firefox.press([key]),
    evaluate: (expression) => firefox.evaluate(expression),
    waitFor: async (expression, what, timeoutMs = 10_000) => {
      await firefox.waitFor(expression, { what, timeoutMs });
    },
    screenshot: async (name) => {
      await firefox.screenshot(artifactPath(`${name}-firefox.png`));
    },
  };
  return {
    driver,
    mock,
    teardown: async () => {
      await firefox.close();
      await pages.close();
      await mock.close();
    },
  };
});
