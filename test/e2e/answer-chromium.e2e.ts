/**
 * The built extension in real Chromium, against the mock provider: select text on a
 * page, summarize it, watch the answer stream in, stop an answer, and see a key error.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockProvider, type MockProvider } from '../mock-provider/server.ts';
import { launchChromiumWithExtension, type ChromiumExtension } from './harness/chromium.ts';
import { ARTICLE_PASSAGE, selectTextExpression, startPageServer, type PageServer } from './harness/pages.ts';
import { artifactPath, CHROME_E2E_BUILD, requireBuild } from './harness/paths.ts';

/** The first chat request at or after `index` (the panel also asks count_tokens before a selection is sent). */
const firstChatFrom = (mock: MockProvider, index: number): MockProvider['requests'][number] =>
  mock.requests.find((r) => r.index >= index && r.chat)!;

const API_KEY = 'sk-ant-e2e-key';
const ANSWER = ['A fox ', 'jumps ', 'over ', 'a lazy ', 'dog ', 'while ', 'music ', 'starts.'];

let mock: MockProvider;
let pages: PageServer;
let browserExt: ChromiumExtension;
let article: Page;
let panel: Page;

const answers = () => panel.locator('[data-testid="answer"]');
const lastAnswer = () => answers().last();

/** Polls the last answer's text until it ends, recording every distinct partial text seen. */
async function watchAnswer(): Promise<{ partials: string[]; status: string; text: string }> {
  const partials: string[] = [];
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const { text, status } = await lastAnswer().evaluate((el) => ({
      text: el.querySelector('[data-testid="answer-text"]')?.textContent ?? '',
      status: el.getAttribute('data-status') ?? '',
    }));
    if (text && partials.at(-1) !== text) partials.push(text);
    if (status !== 'streaming' && status !== 'retrying') return { partials, status, text };
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
  throw new Error(`the answer did not finish; partials seen: ${JSON.stringify(partials)}`);
}

beforeAll(async () => {
  requireBuild(CHROME_E2E_BUILD);
  mock = await startMockProvider();
  pages = await startPageServer();
  browserExt = await launchChromiumWithExtension(CHROME_E2E_BUILD);
  article = await browserExt.context.newPage();
  await article.goto(pages.url('/article.html'));
  expect(await article.evaluate(selectTextExpression('#passage'))).toBe(ARTICLE_PASSAGE);
  panel = await browserExt.openExtensionPage('sidepanel.html');
  await panel.setViewportSize({ width: 400, height: 640 });
});

afterAll(async () => {
  await browserExt?.close();
  await pages?.close();
  await mock?.close();
});

