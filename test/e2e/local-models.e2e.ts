/**
 * Local servers with zero configuration, in the built extension, in real Chromium and real
 * Firefox, against the mock provider in Ollama mode (Ollama's own origin check: any Origin
 * not on its list, every extension's included, gets 403 with an empty body):
 *
 * - Find local models, with the mock's address typed (it cannot listen on 11434), lists the
 *   server, its models and their context windows; picking one fills in the provider, base
 *   URL and model; saving adds the scoped DNR rule; a question is answered with no
 *   OLLAMA_ORIGINS set, because the rule removed the extension's Origin header.
 * - A web page on another local origin (127.0.0.2, not on Ollama's list) making the same
 *   request still gets 403 with its Origin intact: the rule never touches pages.
 * - Without the rule (turned off through the e2e hook, as in a browser without DNR), the
 *   extension gets the 403 and Test connection says it is the origin check.
 * - A closed port: Find local models and Test connection say nothing answered, "is the
 *   server running?".
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockProvider, type MockProvider } from '../mock-provider/server.ts';
import { launchChromiumWithExtension, type ChromiumExtension } from './harness/chromium.ts';
import { launchFirefoxWithExtension, type FirefoxExtension } from './harness/firefox.ts';
import { selectTextExpression, startPageServer, type PageServer } from './harness/pages.ts';
import { artifactPath, CHROME_E2E_BUILD, FIREFOX_E2E_BUILD, requireBuild, waitFor } from './harness/paths.ts';
import { tabIdOfUrl } from './harness/driver.ts';

/** A model no table of known models has: its window can only come from Ollama's /api/show. */
const MODEL = 'smollm2:1.7b';
const E2E_MESSAGE = (message: object) =>
  `(globalThis.browser ?? globalThis.chrome).runtime.sendMessage(${JSON.stringify(message)}).then((r) => r ?? null)`;

let mock: MockProvider;
let pages: PageServer;
/** A web page on another loopback address: an origin Ollama does not allow. */
let otherOrigin: string;
let otherServer: http.Server;
/** A port where nothing listens. */
let closedUrl: string;

/** The page's request, the same one the extension makes, in no-cors mode so it is sent as is (a preflight would be refused first). */
const PAGE_FETCH = (target: string) => `fetch(${JSON.stringify(`${target}/v1/chat/completions`)}, {
  method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' },
  body: JSON.stringify({ model: ${JSON.stringify(MODEL)}, stream: true, messages: [{ role: 'user', content: 'from a page' }] }),
}).then((r) => r.type, (e) => 'error: ' + e.message)`;

beforeAll(async () => {
  mock = await startMockProvider({ ollama: { delayMs: 30 } });
  pages = await startPageServer();
  otherServer = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>another local site</title><p>A page on another local origin.</p>');
  });
  await new Promise<void>((resolve) => otherServer.listen(0, '127.0.0.2', resolve));
  otherOrigin = `http://127.0.0.2:${(otherServer.address() as AddressInfo).port}`;
  const closed = await startMockProvider();
  closedUrl = closed.url;
  await closed.close();
});

afterAll(async () => {
  await new Promise((resolve) => otherServer?.close(resolve));
  await pages?.close();
  await mock?.close();
});

/** Stages the article's passage as "Ask Aside about this" would (the menu entry, run through the background). */
const MENU_ASK = (url: string) => E2E_MESSAGE({ type: 'aside-e2e:menu-click', menuItemId: 'aside-ask', url });
/** The budget line's window: the one Ollama's /api/show reports for MODEL. */
const WINDOW_LINE = 'of a 8,192-token window';

const chatsFrom = (index: number) => mock.requests.filter((r) => r.index >= index && r.chat);

/** The page's request reached Ollama with the page's own Origin, and was refused. */
async function expectPageRefused(fetchResult: unknown, index: number) {
  expect(fetchResult).toBe('opaque'); // no-cors: the page cannot read it, the mock's log can
  const request = await waitFor('the page’s request', () => chatsFrom(index).find((r) => r.headers.origin === otherOrigin));
  expect(request.status).toBe(403);
}

