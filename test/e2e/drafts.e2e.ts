/**
 * Drafts are kept (issue #9: nothing the user typed is lost), in real Chromium and real
 * Firefox: a question typed but not sent is back in the composer after the panel is closed
 * and opened again, whether it was closed at once (the write on `pagehide`) or a moment later
 * (the debounced write); so is the text staged to ask about ("Ask Aside about this"); a new
 * chat starts with an empty composer, and the old conversation's draft comes back when it is
 * opened from history. The panel page is bound to the article's tab (`sidepanel.html?tab=ID`),
 * the conversation a side panel beside that page shows.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockProvider, type MockProvider } from '../mock-provider/server.ts';
import { launchChromiumWithExtension } from './harness/chromium.ts';
import { chromiumDriver, firefoxDriver, testid, type PanelDriver, tabIdOfUrl } from './harness/driver.ts';
import { launchFirefoxWithExtension } from './harness/firefox.ts';
import { ARTICLE_PASSAGE, selectTextExpression, startPageServer } from './harness/pages.ts';
import { CHROME_E2E_BUILD, FIREFOX_E2E_BUILD, requireBuild } from './harness/paths.ts';

const composerValue = `(document.querySelector('${testid('composer')}')?.value ?? null)`;
const stagedText = `(document.querySelector('${testid('selection-card')}')?.textContent ?? null)`;
const api = `(globalThis.browser ?? globalThis.chrome)`;

interface Setup {
  mock: MockProvider;
  driver: PanelDriver;
  /** Closes the panel and opens it again (its page unloads and loads anew). */
  reopen(): Promise<void>;
  /** Selects the article's passage in its tab; the URL of that page. */
  selectPassage(): Promise<string>;
  teardown(): Promise<void>;
}

function draftTests(name: string, setup: () => Promise<Setup>) {
  describe(`drafts in ${name}`, () => {
    let s: Setup;
    const reopened = async () => {
      await s.reopen();
      await s.driver.waitFor(`document.querySelector('${testid('composer')}')`, 'the reopened panel’s composer', 15_000);
    };
    /** The composer once the kept draft had time to be read back. */
    const composerSettled = async (expected: string) => {
      // An empty composer is what a panel shows before its kept draft is read: give the read time.
      if (expected === '') await new Promise((resolve) => setTimeout(resolve, 1_000));
      await s.driver
        .waitFor(`${composerValue} === ${JSON.stringify(expected)}`, `the composer to hold ${JSON.stringify(expected)}`, 5_000)
        .catch(() => {});
      return s.driver.evaluate<string | null>(composerValue);
    };

    beforeAll(async () => {
      s = await setup();
      await s.driver.waitFor(`document.querySelector('${testid('settings-form')}')`, 'the settings form');
      await s.driver.fill('api-key', 'sk-ant-e2e-drafts');
      await s.driver.fill('base-url', s.mock.url);
      await s.driver.click('save-settings');
      await s.driver.waitFor(`document.querySelector('${testid('composer')}')`, 'the composer');
    });

    afterAll(async () => {
      await s?.teardown();
    });

    it('a question typed and left a moment is back after the panel is reopened', async () => {
      await s.driver.fill('composer', 'Half a thought about foxes');
      await new Promise((resolve) => setTimeout(resolve, 800));
      await reopened();
      expect(await composerSettled('Half a thought about foxes')).toBe('Half a thought about foxes');
    });

    it('a question typed just before the panel closes is back too', async () => {
      await s.driver.fill('composer', 'Typed, then closed at once');
      await reopened();
      expect(await composerSettled('Typed, then closed at once')).toBe('Typed, then closed at once');
    });

    it('a text staged to ask about is back after the panel is reopened, with the draft', async () => {
      const url = await s.selectPassage();
      const clicked = await s.driver.evaluate<{ clicked: boolean }>(
        `${api}.runtime.sendMessage({ type: 'aside-e2e:menu-click', menuItemId: 'aside-ask', url: ${JSON.stringify(url)} })`,
      );
      expect(clicked).toEqual({ clicked: true });
      await s.driver.waitFor(
        `(${stagedText})?.includes(${JSON.stringify(ARTICLE_PASSAGE.slice(0, 40))})`,
        'the staged passage',
        15_000,
      );
      await s.driver.fill('composer', 'Why the fox?');
      await reopened();
      expect(await composerSettled('Why the fox?')).toBe('Why the fox?');
      await s.driver.waitFor(
        `(${stagedText})?.includes(${JSON.stringify(ARTICLE_PASSAGE.slice(0, 40))})`,
        'the staged passage again',
        5_000,
      );
      // Cleared for the next test: the staged text is let go, the draft emptied.
      await s.driver.click('selection-remove');
      await s.driver.fill('composer', '');
    });

    it('sent, it is gone; a new chat starts empty; the old draft comes back with its conversation', async () => {
      s.mock.enqueue({ text: ['Foxes ', 'are ', 'clever.'], delayMs: 5 });
      await s.driver.fill('composer', 'Are foxes clever?');
      await s.driver.click('send');
      await s.driver.waitFor(
        `[...document.querySelectorAll('${testid('answer')}')].at(-1)?.dataset.status === 'complete'`,
        'the answer',
        15_000,
      );
      await reopened();
      expect(await composerSettled('')).toBe('');
      // A draft in this conversation, then a new chat: the draft stays with the first.
      await s.driver.fill('composer', 'A follow-up for later');
      await new Promise((resolve) => setTimeout(resolve, 800));
      await s.driver.click('new-chat');
      await s.driver.waitFor(`document.querySelectorAll('${testid('answer')}').length === 0`, 'the new chat');
      await s.driver.fill('composer', '');
      await reopened();
      expect(await composerSettled('')).toBe('');
      await s.driver.click('open-history');
      await s.driver.waitFor(`document.querySelector('${testid('history-row')}')`, 'the history list');
      await s.driver.click('history-open');
      await s.driver.waitFor(`document.querySelectorAll('${testid('answer')}').length === 1`, 'the old conversation');
      expect(await composerSettled('A follow-up for later')).toBe('A follow-up for later');
    });
  });
}