describe('Aside in Chromium', () => {
  it('asks for a key on first use, and Test connection reaches the provider', async () => {
    await panel.locator('[data-testid="settings-form"]').waitFor();
    await panel.fill('[data-testid="api-key"]', API_KEY);
    await panel.fill('[data-testid="base-url"]', mock.url);
    await panel.click('[data-testid="test-connection"]');
    const result = panel.locator('[data-testid="connection-result"]:not([data-status="running"])');
    await result.waitFor();
    expect(await result.getAttribute('data-status')).toBe('ok');
    await panel.click('[data-testid="save-settings"]');
    await panel.locator('[data-testid="composer"]').waitFor();
  });

  it('summarizes the selected text, streaming the answer in token by token', async () => {
    await panel.click('[data-testid="use-selection"]');
    await panel.locator('[data-testid="selection-card"]').waitFor();
    expect(await panel.textContent('[data-testid="selection-text"]')).toBe(ARTICLE_PASSAGE);
    expect(await panel.textContent('[data-testid="selection-card"]')).toContain(`${ARTICLE_PASSAGE.length} characters`);

    mock.enqueue({ text: ANSWER, delayMs: 120 });
    const requestIndex = mock.requests.length;
    await panel.click('[data-testid="summarize"]');
    const { partials, status, text } = await watchAnswer();

    expect(status).toBe('complete');
    expect(text).toBe(ANSWER.join(''));
    // Incremental: several different partial texts were on screen before the final one.
    expect(partials.slice(0, -1).length).toBeGreaterThanOrEqual(2);
    for (const partial of partials) expect(text.startsWith(partial)).toBe(true);

    // What went over the wire: the documented headers, the key, the selection as data.
    const request = firstChatFrom(mock, requestIndex);
    expect(request.path).toBe('/v1/messages');
    expect(request.headers['x-api-key']).toBe(API_KEY);
    expect(request.headers['anthropic-version']).toBe('2023-06-01');
    expect(request.headers['anthropic-dangerous-direct-browser-access']).toBe('true');
    expect(request.headers.origin).toBe(browserExt.baseUrl);
    const body = request.body as { stream: boolean; messages: { content: string }[] };
    expect(body.stream).toBe(true);
    expect(body.messages[0]!.content).toContain(ARTICLE_PASSAGE);
    expect(body.messages[0]!.content).toContain('Summarize this.');

    // The question shows the selection it was about.
    expect(await panel.locator('[data-testid="question"]').last().textContent()).toContain('Selected text');
    await panel.screenshot({ path: artifactPath('panel-chromium.png') });
  });

  it('Stop closes the connection to the provider and keeps the partial answer', async () => {
    mock.enqueue({ text: Array.from({ length: 200 }, (_, i) => `word${i} `), delayMs: 100 });
    await panel.fill('[data-testid="composer"]', 'Tell me more, at length.');
    const requestIndex = mock.requests.length;
    await panel.click('[data-testid="send"]');
    await panel.locator('[data-testid="answer"]:last-of-type [data-testid="answer-text"]').waitFor();
    await panel.waitForFunction(() =>
      (document.querySelectorAll('[data-testid="answer-text"]').item(1)?.textContent ?? '').includes('word2 '),
    );
    await panel.click('[data-testid="stop"]');
    const finished = await mock.responseFinished(firstChatFrom(mock, requestIndex).index);
    expect(finished.clientClosed).toBe(true);
    await panel.locator('[data-testid="answer"][data-status="stopped"]').waitFor();
    const kept = await lastAnswer().locator('[data-testid="answer-text"]').textContent();
    expect(kept).toMatch(/^word0 word1 word2 /);
    expect(kept).not.toContain('word199');
  });

  it('an answer keeps streaming while the panel is closed, and the reopened panel shows all of it', async () => {
    const words = Array.from({ length: 30 }, (_, i) => `w${i} `);
    mock.enqueue({ text: words, delayMs: 60 });
    await panel.fill('[data-testid="composer"]', 'A longer answer, please.');
    const requestIndex = mock.requests.length;
    await panel.click('[data-testid="send"]');
    await panel.waitForFunction(() => {
      const all = document.querySelectorAll('[data-testid="answer-text"]');
      return (all[all.length - 1]?.textContent ?? '').includes('w2 ');
    });
    // The panel is a page in a tab here: reopened, it is that tab's panel again (?tab=), as a
    // side panel reopened beside the same tab would be.
    const tabId = await panel.evaluate<number>('chrome.tabs.getCurrent().then((tab) => tab.id)');
    await panel.close(); // mid-answer
    await new Promise((resolve) => setTimeout(resolve, 400));
    panel = await browserExt.openExtensionPage(`sidepanel.html?tab=${tabId}`);
    await panel.setViewportSize({ width: 400, height: 640 });
    const reopened = panel.locator('[data-testid="answer"]').last();
    await panel.waitForFunction(
      () => {
        const all = document.querySelectorAll('[data-testid="answer"]');
        return all[all.length - 1]?.getAttribute('data-status') === 'complete';
      },
      undefined,
      { timeout: 15_000 },
    );
    expect(await reopened.locator('[data-testid="answer-text"]').textContent()).toBe(words.join(''));
    // The provider was never cut off: the background finished the answer on its own.
    expect((await mock.responseFinished(firstChatFrom(mock, requestIndex).index)).clientClosed).toBe(false);
  });

  it('shows a rejected key (401) as a key error with a way to settings', async () => {
    mock.enqueue({ httpError: { status: 401 } });
    await panel.fill('[data-testid="composer"]', 'One more question');
    await panel.click('[data-testid="send"]');
    const error = panel.locator('[data-testid="answer-error"]');
    await error.waitFor();
    expect(await error.getAttribute('data-code')).toBe('auth');
    expect(await error.textContent()).toContain('API key was not accepted');
    // The question is still there, and settings are one click away.
    expect(await panel.locator('[data-testid="question"]').last().textContent()).toContain('One more question');
    await panel.click('[data-testid="answer-open-settings"]');
    await panel.locator('[data-testid="settings-form"]').waitFor();
  });

  it('the real side panel opens from a click and connects to the background', async () => {
    const side = await browserExt.openSidePanel({ via: panel });
    const ready = await side.evaluate<boolean>(
      `new Promise((resolve) => { const t0 = Date.now(); (function poll() {
        if (document.querySelector('[data-testid="composer"], [data-testid="settings-form"]')) resolve(true);
        else if (Date.now() - t0 > 10000) resolve(false); else setTimeout(poll, 50); })(); })`,
    );
    expect(ready).toBe(true);
    await side.screenshot(artifactPath('side-panel-chromium.png'));
    await side.detach();
  });
});
