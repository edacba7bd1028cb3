/**
 * Conversations that are never lost, one per tab, in real Chromium and Firefox against the
 * mock provider: two tabs keep two conversations (each panel bound to its tab with
 * `sidepanel.html?tab=ID`), closing and reopening a panel gives its tab's conversation back,
 * and restarting the browser with the same profile keeps history in IndexedDB.
 *
 * Firefox: a temporary add-on's data goes with it when Firefox closes, so for the restart the
 * harness keeps the profile and installs Aside into it permanently (an unsigned XPI, which
 * Firefox ESR accepts with signatures off), with the same moz-extension UUID on both launches.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockProvider, type MockProvider } from '../mock-provider/server.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './harness/chromium.ts';
import { launchFirefoxWithExtension, type FirefoxExtension } from './harness/firefox.ts';
import { startPageServer, type PageServer } from './harness/pages.ts';
import { CHROME_E2E_BUILD, FIREFOX_E2E_BUILD, requireBuild, waitFor } from './harness/paths.ts';

const API_KEY = 'sk-ant-e2e-history';

let mock: MockProvider;
let pages: PageServer;

beforeAll(async () => {
  mock = await startMockProvider();
  pages = await startPageServer({ '/sea.html': '<!doctype html><html><head><title>Sea page</title></head><body>Sea</body></html>' });
});
afterAll(async () => {
  await pages?.close();
  await mock?.close();
});

/** Every stored conversation's turns, read straight from the history database (panel origin). */
const READ_HISTORY = `new Promise((resolve, reject) => {
  const open = indexedDB.open('aside-history');
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const db = open.result;
    const all = db.transaction('conversations').objectStore('conversations').getAll();
    all.onsuccess = () => { resolve(all.result.map((c) => ({ page: c.page, turns: c.turns.map((t) => t.role + ':' + t.text + (t.status ? ':' + t.status : '')) }))); db.close(); };
    all.onerror = () => reject(all.error);
  };
})`;

type StoredView = { page?: { title: string; url: string }; turns: string[] };

const TURNS_ON_SCREEN = `[...document.querySelectorAll('[data-testid="question"], [data-testid="answer"]')].map((el) =>
  el.getAttribute('data-testid') === 'answer'
    ? 'assistant:' + (el.querySelector('[data-testid="answer-text"]')?.textContent ?? '') + ':' + el.getAttribute('data-status')
    : 'user:' + (el.textContent ?? '').replace(/Edit$/, ''))`;

