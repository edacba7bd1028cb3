/**
 * Actions users write themselves, in real Chromium and real Firefox, against the mock
 * provider: an action made in Settings › Actions (name and template, with its live preview)
 * appears in the context menu's entries once saved, and running its entry on a selection in
 * a loopback page sends the filled template (the selection fenced, {{url}} and {{language}}
 * filled) to the provider.
 *
 * Neither browser lets a test read a context menu back or click it, so the e2e build's
 * background answers two test-only messages (src/background/e2e-hooks.ts): the entries it
 * created, and a click on one, which goes through the very handler a real click calls.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockProvider, type MockProvider } from '../mock-provider/server.ts';
import { launchChromiumWithExtension, type ChromiumExtension } from './harness/chromium.ts';
import { launchFirefoxWithExtension, type FirefoxExtension } from './harness/firefox.ts';
import { ARTICLE_PASSAGE, selectTextExpression, startPageServer, type PageServer } from './harness/pages.ts';
import { CHROME_E2E_BUILD, FIREFOX_E2E_BUILD, requireBuild, waitFor } from './harness/paths.ts';
import { tabIdOfUrl } from './harness/driver.ts';

interface Driver {
  /** Types into the last element with this test id. */
  fill(testId: string, value: string): Promise<void>;
  /** Clicks the last element with this test id. */
  click(testId: string): Promise<void>;
  /** Clicks the first element matching a CSS selector. */
  clickAt(selector: string): Promise<void>;
  evaluate<T>(expression: string): Promise<T>;
  waitFor(expression: string, what: string, timeoutMs?: number): Promise<void>;
  /** Selects the article's passage in its tab. */
  selectInArticle(): Promise<string>;
}

interface MenuEntry {
  id: string;
  title: string;
  actionId: string;
}

const testid = (id: string) => `[data-testid="${id}"]`;
const last = (id: string) => `[...document.querySelectorAll('${testid(id)}')].at(-1)`;
const api = `(globalThis.browser ?? globalThis.chrome)`;
const MENU_ENTRIES = `${api}.runtime.sendMessage({ type: 'aside-e2e:menu-entries' })`;
const answerText = `[...document.querySelectorAll('[data-testid="answer-text"]')].at(-1)?.textContent ?? null`;

interface ChatBody {
  messages: { role: string; content: string }[];
}
const chatBodies = (mock: MockProvider) => mock.requests.filter((r) => r.chat).map((r) => r.body as ChatBody);

const TEMPLATE = 'Write a haiku in {{language}} about {{selection}} Source: {{url}}';

