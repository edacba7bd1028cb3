/**
 * Private windows (issue #9), in real Firefox and real Chromium: a conversation about a private
 * tab is kept in memory (and storage.session) only. The panel says so and offers Export;
 * the answer streams as anywhere else; the export has it; a reload of the panel brings it
 * back; and the history of a normal window never shows it.
 *
 * - Firefox: the add-on is allowed in private windows (`moz:allowPrivateBrowsing` at install,
 *   as the user's "Run in Private Windows"), a private window is opened with
 *   `windows.create({ incognito: true })`, and the panel page runs inside it, where the
 *   extension's IndexedDB is broken.
 * - Chromium: "Allow in Incognito" is ticked on chrome://extensions. Chrome does not load a
 *   spanning extension's pages in an incognito tab, and its side panel opens only from a user
 *   gesture in that window, so the panel page is bound to the incognito tab with
 *   `sidepanel.html?tab=ID` (the path a per-tab panel gets) and shown in the normal window.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockProvider, type MockProvider } from '../mock-provider/server.ts';
import { launchChromiumWithExtension } from './harness/chromium.ts';
import { chromiumDriver, firefoxDriver, testid, type PanelDriver } from './harness/driver.ts';
import { launchFirefoxWithExtension, type FirefoxExtension } from './harness/firefox.ts';
import { startPageServer } from './harness/pages.ts';
import { CHROME_E2E_BUILD, FIREFOX_E2E_BUILD, requireBuild, waitFor } from './harness/paths.ts';
import { catchDownloads, lastDownload, type Download } from './harness/downloads.ts';

const NORMAL_QUESTION = 'What do city foxes eat?';
const PRIVATE_QUESTION = 'What do private foxes eat?';
const PRIVATE_ANSWER = 'Private foxes eat berries and keep quiet.';

const lastAnswer = `(() => { const a = [...document.querySelectorAll('${testid('answer')}')].at(-1); return a ? { status: a.dataset.status, text: a.querySelector('${testid('answer-text')}')?.textContent ?? '' } : null; })()`;

interface Setup {
  mock: MockProvider;
  /** A panel in a normal window. */
  normal: PanelDriver;
  /** Opens the panel on a private tab's conversation. */
  openPrivate(): Promise<PanelDriver>;
  /** Closes and opens that panel again (a reload of its page). */
  reloadPrivate(): Promise<void>;
  teardown(): Promise<void>;
}

async function ask(driver: PanelDriver, mock: MockProvider, question: string, answer: string) {
  mock.enqueue({ text: answer.split(/(?<= )/), delayMs: 5 });
  await driver.fill('composer', question);
  await driver.click('send');
  await driver.waitFor(
    `(() => { const a = ${lastAnswer}; return a?.status === 'complete' && a.text === ${JSON.stringify(answer)}; })()`,
    `the answer to "${question}"`,
    15_000,
  );
}