describe('history in Chromium', () => {
  let profileDir: string;
  let context: BrowserContext;
  let baseUrl: string;

  async function launch() {
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [`--disable-extensions-except=${CHROME_E2E_BUILD}`, `--load-extension=${CHROME_E2E_BUILD}`, ...CHROMIUM_ARGS],
    });
    const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
    baseUrl = `chrome-extension://${new URL(worker.url()).host}`;
    return worker;
  }

  async function tabIdOf(url: string): Promise<number> {
    const worker = context.serviceWorkers()[0]!;
    return waitFor(`the tab of ${url}`, () =>
      worker.evaluate(
        async (want) =>
          (
            await (
              globalThis as unknown as { chrome: { tabs: { query(q: object): Promise<{ url?: string; id?: number }[]> } } }
            ).chrome.tabs.query({})
          ).find((tab) => tab.url === want)?.id,
        url,
      ),
    );
  }

  async function openPanel(tabId: number): Promise<Page> {
    const panel = await context.newPage();
    await panel.goto(`${baseUrl}/sidepanel.html?tab=${tabId}`);
    return panel;
  }

  async function ask(panel: Page, question: string, answer: string[]) {
    mock.enqueue({ text: answer, delayMs: 60 });
    await panel.fill('[data-testid="composer"]', question);
    await panel.click('[data-testid="send"]');
    await waitFor(`the answer to "${question}"`, async () =>
      (await panel.evaluate<string[]>(TURNS_ON_SCREEN)).includes(`assistant:${answer.join('')}:complete`) ? true : undefined,
    );
  }

  beforeAll(async () => {
    requireBuild(CHROME_E2E_BUILD);
    profileDir = await mkdtemp(join(tmpdir(), 'aside-history-chromium-'));
    await launch();
  });
  afterAll(async () => {
    await context?.close().catch(() => {});
    await rm(profileDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }).catch(() => {});
  });

  it('two tabs keep two conversations; a closed and reopened panel gets its tab’s back; a restart keeps history', async () => {
    const article = await context.newPage();
    await article.goto(pages.url('/article.html'));
    const sea = await context.newPage();
    await sea.goto(pages.url('/sea.html'));
    const articleTab = await tabIdOf(pages.url('/article.html'));
    const seaTab = await tabIdOf(pages.url('/sea.html'));

    const panelA = await openPanel(articleTab);
    await panelA.locator('[data-testid="settings-form"]').waitFor();
    await panelA.fill('[data-testid="api-key"]', API_KEY);
    await panelA.fill('[data-testid="base-url"]', mock.url);
    await panelA.click('[data-testid="save-settings"]');
    await panelA.locator('[data-testid="composer"]').waitFor();
    await ask(panelA, 'What about the fox?', ['The fox ', 'jumps.']);

    const panelB = await openPanel(seaTab);
    await panelB.locator('[data-testid="composer"]').waitFor();
    expect(await panelB.evaluate(TURNS_ON_SCREEN)).toEqual([]);
    await ask(panelB, 'Why is the sea salty?', ['Rivers ', 'bring salt.']);

    // Tab A's panel never saw tab B's chat.
    expect(await panelA.evaluate(TURNS_ON_SCREEN)).toEqual(['user:What about the fox?', 'assistant:The fox jumps.:complete']);

    // Closing and reopening a panel gives its tab's conversation back.
    await panelA.close();
    const againA = await openPanel(articleTab);
    // Both turns, and the answer's text: the renderer loads lazily, so it is drawn a moment after the turn.
    await waitFor('tab A’s conversation to come back', async () => {
      const turns = await againA.evaluate<string[]>(TURNS_ON_SCREEN);
      return turns.length === 2 && turns[1] !== 'assistant::complete' ? true : undefined;
    });
    expect(await againA.evaluate(TURNS_ON_SCREEN)).toEqual(['user:What about the fox?', 'assistant:The fox jumps.:complete']);

    // Both are in history, each with its page.
    const before = await againA.evaluate<StoredView[]>(READ_HISTORY);
    expect(before).toHaveLength(2);
    const byPage = (view: StoredView[], url: string) => view.find((c) => c.page?.url === url);
    expect(byPage(before, pages.url('/article.html'))?.turns).toEqual([
      'user:What about the fox?',
      'assistant:The fox jumps.:complete',
    ]);
    expect(byPage(before, pages.url('/sea.html'))?.page?.title).toBe('Sea page');

    // Restart the browser with the same profile: history is still there.
    await context.close();
    await launch();
    const after = await context.newPage();
    await after.goto(`${baseUrl}/sidepanel.html`);
    const kept = await waitFor<StoredView[]>('history after the restart', async () => {
      const view = await after.evaluate<StoredView[]>(READ_HISTORY);
      return view.length === 2 ? view : undefined;
    });
    expect(byPage(kept, pages.url('/article.html'))?.turns).toEqual(['user:What about the fox?', 'assistant:The fox jumps.:complete']);
    expect(byPage(kept, pages.url('/sea.html'))?.turns).toEqual([
      'user:Why is the sea salty?',
      'assistant:Rivers bring salt.:complete',
    ]);
  });
});

