/**
 * "Ask about this page" in real Chromium and real Firefox, against the mock provider: on a
 * local page with a big navigation, a header, a sidebar and a footer around an article, the
 * panel stages the page's readable text, and what reaches the provider is the article's
 * sentences (with its headings as lines) and none of the navigation. An empty page and a
 * page browsers protect give a clear notice instead.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockProvider, type MockProvider } from '../mock-provider/server.ts';
import { launchChromiumWithExtension, type ChromiumExtension } from './harness/chromium.ts';
import { launchFirefoxWithExtension, type FirefoxExtension } from './harness/firefox.ts';
import { startPageServer, type PageServer } from './harness/pages.ts';
import { CHROME_E2E_BUILD, FIREFOX_E2E_BUILD, requireBuild, waitFor } from './harness/paths.ts';
import { tabIdOfUrl } from './harness/driver.ts';

const NAV_WORD = 'Xylophonenavigation';
const SENTENCES = [
  'River otters dig their dens into quiet banks, with an entrance below the waterline so that no fox can follow them inside.',
  'They hunt mostly at dusk, feeling for fish and crayfish with their whiskers in water too muddy for their eyes to help.',
  'Their numbers fell through the last century, and have grown again since the rivers were cleaned and hunting them was stopped.',
];

const OTTER_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>About otters</title></head><body>
<header><p>The Otter Society · ${NAV_WORD} home</p></header>
<nav><ul>${Array.from({ length: 60 }, (_, i) => `<li><a href="/p${i}">${NAV_WORD} link ${i}</a></li>`).join('')}</ul></nav>
<main><article>
<h1>River otters</h1>
<p>${SENTENCES[0]} Dens are lined with grass and leaves, and a family may use several of them along one stretch of river.</p>
<h2>Hunting</h2>
<p>${SENTENCES[1]} An otter eats a fifth of its weight every day, so most of its waking hours go into finding food.</p>
<h2>Numbers</h2>
<p>${SENTENCES[2]} Surveys along the larger rivers now find their tracks in places where none had been seen for fifty years.</p>
</article></main>
<aside><p>Related: ${NAV_WORD} sidebar</p></aside>
<footer><p>Copyright ${NAV_WORD} footer</p></footer>
</body></html>`;

/** A one-page PDF saying `text`, with a correct cross-reference table (ASCII, so it travels as a string). */
function tinyPdf(text: string): string {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 144] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${`BT /F1 18 Tf 20 70 Td (${text}) Tj ET`.length} >>\nstream\nBT /F1 18 Tf 20 70 Td (${text}) Tj ET\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(pdf.length);
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) pdf += `${String(offset).padStart(10, '0')} 00000 n \n`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return pdf;
}

interface Driver {
  click(testId: string): Promise<void>;
  fill(testId: string, value: string): Promise<void>;
  evaluate<T>(expression: string): Promise<T>;
  waitFor(expression: string, what: string, timeoutMs?: number): Promise<void>;
}

const testid = (id: string) => `[data-testid="${id}"]`;
const api = `(globalThis.browser ?? globalThis.chrome)`;
const answerText = `[...document.querySelectorAll('[data-testid="answer-text"]')].at(-1)?.textContent ?? null`;
const noticeCode = `document.querySelector('${testid('notice')}')?.getAttribute('data-code') ?? null`;
const chatBodies = (mock: MockProvider) =>
  mock.requests.filter((r) => r.chat).map((r) => r.body as { messages: { role: string; content: string }[] });

