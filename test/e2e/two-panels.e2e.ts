/**
 * Two panels, two streams, one stopped (issue #10), in real Chromium and real Firefox: two
 * panels bound to two tabs stream two answers at the same time from the mock provider; Stop
 * in the first ends only the first (its text kept, marked stopped, its connection closed as
 * the server sees it), while the second streams on to its last word, complete. Neither panel
 * shows a word of the other's answer.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockProvider, type MockProvider, type Scenario } from '../mock-provider/server.ts';
import { launchChromiumWithExtension, type ChromiumExtension } from './harness/chromium.ts';
import { launchFirefoxWithExtension, type FirefoxExtension } from './harness/firefox.ts';
import { startPageServer, type PageServer } from './harness/pages.ts';
import { CHROME_E2E_BUILD, FIREFOX_E2E_BUILD, requireBuild, waitFor } from './harness/paths.ts';

const API_KEY = 'sk-ant-e2e-two-panels';
const WORDS = 40;
/** The answer names the panel it is for (from the question), word by word, 80 ms apart. */
const tagged: Scenario = {
  answer: (question) => {
    const tag = question.includes('alpha') ? 'alpha' : 'beta';
    return Array.from({ length: WORDS }, (_, i) => `${tag}${i} `);
  },
  delayMs: 80,
};
const fullAnswer = (tag: string) => Array.from({ length: WORDS }, (_, i) => `${tag}${i} `).join('');

const LAST_ANSWER = `(() => {
  const all = document.querySelectorAll('[data-testid="answer"]');
  const el = all[all.length - 1];
  return el ? { status: el.getAttribute('data-status'), text: el.querySelector('[data-testid="answer-text"]')?.textContent ?? '' } : null;
})()`;
type View = { status: string; text: string } | null;
const setComposer = (value: string) => `(() => {
  const el = document.querySelector('[data-testid="composer"]');
  el.value = ${JSON.stringify(value)};
  el.dispatchEvent(new Event('input', { bubbles: true }));
  return true;
})()`;

let mock: MockProvider;
let pages: PageServer;
beforeAll(async () => {
  mock = await startMockProvider();
  pages = await startPageServer({ '/sea.html': '<!doctype html><title>Sea page</title><p>The sea.</p>' });
});
afterAll(async () => {
  await pages?.close();
  await mock?.close();
});

/** The request whose question names `tag`, and whether its client closed the connection before the end. */
async function serverSaw(tag: string): Promise<{ clientClosed: boolean }> {
  const request = mock.requests.find((r) => r.chat && JSON.stringify(r.body).includes(`${tag} question`));
  expect(request, `a request for ${tag}`).toBeDefined();
  return mock.responseFinished(request!.index, 15_000);
}

/** Both browsers: ask in both panels, stop the first while both stream, check both ends. */
async function twoStreamsOneStopped(panel: {
  evaluate<T>(which: 'one' | 'two', expression: string): Promise<T>;
  click(which: 'one' | 'two', selector: string): Promise<void>;
}) {
  mock.reset();
  mock.enqueue(tagged, tagged);
  await panel.evaluate('one', setComposer('The alpha question'));
  await panel.click('one', '[data-testid="send"]');
  await panel.evaluate('two', setComposer('The beta question'));
  await panel.click('two', '[data-testid="send"]');
  // Both stream at once: each shows some of its own words before either ends.
  await waitFor('both panels streaming', async () => {
    const [one, two] = [await panel.evaluate<View>('one', LAST_ANSWER), await panel.evaluate<View>('two', LAST_ANSWER)];
    return one?.status === 'streaming' && two?.status === 'streaming' && one.text.includes('alpha2') && two.text.includes('beta2')
      ? true
      : undefined;
  });
  await panel.click('one', '[data-testid="stop"]');

  const one = await waitFor('the first answer stopped', async () => {
    const view = await panel.evaluate<View>('one', LAST_ANSWER);
    return view && view.status !== 'streaming' ? view : undefined;
  });
  expect(one.status).toBe('stopped');
  expect(one.text.startsWith('alpha0 alpha1 alpha2')).toBe(true);
  expect(one.text.length).toBeLessThan(fullAnswer('alpha').length);
  const two = await waitFor(
    'the second answer complete',
    async () => {
      const view = await panel.evaluate<View>('two', LAST_ANSWER);
      return view && view.status !== 'streaming' ? view : undefined;
    },
    { timeoutMs: 20_000 },
  );
  expect(two.status).toBe('complete');
  // The renderer draws the last words at the next frame.
  await waitFor('the second answer’s last word', async () =>
    (await panel.evaluate<View>('two', LAST_ANSWER))?.text.includes(`beta${WORDS - 1}`) ? true : undefined,
  ).catch(() => undefined);
  expect((await panel.evaluate<View>('two', LAST_ANSWER))?.text.trim()).toBe(fullAnswer('beta').trim());
  expect(one.text).not.toContain('beta');
  expect((await panel.evaluate<View>('two', LAST_ANSWER))?.text).not.toContain('alpha');
  expect(await serverSaw('alpha')).toEqual({ clientClosed: true });
  expect(await serverSaw('beta')).toEqual({ clientClosed: false });
}