/** `insideWindow`: the panel page runs inside the private window (Firefox), where history cannot be opened. */
function privateWindowTests(name: string, { insideWindow }: { insideWindow: boolean }, setup: () => Promise<Setup>) {
  describe(`a private window in ${name}`, () => {
    let s: Setup;
    let panel: PanelDriver;

    beforeAll(async () => {
      s = await setup();
      await s.normal.waitFor(`document.querySelector('${testid('settings-form')}')`, 'the settings form');
      await s.normal.fill('api-key', 'sk-ant-e2e-private');
      await s.normal.fill('base-url', s.mock.url);
      await s.normal.click('save-settings');
      await s.normal.waitFor(`document.querySelector('${testid('composer')}')`, 'the composer');
      await ask(s.normal, s.mock, NORMAL_QUESTION, 'City foxes eat what people drop.');
      // A normal window's conversation says nothing about memory.
      expect(await s.normal.evaluate(`!!document.querySelector('${testid('private-note')}')`)).toBe(false);
      panel = await s.openPrivate();
    });

    afterAll(async () => {
      await s?.teardown();
    });

    it('says the conversation stays in memory, and answers as anywhere else', async () => {
      await panel.waitFor(`document.querySelector('${testid('composer')}')`, 'the private panel’s composer');
      await panel.waitFor(`document.querySelector('${testid('private-note')}')`, 'the private-window note');
      expect(await panel.evaluate<string>(`document.querySelector('${testid('private-note')}').textContent`)).toContain(
        'Private window',
      );
      await ask(panel, s.mock, PRIVATE_QUESTION, PRIVATE_ANSWER);
    });

    it('Export writes the conversation kept in memory, as JSON that Import reads, and as Markdown', async () => {
      await panel.evaluate(catchDownloads);
      await panel.click('private-export-json');
      await panel.waitFor(`window.__downloads.length === 1`, 'the JSON export');
      const json = await panel.evaluate<Download>(lastDownload);
      expect(json.name).toMatch(/^aside-conversations-\d{4}-\d\d-\d\d\.json$/);
      const envelope = JSON.parse(json.text) as { format: string; conversations: { turns: { role: string; text: string }[] }[] };
      expect(envelope.format).toBe('aside-conversations');
      // The private conversation, and not the normal window's, which is on disk.
      expect(envelope.conversations).toHaveLength(1);
      expect(envelope.conversations[0]!.turns.map((turn) => [turn.role, turn.text])).toEqual([
        ['user', PRIVATE_QUESTION],
        ['assistant', PRIVATE_ANSWER],
      ]);
      expect(await panel.evaluate<string>(`document.querySelector('${testid('private-export-status')}').textContent`)).toBe(
        'Exported 1 conversation.',
      );
      await panel.click('private-export-markdown');
      await panel.waitFor(`window.__downloads.length === 2`, 'the Markdown export');
      const markdown = await panel.evaluate<Download>(lastDownload);
      expect(markdown.name).toMatch(/\.md$/);
      expect(markdown.text).toContain(PRIVATE_QUESTION);
      expect(markdown.text).toContain(PRIVATE_ANSWER);
    });

    it('the panel closed and opened again shows the conversation, still in memory', async () => {
      await s.reloadPrivate();
      await panel.waitFor(
        `(() => { const a = ${lastAnswer}; return a?.text === ${JSON.stringify(PRIVATE_ANSWER)}; })()`,
        'the private answer after the reload',
        15_000,
      );
      expect(await panel.evaluate(`!!document.querySelector('${testid('private-note')}')`)).toBe(true);
    });

    // Chromium: the bound panel page is a normal window's, with that window's history.
    it.runIf(insideWindow)(
      'the History view inside a private window says history cannot be opened there, and the panel goes on',
      async () => {
        await panel.click('open-history');
        await panel.waitFor(
          `document.querySelector('${testid('history-view')}')?.textContent.includes('History cannot be opened in this window.')`,
          'the history view’s words',
          15_000,
        );
        await panel.click('history-close');
        await panel.waitFor(`document.querySelector('${testid('composer')}')`, 'the composer again');
      },
    );

    it('the history of a normal window has the normal conversation and not the private one', async () => {
      await s.normal.click('open-history');
      await s.normal.waitFor(`document.querySelectorAll('${testid('history-row')}').length > 0`, 'the history list');
      const titles = await s.normal.evaluate<string[]>(
        `[...document.querySelectorAll('${testid('history-row')}')].map((row) => row.textContent)`,
      );
      expect(titles).toHaveLength(1);
      expect(titles[0]).toContain(NORMAL_QUESTION);
    });
  });
}