draftTests('Chromium', async () => {
  requireBuild(CHROME_E2E_BUILD);
  const mock = await startMockProvider();
  const pages = await startPageServer();
  const chrome = await launchChromiumWithExtension(CHROME_E2E_BUILD);
  const article = await chrome.context.newPage();
  await article.goto(pages.url('/article.html'));
  const page: Page = await chrome.openExtensionPage('sidepanel.html');
  const tabId = await page.evaluate<number>(tabIdOfUrl(pages.url('/article.html')));
  await page.goto(page.url().replace(/sidepanel\.html.*$/, `sidepanel.html?tab=${tabId}`));
  return {
    mock,
    driver: chromiumDriver(page),
    // The page unloads and loads anew, bound to the same tab: the same conversation, as the
    // side panel beside that page shows it.
    async reopen() {
      await page.reload();
    },
    async selectPassage() {
      await article.evaluate(selectTextExpression('#passage'));
      return pages.url('/article.html');
    },
    async teardown() {
      await chrome.close();
      await pages.close();
      await mock.close();
    },
  };
});

draftTests('Firefox', async () => {
  requireBuild(FIREFOX_E2E_BUILD);
  const mock = await startMockProvider();
  const pages = await startPageServer();
  const firefox = await launchFirefoxWithExtension(FIREFOX_E2E_BUILD);
  await firefox.openExtensionPage('sidepanel.html', { from: pages.url('/blank.html') });
  const panelTab = firefox.context;
  const articleTab = await firefox.newTab(pages.url('/article.html'));
  firefox.use(panelTab);
  const tabId = await firefox.evaluate<number>(tabIdOfUrl(pages.url('/article.html')));
  const open = () => firefox.openExtensionPage(`sidepanel.html?tab=${tabId}`, { from: pages.url('/blank.html') });
  await open();
  return {
    mock,
    driver: firefoxDriver(firefox),
    // Away to a web page and back in the same tab: the panel page unloads and loads anew.
    reopen: open,
    async selectPassage() {
      await firefox.evaluate(selectTextExpression('#passage'), { context: articleTab });
      return pages.url('/article.html');
    },
    async teardown() {
      await firefox.close();
      await pages.close();
      await mock.close();
    },
  };
});
