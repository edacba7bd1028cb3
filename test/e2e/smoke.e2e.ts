/**
 * Smoke test of the built e2e extension in real Chromium and real Firefox: the background
 * runs, sidepanel.html renders something into #app, and an extension page can read a
 * loopback page's selection with scripting.executeScript (the e2e-only host permission).
 *
 * Deliberately knows nothing about the panel's UI beyond `#app` being non-empty.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromiumWithExtension, type ChromiumExtension } from './harness/chromium.ts';
import { launchFirefoxWithExtension, type FirefoxExtension } from './harness/firefox.ts';
import { ARTICLE_PASSAGE, selectTextExpression, startPageServer, type PageServer } from './harness/pages.ts';
import { artifactPath, CHROME_E2E_BUILD, FIREFOX_E2E_BUILD, requireBuild } from './harness/paths.ts';

const APP_RENDERED = `(() => { const app = document.querySelector('#app'); return !!app && app.innerHTML.trim().length > 0; })()`;

/** Runs in an extension page: the selection of the loopback article tab, read through scripting.executeScript. */
const READ_SELECTION = `(async () => {
  const api = globalThis.browser ?? globalThis.chrome;
  const tabs = await api.tabs.query({ url: 'http://127.0.0.1/article.html' });
  if (tabs.length !== 1) throw new Error('expected one article tab, found ' + tabs.length + ' (tabs.query only matches URLs the extension has host permission for)');
  const [result] = await api.scripting.executeScript({ target: { tabId: tabs[0].id }, func: () => getSelection().toString() });
  return result.result;
})()`;

