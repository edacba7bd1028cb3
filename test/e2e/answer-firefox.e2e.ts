/**
 * The built extension in real Firefox (ESR, over WebDriver BiDi), against the mock
 * provider: the same user path as in Chromium — settings, selection, a streamed summary,
 * Stop, and a rejected key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockProvider, type MockProvider } from '../mock-provider/server.ts';
import { launchFirefoxWithExtension, type FirefoxExtension } from './harness/firefox.ts';
import { ARTICLE_PASSAGE, selectTextExpression, startPageServer, type PageServer } from './harness/pages.ts';
import { artifactPath, FIREFOX_E2E_BUILD, requireBuild } from './harness/paths.ts';

/** The first chat request at or after `index` (the panel also asks count_tokens before a selection is sent). */
const firstChatFrom = (mock: MockProvider, index: number): MockProvider['requests'][number] =>
  mock.requests.find((r) => r.index >= index && r.chat)!;

const API_KEY = 'sk-ant-e2e-firefox';
const ANSWER = ['Ein ', 'Fuchs ', 'springt ', '— 狐狸 ', 'über ', 'den ', 'Hund 🦊.'];

let mock: MockProvider;
let pages: PageServer;
let firefox: FirefoxExtension;
let panelTab: string;

const q = (testId: string) => `document.querySelector('[data-testid="${testId}"]')`;

/** Types into an input the way Preact hears it (an input event). */
async function fill(testId: string, value: string) {
  await firefox.evaluate(
    `(() => { const el = ${q(testId)}; el.value = ${JSON.stringify(value)}; el.dispatchEvent(new Event('input', { bubbles: true })); return true; })()`,
    { context: panelTab },
  );
}

async function waitForTestId(testId: string, extra = '') {
  await firefox.waitFor(`${q(testId)}${extra}`, { what: testId, context: panelTab });
}

function lastAnswerState() {
  return firefox.evaluate<{ text: string; status: string }>(
    `(() => { const all = document.querySelectorAll('[data-testid="answer"]'); const el = all[all.length - 1];
      return { text: el?.querySelector('[data-testid="answer-text"]')?.textContent ?? '', status: el?.getAttribute('data-status') ?? '' }; })()`,
    { context: panelTab },
  );
}

beforeAll(async () => {
  requireBuild(FIREFOX_E2E_BUILD);
  mock = await startMockProvider();
  pages = await startPageServer();
  firefox = await launchFirefoxWithExtension(FIREFOX_E2E_BUILD);
  await firefox.openExtensionPage('sidepanel.html', { from: pages.url('/blank.html') });
  panelTab = firefox.context;
  const articleTab = await firefox.newTab(pages.url('/article.html'));
  expect(await firefox.evaluate(selectTextExpression('#passage'), { context: articleTab })).toBe(ARTICLE_PASSAGE);
  firefox.use(panelTab);
});

afterAll(async () => {
  await firefox?.close();
  await pages?.close();
  await mock?.close();
});

describe('Aside in Firefox', () => {
  it('asks for a key on first use and saves it', async () => {
    await waitForTestId('settings-form');
    await fill('api-key', API_KEY);
    await fill('base-url', mock.url);
    await firefox.click('[data-testid="test-connection"]');
    await waitForTestId('connection-result', `?.getAttribute('data-status') === 'ok'`);
    await firefox.click('[data-testid="save-settings"]');
    await waitForTestId('composer');
  });

  it('summarizes the selected text, streaming the answer in token by token', async () => {
    await firefox.click('[data-testid="use-selection"]');
    await waitForTestId('selection-card');
    expect(await firefox.evaluate(`${q('selection-text')}.textContent`)).toBe(ARTICLE_PASSAGE);

    mock.enqueue({ text: ANSWER, delayMs: 150, chunking: { bytes: 7 } });
    const requestIndex = mock.requests.length;
    await firefox.click('[data-testid="summarize"]');
    const partials: string[] = [];
    let final = { text: '', status: 'streaming' };
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      final = await lastAnswerState();
      if (final.text && partials.at(-1) !== final.text) partials.push(final.text);
      if (final.status !== 'streaming' && final.status !== 'retrying') break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(final).toEqual({ text: ANSWER.join(''), status: 'complete' });
    expect(partials.slice(0, -1).length).toBeGreaterThanOrEqual(2);
    for (const partial of partials) expect(final.text.startsWith(partial)).toBe(true);

    const request = firstChatFrom(mock, requestIndex);
    expect(request.headers['x-api-key']).toBe(API_KEY);
    expect(request.headers.origin).toBe(firefox.baseUrl);
    expect(JSON.stringify(request.body)).toContain(ARTICLE_PASSAGE);
    await firefox.screenshot(artifactPath('panel-firefox.png'));
  });

  it('Stop closes the connection to the provider and keeps the partial answer', async () => {
    mock.enqueue({ text: Array.from({ length: 200 }, (_, i) => `word${i} `), delayMs: 100 });
    await fill('composer', 'Tell me more, at length.');
    const requestIndex = mock.requests.length;
    await firefox.click('[data-testid="send"]');
    await firefox.waitFor(
      `(() => { const all = document.querySelectorAll('[data-testid="answer-text"]'); return (all[all.length - 1]?.textContent ?? '').includes('word2 '); })()`,
      { what: 'the third word', context: panelTab },
    );
    await firefox.click('[data-testid="stop"]');
    expect((await mock.responseFinished(firstChatFrom(mock, requestIndex).index)).clientClosed).toBe(true);
    await firefox.waitFor(`document.querySelector('[data-testid="answer"][data-status="stopped"]')`, {
      what: 'the stopped answer',
      context: panelTab,
    });
    const kept = await lastAnswerState();
    expect(kept.text).toMatch(/^word0 word1 word2 /);
    expect(kept.text).not.toContain('word199');
  });

  it('shows a rejected key (401) as a key error', async () => {
    mock.enqueue({ httpError: { status: 401 } });
    await fill('composer', 'One more question');
    await firefox.click('[data-testid="send"]');
    await waitForTestId('answer-error');
    expect(await firefox.evaluate(`${q('answer-error')}.getAttribute('data-code')`)).toBe('auth');
    expect(await firefox.evaluate(`${q('answer-error')}.textContent`)).toContain('API key was not accepted');
  });
});