privateWindowTests('Firefox', { insideWindow: true }, async () => {
  requireBuild(FIREFOX_E2E_BUILD);
  const mock = await startMockProvider();
  const pages = await startPageServer();
  const firefox: FirefoxExtension = await launchFirefoxWithExtension(FIREFOX_E2E_BUILD, { allowPrivateBrowsing: true });
  await firefox.openExtensionPage('sidepanel.html', { from: pages.url('/blank.html') });
  const normalContext = firefox.context;
  let privateContext = '';
  /** A driver that acts on one browsing context, whichever the harness was last switched to. */
  const on = (context: () => string): PanelDriver => {
    const driver = firefoxDriver(firefox);
    const wrap =
      <A extends unknown[], R>(step: (...args: A) => Promise<R>) =>
      (...args: A) => {
        firefox.use(context());
        return step(...args);
      };
    return {
      fill: wrap(driver.fill),
      select: wrap(driver.select),
      click: wrap(driver.click),
      evaluate: wrap(driver.evaluate) as PanelDriver['evaluate'],
      waitFor: wrap(driver.waitFor),
    };
  };
  return {
    mock,
    normal: on(() => normalContext),
    async openPrivate() {
      firefox.use(normalContext);
      const topContexts = async () =>
        (await firefox.bidi.send<{ contexts: { context: string }[] }>('browsingContext.getTree', { maxDepth: 0 })).contexts.map(
          (c) => c.context,
        );
      const before = new Set(await topContexts());
      const incognito = await firefox.evaluate<boolean>(
        `browser.windows.create({ incognito: true, url: ${JSON.stringify(pages.url('/blank.html'))} }).then((w) => w.incognito)`,
      );
      expect(incognito).toBe(true);
      privateContext = await waitFor('the private window’s tab', async () => {
        return (await topContexts()).find((context) => !before.has(context));
      });
      firefox.use(privateContext);
      await firefox.openExtensionPage('sidepanel.html', { from: pages.url('/blank.html') });
      expect(await firefox.evaluate<boolean>('browser.extension.inIncognitoContext')).toBe(true);
      return on(() => privateContext);
    },
    async reloadPrivate() {
      firefox.use(privateContext);
      await firefox.openExtensionPage('sidepanel.html', { from: pages.url('/blank.html') });
    },
    async teardown() {
      await firefox.close();
      await pages.close();
      await mock.close();
    },
  };
});

privateWindowTests('Chromium', { insideWindow: false }, async () => {
  requireBuild(CHROME_E2E_BUILD);
  const mock = await startMockProvider();
  const pages = await startPageServer();
  const chrome = await launchChromiumWithExtension(CHROME_E2E_BUILD);
  await chrome.allowInIncognito();
  const normalPage: Page = await chrome.openExtensionPage('sidepanel.html');
  let privatePage: Page | undefined;
  let privateTab = 0;
  let current: PanelDriver | undefined;
  // The private panel's driver follows its page across reloads.
  const privateDriver: PanelDriver = {
    fill: (...args) => current!.fill(...args),
    select: (...args) => current!.select(...args),
    click: (...args) => current!.click(...args),
    evaluate: (expression) => current!.evaluate(expression),
    waitFor: (...args) => current!.waitFor(...args),
  };
  return {
    mock,
    normal: chromiumDriver(normalPage),
    async openPrivate() {
      const window = await normalPage.evaluate<{ incognito: boolean; tab: number }>(
        `chrome.windows.create({ incognito: true, url: ${JSON.stringify(pages.url('/blank.html'))} }).then((w) => ({ incognito: w.incognito, tab: w.tabs[0].id }))`,
      );
      expect(window.incognito).toBe(true);
      privateTab = window.tab;
      privatePage = await chrome.openExtensionPage(`sidepanel.html?tab=${privateTab}`);
      current = chromiumDriver(privatePage);
      return privateDriver;
    },
    async reloadPrivate() {
      await privatePage!.close();
      privatePage = await chrome.openExtensionPage(`sidepanel.html?tab=${privateTab}`);
      current = chromiumDriver(privatePage);
    },
    async teardown() {
      await chrome.close();
      await pages.close();
      await mock.close();
    },
  };
});