let pages: PageServer;
/** Counts every request; the panel's policy (default-src 'none', no frames, no remote images) must leave it at 0. */
let counter: { origin: string; hits: string[]; close(): Promise<void> };
beforeAll(async () => {
  pages = await startPageServer();
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>counted</title>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  counter = {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
});
afterAll(async () => {
  await pages?.close();
  await counter?.close();
});

/** Runs in the panel: what its policy lets through. Its own stylesheet must apply; a frame and a remote image must not load. */
const POLICY_PROBE = (origin: string) => `(async () => {
  const frame = document.createElement('iframe');
  frame.src = ${JSON.stringify(`${origin}/frame.html`)};
  document.body.append(frame);
  const image = new Image();
  image.src = ${JSON.stringify(`${origin}/image.png`)};
  document.body.append(image);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  frame.remove();
  image.remove();
  const sheets = [...document.styleSheets].filter((sheet) => { try { return sheet.cssRules.length > 0; } catch { return false; } });
  return { styled: sheets.length > 0 && getComputedStyle(document.body).margin === '0px' };
})()`;

describe('Chromium', () => {
  let chromium: ChromiumExtension;
  beforeAll(async () => {
    chromium = await launchChromiumWithExtension(requireBuild(CHROME_E2E_BUILD));
  });
  afterAll(async () => {
    await chromium?.close();
  });

  it('runs the background service worker', async () => {
    expect(chromium.serviceWorker.url()).toBe(`${chromium.baseUrl}/background.js`);
    const contexts = await chromium.serviceWorker.evaluate(() => {
      const chrome = (globalThis as unknown as { chrome: typeof browser }).chrome;
      return chrome.runtime.getContexts({ contextTypes: ['BACKGROUND'] });
    });
    expect(contexts).toHaveLength(1);
  });

  it('renders sidepanel.html in a tab and in the real side panel', async () => {
    const page = await chromium.openExtensionPage('sidepanel.html');
    // Polled with evaluate: waitForFunction with a string evaluates it again on each poll,
    // which the panel's CSP forbids (it only passed when #app was already rendered).
    await expect.poll(() => page.evaluate<boolean>(APP_RENDERED), { timeout: 10_000 }).toBe(true);
    const panel = await chromium.openSidePanel({ via: page });
    await expect.poll(() => panel.evaluate<boolean>(APP_RENDERED), { timeout: 10_000 }).toBe(true);
    await panel.screenshot(artifactPath('smoke-chromium-side-panel.png'));
    await panel.detach();
    await page.close();
  });

  it('the panel’s policy (default-src none) applies its own stylesheet and loads no frame and no remote image', async () => {
    const page = await chromium.openExtensionPage('sidepanel.html');
    await expect.poll(() => page.evaluate<boolean>(APP_RENDERED), { timeout: 10_000 }).toBe(true);
    counter.hits.length = 0;
    expect(await page.evaluate<{ styled: boolean }>(POLICY_PROBE(counter.origin))).toEqual({ styled: true });
    expect(counter.hits).toEqual([]);
    // The control: a web page, under no such policy, loads the same frame.
    const article = await chromium.context.newPage();
    await article.goto(pages.url('/article.html'));
    await article.evaluate(POLICY_PROBE(counter.origin));
    expect(counter.hits).toContain('/frame.html');
    await article.close();
    await page.close();
  });

  it('reads a loopback page selection with scripting.executeScript from an extension page', async () => {
    const article = await chromium.context.newPage();
    await article.goto(pages.url('/article.html'));
    expect(await article.evaluate(selectTextExpression('#passage'))).toBe(ARTICLE_PASSAGE);
    const extensionPage = await chromium.openExtensionPage('sidepanel.html');
    expect(await extensionPage.evaluate(READ_SELECTION)).toBe(ARTICLE_PASSAGE);
    await extensionPage.close();
    await article.close();
  });
});

describe('Firefox', () => {
  let firefox: FirefoxExtension;
  beforeAll(async () => {
    firefox = await launchFirefoxWithExtension(requireBuild(FIREFOX_E2E_BUILD));
  });
  afterAll(async () => {
    await firefox?.close();
  });

  it('installs the add-on with the pinned UUID', () => {
    expect(firefox.addonId).toBe('{fd090418-080b-4b81-9106-483dfcedb2aa}');
    expect(firefox.baseUrl).toMatch(/^moz-extension:\/\/[0-9a-f-]{36}$/);
  });

  it('renders sidepanel.html and runs the background page', async () => {
    await firefox.openExtensionPage('sidepanel.html', { from: pages.url('/blank.html') });
    await firefox.waitFor(APP_RENDERED, { what: '#app to render' });
    const background = await firefox.evaluate<{ href: string; ready: string; scripts: string[] }>(`(async () => {
      const bg = await browser.runtime.getBackgroundPage();
      return { href: bg.location.href, ready: bg.document.readyState, scripts: [...bg.document.scripts].map((s) => s.src) };
    })()`);
    expect(background).toEqual({
      href: `${firefox.baseUrl}/_generated_background_page.html`,
      ready: 'complete',
      scripts: [`${firefox.baseUrl}/background.js`],
    });
    await firefox.screenshot(artifactPath('smoke-firefox-sidepanel-tab.png'));
  });

  it('the panel’s policy (default-src none) applies its own stylesheet and loads no frame and no remote image', async () => {
    await firefox.openExtensionPage('sidepanel.html', { from: pages.url('/blank.html') });
    await firefox.waitFor(APP_RENDERED, { what: '#app to render' });
    counter.hits.length = 0;
    expect(await firefox.evaluate<{ styled: boolean }>(POLICY_PROBE(counter.origin))).toEqual({ styled: true });
    expect(counter.hits).toEqual([]);
  });

  it('opens the real sidebar from a click in an extension page', async () => {
    await firefox.openSidebar();
  });

  it('reads a loopback page selection with scripting.executeScript from an extension page', async () => {
    const extensionTab = firefox.context;
    const articleTab = await firefox.newTab(pages.url('/article.html'));
    expect(await firefox.evaluate(selectTextExpression('#passage'), { context: articleTab })).toBe(ARTICLE_PASSAGE);
    expect(await firefox.evaluate(READ_SELECTION, { context: extensionTab })).toBe(ARTICLE_PASSAGE);
  });
});