describe('history in Firefox', () => {
  let firefox: FirefoxExtension;

  const turnsOnScreen = (context: string) => firefox.evaluate<string[]>(TURNS_ON_SCREEN, { context });

  async function ask(context: string, question: string, answer: string[]) {
    mock.enqueue({ text: answer, delayMs: 60 });
    await firefox.evaluate(
      `(() => { const el = document.querySelector('[data-testid="composer"]'); el.value = ${JSON.stringify(question)};
        el.dispatchEvent(new Event('input', { bubbles: true })); return true; })()`,
      { context },
    );
    await firefox.click('[data-testid="send"]', { context });
    await waitFor(`the answer to "${question}"`, async () =>
      (await turnsOnScreen(context)).includes(`assistant:${answer.join('')}:complete`) ? true : undefined,
    );
  }

  let profile: { dir: string; uuid: string };
  beforeAll(async () => {
    requireBuild(FIREFOX_E2E_BUILD);
    profile = { dir: join(await mkdtemp(join(tmpdir(), 'aside-history-firefox-')), 'profile'), uuid: randomUUID() };
    firefox = await launchFirefoxWithExtension(FIREFOX_E2E_BUILD, { keptProfile: profile });
  });
  afterAll(async () => {
    await firefox?.close();
    await rm(join(profile.dir, '..'), { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }).catch(() => {});
  });

  it('two tabs keep two conversations; a closed and reopened panel gets its tab’s back; a restart keeps history', async () => {
    // Two pages, then a panel bound to each (their tab ids, read through the API from a panel).
    const first = firefox.context;
    await firefox.navigate(pages.url('/article.html'));
    await firefox.newTab(pages.url('/sea.html'));
    const panelOne = await firefox.newTab(pages.url('/blank.html'));
    firefox.use(panelOne);
    await firefox.openExtensionPage('sidepanel.html');
    const ids = await firefox.evaluate<{ article: number; sea: number }>(
      `browser.tabs.query({}).then((tabs) => ({ article: tabs.find((t) => t.url === ${JSON.stringify(pages.url('/article.html'))}).id,
        sea: tabs.find((t) => t.url === ${JSON.stringify(pages.url('/sea.html'))}).id }))`,
    );
    await firefox.openExtensionPage(`sidepanel.html?tab=${ids.article}`, { from: pages.url('/blank.html') });
    await firefox.waitFor(`document.querySelector('[data-testid="settings-form"]')`, { what: 'settings' });
    for (const [testId, value] of [
      ['api-key', API_KEY],
      ['base-url', mock.url],
    ]) {
      await firefox.evaluate(
        `(() => { const el = document.querySelector('[data-testid="${testId}"]'); el.value = ${JSON.stringify(value)};
          el.dispatchEvent(new Event('input', { bubbles: true })); return true; })()`,
      );
    }
    await firefox.click('[data-testid="save-settings"]');
    await firefox.waitFor(`document.querySelector('[data-testid="composer"]')`, { what: 'composer' });
    await ask(panelOne, 'What about the fox?', ['The fox ', 'jumps.']);

    const panelTwo = await firefox.newTab(pages.url('/blank.html'));
    firefox.use(panelTwo);
    await firefox.openExtensionPage(`sidepanel.html?tab=${ids.sea}`, { from: pages.url('/blank.html') });
    await firefox.waitFor(`document.querySelector('[data-testid="composer"]')`, { what: 'composer' });
    expect(await turnsOnScreen(panelTwo)).toEqual([]);
    await ask(panelTwo, 'Why is the sea salty?', ['Rivers ', 'bring salt.']);
    expect(await turnsOnScreen(panelOne)).toEqual(['user:What about the fox?', 'assistant:The fox jumps.:complete']);

    // Close panel one (navigate away) and open it again.
    firefox.use(panelOne);
    await firefox.navigate(pages.url('/blank.html'));
    await firefox.openExtensionPage(`sidepanel.html?tab=${ids.article}`, { from: pages.url('/blank.html') });
    const back = await waitFor('tab one’s conversation to come back', async () => {
      const turns = await turnsOnScreen(panelOne);
      return turns.includes('assistant:The fox jumps.:complete') ? turns : undefined;
    });
    expect(back).toEqual(['user:What about the fox?', 'assistant:The fox jumps.:complete']);

    // Both in history (the background's IndexedDB, read from the panel's same origin).
    const stored = await firefox.evaluate<StoredView[]>(READ_HISTORY, { context: panelOne });
    expect(stored.map((c) => c.turns[0] ?? '').sort((a, b) => a.localeCompare(b))).toEqual([
      'user:What about the fox?',
      'user:Why is the sea salty?',
    ]);
    firefox.use(first);

    // Restart Firefox with the same profile: history is still there, answers and all.
    await firefox.close();
    firefox = await launchFirefoxWithExtension(FIREFOX_E2E_BUILD, { keptProfile: profile });
    // The same installation as before the restart, not a new one.
    expect(firefox.installedNow).toBe(false);
    await firefox.openExtensionPage('sidepanel.html', { from: pages.url('/blank.html') });
    const kept = await waitFor<StoredView[]>('history after the restart', async () => {
      const view = await firefox.evaluate<StoredView[]>(READ_HISTORY);
      return view.length === 2 ? view : undefined;
    });
    const turnsOf = (question: string) => kept.find((c) => c.turns[0] === `user:${question}`)?.turns;
    expect(turnsOf('What about the fox?')).toEqual(['user:What about the fox?', 'assistant:The fox jumps.:complete']);
    expect(turnsOf('Why is the sea salty?')).toEqual(['user:Why is the sea salty?', 'assistant:Rivers bring salt.:complete']);
  });
});