function userActionTests(
  name: string,
  setup: () => Promise<{ driver: Driver; mock: MockProvider; pages: PageServer; teardown(): Promise<void> }>,
) {
  describe(`user actions in ${name}`, () => {
    let driver: Driver;
    let mock: MockProvider;
    let pages: PageServer;
    let teardown: () => Promise<void>;

    beforeAll(async () => {
      ({ driver, mock, pages, teardown } = await setup());
      // Generous: the first start of a browser under load is slow.
      await driver.waitFor(`document.querySelector('${testid('settings-form')}')`, 'the settings form', 30_000);
      await driver.fill('api-key', 'sk-ant-e2e-user-actions');
      await driver.fill('base-url', mock.url);
      await driver.click('save-settings');
      await driver.waitFor(`document.querySelector('${testid('composer')}')`, 'the composer', 30_000);
    });

    afterAll(async () => {
      await teardown?.();
    });

    it('starts with the built-in actions in the menu, in order', async () => {
      await driver.waitFor(`(async () => (await ${MENU_ENTRIES}).length === 6)()`, 'the built-in menu entries');
      const entries = await driver.evaluate<MenuEntry[]>(MENU_ENTRIES);
      expect(entries.map((entry) => entry.id)).toEqual([
        'aside-summarize',
        'aside-explain',
        'aside-translate',
        'aside-simplify',
        'aside-key-points',
        'aside-ask',
      ]);
      expect(entries[0]?.title).toBe('Summarize with Aside');
    });

    it('an action made in settings shows a live preview, and once saved is in the context menu', async () => {
      await driver.click('open-settings');
      await driver.waitFor(`document.querySelector('${testid('actions-settings')}')`, 'Settings › Actions');
      // The list is read from storage after the section appears: count its rows once they are there.
      await driver.waitFor(`document.querySelectorAll('${testid('action-row')}').length > 0`, 'the actions list');
      const rowsBefore = await driver.evaluate<number>(`document.querySelectorAll('${testid('action-row')}').length`);
      await driver.click('action-add');
      await driver.waitFor(`document.querySelectorAll('${testid('action-row')}').length === ${rowsBefore + 1}`, 'the new row');
      // Focus moved to the new action's name.
      await driver.waitFor(`document.activeElement === ${last('action-name')}`, 'focus on the new name');
      await driver.fill('action-name', 'Haiku');
      await driver.fill('action-template', 'Hi {{selecton}}');
      await driver.waitFor(`${last('action-issues')}?.textContent.includes('selecton')`, 'the unknown placeholder to be reported');
      await driver.fill('action-template', TEMPLATE);
      await driver.waitFor(`!${last('action-issues')}`, 'the issue to go');
      const preview = await driver.evaluate<string>(`${last('action-preview')}.textContent`);
      expect(preview).toMatch(
        /^Write a haiku in .+ about <selected_text-[0-9a-f]{16} source="https:\/\/example\.com\/article" title="The page title">\n/,
      );
      expect(preview).toMatch(
        /The text you select on the page\.\n<\/selected_text-[0-9a-f]{16}> Source: https:\/\/example\.com\/article$/,
      );
      await driver.click('action-save');
      await driver.waitFor(
        `document.querySelector('${testid('actions-status')}')?.getAttribute('data-kind') === 'saved'`,
        'Actions saved',
      );
      await driver.waitFor(`(async () => (await ${MENU_ENTRIES}).some((e) => e.title === 'Haiku'))()`, 'the new menu entry');
      const entries = await driver.evaluate<MenuEntry[]>(MENU_ENTRIES);
      expect(entries).toHaveLength(7);
      expect(entries.at(-1)).toMatchObject({ title: 'Haiku' });
      expect(entries.at(-1)?.id).toMatch(/^aside-u-[a-z0-9]+$/);

      // Moved to the top of the list, it is first in the menu too.
      const moveUp = `[data-testid="action-row"][data-kind="custom"] ${testid('action-move-up')}`;
      for (let i = 0; i < 6; i++) {
        await driver.clickAt(moveUp);
        // The row is re-inserted higher up; focus stays on its button (on Down once at the top).
        const focused = i < 5 ? moveUp : `[data-testid="action-row"][data-kind="custom"] ${testid('action-move-down')}`;
        await driver.waitFor(`document.activeElement === document.querySelector('${focused}')`, `focus after move ${i + 1}`);
      }
      expect(await driver.evaluate(`document.querySelector('${testid('action-row')}').getAttribute('data-kind')`)).toBe('custom');
      await driver.click('action-save');
      await driver.waitFor(`(async () => (await ${MENU_ENTRIES})[0]?.title === 'Haiku')()`, 'the entry to move first');
      await driver.click('open-settings'); // back to the conversation
      await driver.waitFor(`document.querySelector('${testid('composer')}')`, 'the composer');
    });

    it('its menu entry runs on the page selection and sends the filled template', async () => {
      const [entry] = await driver.evaluate<MenuEntry[]>(MENU_ENTRIES);
      expect(entry?.title).toBe('Haiku');
      expect(await driver.selectInArticle()).toBe(ARTICLE_PASSAGE);
      const before = chatBodies(mock).length;
      mock.enqueue({ text: ['Quick brown fox, ', 'orchestra tunes.'], delayMs: 5 });
      const articleUrl = pages.url('/article.html');
      const clicked = await driver.evaluate<{ clicked: boolean }>(
        `${api}.runtime.sendMessage({ type: 'aside-e2e:menu-click', menuItemId: ${JSON.stringify(entry!.id)}, url: ${JSON.stringify(articleUrl)} })`,
      );
      expect(clicked).toEqual({ clicked: true });
      await driver.waitFor(`(${answerText}) === 'Quick brown fox, orchestra tunes.'`, 'the answer', 30_000);
      const bodies = chatBodies(mock);
      expect(bodies.length).toBe(before + 1);
      const language = await driver.evaluate<string>(`new Intl.DisplayNames(['en'], { type: 'language' }).of(navigator.language)`);
      // The fence is random per request: read it from the opening tag, then compare exactly.
      const sent = bodies.at(-1)!.messages;
      const fence = /<selected_text-([0-9a-f]{16}) /.exec(sent[0]?.content ?? '')?.[1];
      expect(fence).toBeDefined();
      expect(sent).toEqual([
        {
          role: 'user',
          content: `Write a haiku in ${language} about <selected_text-${fence} source="${articleUrl}" title="Aside test article">\n${ARTICLE_PASSAGE}\n</selected_text-${fence}> Source: ${articleUrl}`,
        },
      ]);
      // The panel shows the action's name as the question, not the whole prompt.
      expect(await driver.evaluate(`${last('question')}.querySelector('.question-text').textContent`)).toBe('Haiku');
    });
  });
}