describe('Chromium', () => {
  let chromium: ChromiumExtension;
  let panel: Page;
  const dynamicRules = () =>
    chromium.serviceWorker.evaluate(() =>
      (globalThis as unknown as { chrome: typeof browser }).chrome.declarativeNetRequest.getDynamicRules(),
    ) as Promise<{ id: number; condition: { urlFilter?: string; initiatorDomains?: string[]; requestDomains?: string[] } }[]>;

  beforeAll(async () => {
    requireBuild(CHROME_E2E_BUILD);
    chromium = await launchChromiumWithExtension(CHROME_E2E_BUILD);
    panel = await chromium.openExtensionPage('sidepanel.html');
    await panel.setViewportSize({ width: 400, height: 900 });
  });

  afterAll(async () => {
    await chromium?.close();
  });

  it('finds the typed server with its models and windows, and picking one fills the settings', async () => {
    await panel.locator('[data-testid="settings-form"]').waitFor();
    const index = mock.requests.length;
    await panel.fill('[data-testid="local-address"]', mock.url);
    await panel.click('[data-testid="find-local-models"]');
    const server = panel.locator(`[data-testid="local-server"][data-origin="${mock.url}"]`);
    await server.waitFor({ timeout: 15_000 });
    expect(await server.getAttribute('data-kind')).toBe('ollama');
    const models = await server
      .locator('[data-testid="local-model"]')
      .evaluateAll((buttons) => buttons.map((b) => [b.getAttribute('data-model'), b.getAttribute('data-context-window')]));
    expect(models).toEqual([
      ['llama3.2:latest', '131072'],
      ['qwen2.5:7b', '32768'],
      [MODEL, '8192'],
    ]);
    expect(await server.textContent()).toContain('131,072-token context window');
    // The probe went out without our Origin (a session rule), so Ollama's check let it through.
    const probes = mock.requests.filter((r) => r.index >= index && r.path.startsWith('/api/'));
    expect(probes.length).toBeGreaterThanOrEqual(3);
    expect(probes.every((r) => r.headers.origin === undefined && r.status === undefined)).toBe(true);
    await panel.screenshot({ path: artifactPath('local-models-chromium.png'), fullPage: true });

    await server.locator(`[data-testid="local-model"][data-model="${MODEL}"]`).click();
    expect(await panel.inputValue('[data-testid="provider"]')).toBe('ollama');
    expect(await panel.inputValue('[data-testid="base-url"]')).toBe(`${mock.url}/v1`);
    expect(await panel.inputValue('[data-testid="model"]')).toBe(MODEL);
  });

  it('saving adds a rule scoped to the extension and that server, and the answer streams with no configuration', async () => {
    expect(await dynamicRules()).toEqual([]);
    await panel.click('[data-testid="save-settings"]');
    await panel.locator('[data-testid="composer"]').waitFor();
    const rules = await waitFor('the saved endpoint’s rule', async () => {
      const found = await dynamicRules();
      return found.length > 0 ? found : undefined;
    });
    expect(rules.map((rule) => rule.condition)).toEqual([
      expect.objectContaining({
        urlFilter: `|${mock.url}/`,
        requestDomains: ['127.0.0.1'],
        initiatorDomains: [chromium.extensionId],
      }),
    ]);

    const index = mock.requests.length;
    await panel.fill('[data-testid="composer"]', 'Does a local Ollama answer?');
    await panel.click('[data-testid="send"]');
    await panel.locator('[data-testid="answer"][data-status="complete"]').waitFor({ timeout: 20_000 });
    expect(await panel.locator('[data-testid="answer-text"]').last().textContent()).toContain(
      'You wrote: "Does a local Ollama answer?"',
    );
    const chat = chatsFrom(index);
    expect(chat).toHaveLength(1);
    expect(chat[0]!.path).toBe('/v1/chat/completions');
    expect(chat[0]!.headers.origin).toBeUndefined();
    expect(chat[0]!.status).toBeUndefined();
  });

  it('the window the server reports reaches the budget line', async () => {
    const article = await chromium.context.newPage();
    await article.goto(pages.url('/article.html'));
    await article.evaluate(selectTextExpression('#passage'));
    // A panel bound to the article's tab receives its menu hand-off (a panel in a tab of its own follows that tab).
    const tabId = await panel.evaluate<number>(tabIdOfUrl(pages.url('/article.html')));
    const bound = await chromium.openExtensionPage(`sidepanel.html?tab=${tabId}`);
    await bound.locator('[data-testid="composer"]').waitFor();
    expect(await bound.evaluate(MENU_ASK(pages.url('/article.html')))).toEqual({ clicked: true });
    const line = await waitFor(
      'the budget’s window',
      async () => {
        const text = await bound.evaluate(() => document.querySelector('[data-testid="budget"]')?.textContent ?? '');
        return text.includes(WINDOW_LINE) ? text : undefined;
      },
      { timeoutMs: 20_000 },
    );
    expect(line).toContain(WINDOW_LINE);
    await bound.close();
    await article.close();
  });

  it('leaves a web page’s request alone: a page on another local origin still gets 403', async () => {
    const page = await chromium.context.newPage();
    await page.goto(`${otherOrigin}/`);
    const index = mock.requests.length;
    await expectPageRefused(await page.evaluate(PAGE_FETCH(mock.url)), index);
    await page.close();
  });

  it('without the rule the extension gets 403, and Test connection names the origin check', async () => {
    const off = await panel.evaluate<{ rules: unknown[] }>(E2E_MESSAGE({ type: 'aside-e2e:origin-rules', enabled: false }));
    expect(off.rules).toEqual([]);
    await panel.click('[data-testid="open-settings"]');
    await panel.locator('[data-testid="settings-form"]').waitFor();
    const index = mock.requests.length;
    await panel.click('[data-testid="test-connection"]');
    const result = panel.locator('[data-testid="connection-result"][data-status="failed"]');
    await result.waitFor({ timeout: 15_000 });
    expect(await result.textContent()).toContain('The server refused this extension (403)');
    const refused = mock.requests.filter((r) => r.index >= index && r.status === 403);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]!.headers.origin).toBe(`chrome-extension://${chromium.extensionId}`);

    const on = await panel.evaluate<{ rules: unknown[] }>(E2E_MESSAGE({ type: 'aside-e2e:origin-rules', enabled: true }));
    expect(on.rules).toHaveLength(1);
    await panel.click('[data-testid="test-connection"]');
    await panel.locator('[data-testid="connection-result"][data-status="ok"]').waitFor({ timeout: 15_000 });
  });

  it('a closed port: nothing answered, is the server running?', async () => {
    await panel.fill('[data-testid="local-address"]', closedUrl);
    await panel.click('[data-testid="find-local-models"]');
    const error = panel.locator(`[data-testid="local-error"][data-origin="${closedUrl}"]`);
    await error.waitFor({ timeout: 15_000 });
    expect(await error.getAttribute('data-code')).toBe('local-unreachable');
    expect(await error.textContent()).toContain('Is the server running');

    await panel.fill('[data-testid="base-url"]', `${closedUrl}/v1`);
    await panel.click('[data-testid="test-connection"]');
    const result = panel.locator('[data-testid="connection-result"][data-status="failed"]');
    await result.waitFor({ timeout: 15_000 });
    expect(await result.textContent()).toContain('Is the server running');
  });
});