describe('Chromium', () => {
  let chromium: ChromiumExtension;
  let panels: Record<'one' | 'two', Page>;
  beforeAll(async () => {
    chromium = await launchChromiumWithExtension(requireBuild(CHROME_E2E_BUILD));
    const one = await chromium.openExtensionPage('sidepanel.html');
    await one.locator('[data-testid="settings-form"]').waitFor();
    await one.fill('[data-testid="api-key"]', API_KEY);
    await one.fill('[data-testid="base-url"]', mock.url);
    await one.click('[data-testid="save-settings"]');
    await one.locator('[data-testid="composer"]').waitFor();
    const two = await chromium.openExtensionPage('sidepanel.html');
    await two.locator('[data-testid="composer"]').waitFor();
    panels = { one, two };
  });
  afterAll(async () => {
    await chromium?.close();
  });

  it('two panels stream two answers; Stop in one ends only that one', async () => {
    await twoStreamsOneStopped({
      evaluate: (which, expression) => panels[which].evaluate(expression),
      click: (which, selector) => panels[which].click(selector),
    });
  });
});

describe('Firefox', () => {
  let firefox: FirefoxExtension;
  let contexts: Record<'one' | 'two', string>;
  beforeAll(async () => {
    firefox = await launchFirefoxWithExtension(requireBuild(FIREFOX_E2E_BUILD));
    // Two pages, then a panel bound to each (as history.e2e.ts does).
    await firefox.navigate(pages.url('/article.html'));
    await firefox.newTab(pages.url('/sea.html'));
    const one = await firefox.newTab(pages.url('/blank.html'));
    firefox.use(one);
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
    ] as const) {
      await firefox.evaluate(
        `(() => { const el = document.querySelector('[data-testid="${testId}"]'); el.value = ${JSON.stringify(value)};
          el.dispatchEvent(new Event('input', { bubbles: true })); return true; })()`,
      );
    }
    await firefox.click('[data-testid="save-settings"]');
    await firefox.waitFor(`document.querySelector('[data-testid="composer"]')`, { what: 'composer' });
    const two = await firefox.newTab(pages.url('/blank.html'));
    firefox.use(two);
    await firefox.openExtensionPage(`sidepanel.html?tab=${ids.sea}`, { from: pages.url('/blank.html') });
    await firefox.waitFor(`document.querySelector('[data-testid="composer"]')`, { what: 'composer' });
    contexts = { one, two };
  });
  afterAll(async () => {
    await firefox?.close();
  });

  it('two panels stream two answers; Stop in one ends only that one', async () => {
    await twoStreamsOneStopped({
      evaluate: (which, expression) => firefox.evaluate(expression, { context: contexts[which] }),
      click: (which, selector) => firefox.click(selector, { context: contexts[which] }),
    });
  });
});