function pageContextTests(
  name: string,
  /** A page the browser lets the tab open but no extension read (null: a test cannot open one). */
  restrictedUrl: string | null,
  setup: () => Promise<{ driver: Driver; mock: MockProvider; pages: PageServer; tabId: number; teardown(): Promise<void> }>,
) {
  describe(`the page as context in ${name}`, () => {
    let driver: Driver;
    let mock: MockProvider;
    let pages: PageServer;
    let tabId: number;
    let teardown: () => Promise<void>;

    /** Loads `url` in the page's tab and waits until it has (the tabs API shows no URL of a page we may not read). */
    const load = async (url: string) => {
      await driver.evaluate(`${api}.tabs.update(${tabId}, { url: ${JSON.stringify(url)} }).then(() => true)`);
      await driver.waitFor(
        `${api}.tabs.get(${tabId}).then((t) => t.status === 'complete' && (t.url === undefined || t.url === ${JSON.stringify(url)}))`,
        `the tab to load ${url}`,
        20_000,
      );
    };

    beforeAll(async () => {
      ({ driver, mock, pages, tabId, teardown } = await setup());
      await driver.waitFor(`document.querySelector('${testid('settings-form')}')`, 'the settings form', 30_000);
      await driver.fill('api-key', 'sk-ant-e2e-page-context');
      await driver.fill('base-url', mock.url);
      await driver.click('save-settings');
      await driver.waitFor(`document.querySelector('${testid('composer')}')`, 'the composer', 30_000);
    });

    afterAll(async () => {
      await teardown?.();
    });

    it('"Ask about this page" sends the article, with its headings, and not its navigation', async () => {
      await driver.click('use-page');
      await driver.waitFor(`document.querySelector('${testid('selection-card')}')`, 'the page card', 20_000);
      expect(await driver.evaluate(`document.querySelector('${testid('selection-label')}').textContent`)).toBe('The whole page');
      const staged = await driver.evaluate<string>(`document.querySelector('${testid('selection-text')}').textContent`);
      for (const sentence of SENTENCES) expect(staged).toContain(sentence);
      expect(staged).not.toContain(NAV_WORD);
      // Nothing staged any more hides the control; it is back once the page is asked about.
      expect(await driver.evaluate(`document.querySelector('${testid('use-page')}') === null`)).toBe(true);

      const before = chatBodies(mock).length;
      mock.enqueue({ text: ['Otters dig dens ', 'and hunt at dusk.'], delayMs: 5 });
      await driver.click('summarize');
      await driver.waitFor(`(${answerText}) === 'Otters dig dens and hunt at dusk.'`, 'the answer', 30_000);
      const bodies = chatBodies(mock);
      expect(bodies.length).toBe(before + 1);
      const sent = bodies
        .at(-1)!
        .messages.map((m) => m.content)
        .join('\n');
      for (const sentence of SENTENCES) expect(sent).toContain(sentence);
      expect(sent).toContain('## Hunting');
      expect(sent).toContain('title="About otters"');
      expect(sent).not.toContain(NAV_WORD);
      expect(sent).not.toContain('Copyright');
      await driver.waitFor(`document.querySelector('${testid('use-page')}')`, 'the control to come back');
    });

    it('an empty page gives a clear notice', async () => {
      await load(pages.url('/blank.html'));
      await driver.click('use-page');
      await driver.waitFor(`(${noticeCode}) === 'empty-page'`, 'the empty-page notice', 20_000);
      expect(await driver.evaluate(`document.querySelector('${testid('notice')}').textContent`)).toContain('no text to read');
      expect(await driver.evaluate(`document.querySelector('${testid('selection-card')}') === null`)).toBe(true);
    });

    it('a PDF in the browser’s viewer gives a clear notice', async () => {
      await load(pages.url('/paper.pdf'));
      await driver.click('use-page');
      await driver.waitFor(`(${noticeCode}) === 'pdf-page'`, 'the pdf-page notice', 20_000);
      expect(await driver.evaluate(`document.querySelector('${testid('notice')}').textContent`)).toContain('cannot read a PDF');
      await driver.click('notice-dismiss');
    });

    // Firefox lets no extension open one of its protected pages (tabs.update refuses privileged
    // about: URLs), so this runs only where a test can reach one: Chromium's chrome://version.
    it.skipIf(restrictedUrl === null)('a page browsers protect gives a clear notice', async () => {
      await load(restrictedUrl!);
      await driver.click('use-page');
      await driver.waitFor(`(${noticeCode}) === 'restricted-page'`, 'the restricted-page notice', 20_000);
      expect(await driver.evaluate(`document.querySelector('${testid('notice')}').textContent`)).toContain(
        'Browsers do not let extensions read this page',
      );
    });
  });
}

pageContextTests('Chromium', 'chrome://version/', async () => {
  requireBuild(CHROME_E2E_BUILD);
  const mock = await startMockProvider();
  const pages = await startPageServer({ '/otters.html': OTTER_PAGE, '/paper.pdf': tinyPdf('Otter paper') });
  const chrome: ChromiumExtension = await launchChromiumWithExtension(CHROME_E2E_BUILD);
  const page: Page = await chrome.context.newPage();
  await page.goto(pages.url('/otters.html'));
  const panel: Page = await chrome.openExtensionPage('sidepanel.html');
  // The page tab's panel (as its side panel would be): reads go to that tab.
  const tabId = await panel.evaluate<number>(tabIdOfUrl(pages.url('/otters.html')));
  await panel.goto(panel.url().replace(/sidepanel\.html.*$/, `sidepanel.html?tab=${tabId}`));
  await panel.setViewportSize({ width: 400, height: 800 });
  const driver: Driver = {
    fill: (id, value) => panel.locator(testid(id)).last().fill(value),
    click: (id) => panel.locator(testid(id)).last().click(),
    evaluate: (expression) => panel.evaluate(expression),
    // Polled with evaluate: waitForFunction with a string needs eval, which the panel's CSP forbids.
    waitFor: async (expression, what, timeoutMs = 10_000) => {
      await waitFor(what, async () => ((await panel.evaluate(expression)) ? true : undefined), { timeoutMs });
    },
  };
  return {
    driver,
    mock,
    pages,
    tabId,
    teardown: async () => {
      await chrome.close();
      await pages.close();
      await mock.close();
    },
  };
});

pageContextTests('Firefox', null, async () => {
  requireBuild(FIREFOX_E2E_BUILD);
  const mock = await startMockProvider();
  const pages = await startPageServer({ '/otters.html': OTTER_PAGE, '/paper.pdf': tinyPdf('Otter paper') });
  const firefox: FirefoxExtension = await launchFirefoxWithExtension(FIREFOX_E2E_BUILD);
  await firefox.openExtensionPage('sidepanel.html', { from: pages.url('/blank.html') });
  const panelTab = firefox.context;
  await firefox.newTab(pages.url('/otters.html'));
  firefox.use(panelTab);
  const tabId = await firefox.evaluate<number>(tabIdOfUrl(pages.url('/otters.html')));
  // The page tab's panel (as the sidebar beside it would be): reads go to that tab.
  await firefox.openExtensionPage(`sidepanel.html?tab=${tabId}`, { from: pages.url('/blank.html') });
  const driver: Driver = {
    fill: async (id, value) => {
      await firefox.evaluate(
        `(() => { const el = document.querySelector('${testid(id)}'); el.focus(); el.value = ${JSON.stringify(value)}; el.dispatchEvent(new Event('input', { bubbles: true })); return true; })()`,
      );
    },
    click: (id) => firefox.click(testid(id)),
    evaluate: (expression) => firefox.evaluate(expression),
    waitFor: async (expression, what, timeoutMs = 10_000) => {
      await firefox.waitFor(expression, { what, timeoutMs });
    },
  };
  return {
    driver,
    mock,
    pages,
    tabId,
    teardown: async () => {
      await firefox.close();
      await pages.close();
      await mock.close();
    },
  };
});