describe('Firefox', () => {
  let firefox: FirefoxExtension;
  const q = (selector: string) => `document.querySelector(${JSON.stringify(selector)})`;
  const t = (testId: string) => `[data-testid="${testId}"]`;
  /** Sets a control's value the way Preact hears it. */
  const set = (testId: string, value: string, event: 'input' | 'change' = 'input') =>
    firefox.evaluate(
      `(() => { const el = ${q(t(testId))}; el.value = ${JSON.stringify(value)}; el.dispatchEvent(new Event('${event}', { bubbles: true })); return true; })()`,
    );
  const valueOf = (testId: string) => firefox.evaluate<string>(`${q(t(testId))}?.value ?? ''`);
  const dynamicRules = () =>
    firefox.evaluate<{ condition: Record<string, unknown> }[]>(`browser.declarativeNetRequest.getDynamicRules()`);
  let panelContext: string;

  beforeAll(async () => {
    requireBuild(FIREFOX_E2E_BUILD);
    firefox = await launchFirefoxWithExtension(FIREFOX_E2E_BUILD);
    await firefox.openExtensionPage('sidepanel.html', { from: pages.url('/blank.html') });
    panelContext = firefox.context;
  });

  afterAll(async () => {
    await firefox?.close();
  });

  it('finds the typed server with its models and windows, and picking one fills the settings', async () => {
    await firefox.waitFor(q(t('settings-form')), { what: 'settings form' });
    const index = mock.requests.length;
    await set('local-address', mock.url);
    await firefox.click(t('find-local-models'));
    const server = `[data-testid="local-server"][data-origin="${mock.url}"]`;
    await firefox.waitFor(q(server), { what: 'the found server', timeoutMs: 15_000 });
    expect(await firefox.evaluate(`${q(server)}.getAttribute('data-kind')`)).toBe('ollama');
    expect(
      await firefox.evaluate(
        `[...${q(server)}.querySelectorAll('[data-testid="local-model"]')].map((b) => [b.dataset.model, b.dataset.contextWindow])`,
      ),
    ).toEqual([
      ['llama3.2:latest', '131072'],
      ['qwen2.5:7b', '32768'],
      [MODEL, '8192'],
    ]);
    const probes = mock.requests.filter((r) => r.index >= index && r.path.startsWith('/api/'));
    expect(probes.length).toBeGreaterThanOrEqual(3);
    expect(probes.every((r) => r.headers.origin === undefined && r.status === undefined)).toBe(true);
    await firefox.screenshot(artifactPath('local-models-firefox.png'));

    await firefox.click(`${server} [data-testid="local-model"][data-model="${MODEL}"]`);
    expect(await valueOf('provider')).toBe('ollama');
    expect(await valueOf('base-url')).toBe(`${mock.url}/v1`);
    expect(await valueOf('model')).toBe(MODEL);
  });

  it('saving adds a rule scoped to the extension’s UUID host and that server, and the answer streams', async () => {
    await firefox.click(t('save-settings'));
    await firefox.waitFor(q(t('composer')), { what: 'composer' });
    const rules = await waitFor('the saved endpoint’s rule', async () => {
      const found = await dynamicRules();
      return found.length > 0 ? found : undefined;
    });
    expect(rules.map((rule) => rule.condition)).toEqual([
      expect.objectContaining({ urlFilter: `|${mock.url}/`, requestDomains: ['127.0.0.1'], initiatorDomains: [firefox.uuid] }),
    ]);

    const index = mock.requests.length;
    await set('composer', 'Does a local Ollama answer in Firefox?');
    await firefox.click(t('send'));
    await firefox.waitFor(q('[data-testid="answer"][data-status="complete"], [data-testid="answer"][data-status="failed"]'), {
      what: 'the answer to end',
      timeoutMs: 20_000,
    });
    const chat = chatsFrom(index);
    expect(chat).toHaveLength(1);
    expect({ origin: chat[0]!.headers.origin, status: chat[0]!.status }).toEqual({ origin: undefined, status: undefined });
    expect(await firefox.evaluate(`${q(t('answer-text'))}.textContent`)).toContain(
      'You wrote: "Does a local Ollama answer in Firefox?"',
    );
  });

  it('the window the server reports reaches the budget line', async () => {
    const articleTab = await firefox.newTab(pages.url('/article.html'));
    await firefox.waitFor(`document.readyState === 'complete' && !!document.querySelector('#passage')`, {
      what: 'the article',
      context: articleTab,
    });
    await firefox.evaluate(selectTextExpression('#passage'), { context: articleTab });
    const tabId = await firefox.evaluate<number>(tabIdOfUrl(pages.url('/article.html')));
    // A panel bound to the article's tab receives its menu hand-off.
    firefox.use(await firefox.newTab());
    await firefox.openExtensionPage(`sidepanel.html?tab=${tabId}`, { from: pages.url('/blank.html') });
    await firefox.waitFor(q(t('composer')), { what: 'composer' });
    expect(await firefox.evaluate(MENU_ASK(pages.url('/article.html')))).toEqual({ clicked: true });
    await firefox.waitFor(`${q(t('budget'))}?.textContent.includes(${JSON.stringify(WINDOW_LINE)})`, {
      what: 'the budget’s window',
      timeoutMs: 20_000,
    });
    firefox.use(panelContext);
  });

  it('leaves a web page’s request alone: a page on another local origin still gets 403', async () => {
    const tab = await firefox.newTab(`${otherOrigin}/`);
    firefox.use(tab);
    await firefox.waitFor(`document.readyState === 'complete' && location.origin === ${JSON.stringify(otherOrigin)}`, {
      what: 'the other page',
    });
    const index = mock.requests.length;
    await expectPageRefused(await firefox.evaluate(PAGE_FETCH(mock.url)), index);
    firefox.use(panelContext);
  });

  it('without the rule the extension gets 403, and Test connection names the origin check', async () => {
    const off = await firefox.evaluate<{ rules: unknown[] }>(E2E_MESSAGE({ type: 'aside-e2e:origin-rules', enabled: false }));
    expect(off.rules).toEqual([]);
    await firefox.click(t('open-settings'));
    await firefox.waitFor(q(t('settings-form')), { what: 'settings form' });
    const index = mock.requests.length;
    await firefox.click(t('test-connection'));
    await firefox.waitFor(q('[data-testid="connection-result"][data-status="failed"]'), { what: 'the failed test', timeoutMs: 15_000 });
    expect(await firefox.evaluate(`${q(t('connection-result'))}.textContent`)).toContain('The server refused this extension (403)');
    const refused = mock.requests.filter((r) => r.index >= index && r.status === 403);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]!.headers.origin).toBe(`moz-extension://${firefox.uuid}`);

    await firefox.evaluate(E2E_MESSAGE({ type: 'aside-e2e:origin-rules', enabled: true }));
    await firefox.click(t('test-connection'));
    await firefox.waitFor(q('[data-testid="connection-result"][data-status="ok"]'), { what: 'a passing test', timeoutMs: 15_000 });
  });

  it('a closed port: nothing answered, is the server running?', async () => {
    await set('local-address', closedUrl);
    await firefox.click(t('find-local-models'));
    const error = `[data-testid="local-error"][data-origin="${closedUrl}"]`;
    await firefox.waitFor(q(error), { what: 'the closed port’s error', timeoutMs: 15_000 });
    expect(await firefox.evaluate(`${q(error)}.dataset.code`)).toBe('local-unreachable');
    expect(await firefox.evaluate(`${q(error)}.textContent`)).toContain('Is the server running');
  });
});