userActionTests('Chromium', async () => {
  requireBuild(CHROME_E2E_BUILD);
  const mock = await startMockProvider();
  const pages = await startPageServer();
  const chrome: ChromiumExtension = await launchChromiumWithExtension(CHROME_E2E_BUILD);
  const article: Page = await chrome.context.newPage();
  await article.goto(pages.url('/article.html'));
  const panel: Page = await chrome.openExtensionPage('sidepanel.html');
  // The article tab's panel (as its side panel would be): a hand-off goes to its own tab's panel only.
  const articleTabId = await panel.evaluate<number>(tabIdOfUrl(pages.url('/article.html')));
  await panel.goto(panel.url().replace(/sidepanel\.html.*$/, `sidepanel.html?tab=${articleTabId}`));
  await panel.setViewportSize({ width: 400, height: 800 });
  const driver: Driver = {
    fill: (id, value) => panel.locator(testid(id)).last().fill(value),
    click: (id) => panel.locator(testid(id)).last().click(),
    clickAt: (selector) => panel.locator(selector).first().click(),
    evaluate: (expression) => panel.evaluate(expression),
    // Polled with evaluate: waitForFunction with a string needs eval, which the panel's CSP forbids.
    waitFor: async (expression, what, timeoutMs = 10_000) => {
      await waitFor(what, async () => ((await panel.evaluate(expression)) ? true : undefined), { timeoutMs });
    },
    selectInArticle: () => article.evaluate<string>(selectTextExpression('#passage')),
  };
  return {
    driver,
    mock,
    pages,
    teardown: async () => {
      await chrome.close();
      await pages.close();
      await mock.close();
    },
  };
});

userActionTests('Firefox', async () => {
  requireBuild(FIREFOX_E2E_BUILD);
  const mock = await startMockProvider();
  const pages = await startPageServer();
  const firefox: FirefoxExtension = await launchFirefoxWithExtension(FIREFOX_E2E_BUILD);
  await firefox.openExtensionPage('sidepanel.html', { from: pages.url('/blank.html') });
  const panelTab = firefox.context;
  const articleTab = await firefox.newTab(pages.url('/article.html'));
  // The article tab's panel (as the sidebar beside it would be): a hand-off goes to its own tab's panel only.
  firefox.use(panelTab);
  const articleTabId = await firefox.evaluate<number>(tabIdOfUrl(pages.url('/article.html')));
  await firefox.openExtensionPage(`sidepanel.html?tab=${articleTabId}`, { from: pages.url('/blank.html') });
  const driver: Driver = {
    fill: async (id, value) => {
      await firefox.evaluate(
        `(() => { const el = ${last(id)}; el.focus(); el.value = ${JSON.stringify(value)}; el.dispatchEvent(new Event('input', { bubbles: true })); return true; })()`,
      );
    },
    click: async (id) => {
      await firefox.evaluate(
        `(() => { const all = document.querySelectorAll('${testid(id)}'); all.forEach((el, i) => i === all.length - 1 ? el.setAttribute('data-e2e-target', '') : el.removeAttribute('data-e2e-target')); return all.length > 0; })()`,
      );
      await firefox.click(`${testid(id)}[data-e2e-target]`);
    },
    clickAt: (selector) => firefox.click(selector),
    evaluate: (expression) => firefox.evaluate(expression),
    waitFor: async (expression, what, timeoutMs = 10_000) => {
      await firefox.waitFor(expression, { what, timeoutMs });
    },
    selectInArticle: () => firefox.evaluate<string>(selectTextExpression('#passage'), { context: articleTab }),
  };
  return {
    driver,
    mock,
    pages,
    teardown: async () => {
      await firefox.close();
      await pages.close();
      await mock.close();
    },
  };
});
