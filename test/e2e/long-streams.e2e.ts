/**
 * Long streams (issue #10), in real Chromium and real Firefox at their default background
 * lifetimes (Chromium stops an idle service worker after 30 s, Firefox suspends an idle event
 * page after 30 s; neither counts an in-flight fetch as activity):
 * - the first byte after 45 s: headers and text arrive only after 45 s of silence, and the
 *   answer still completes (the keepalive's API call every 25 s holds the background);
 * - a 6-minute stream with a delta every second completes, every word in place, and the
 *   server never sees the client go away.
 * Together they take over six minutes (all four run at once), longer than the whole default
 * suite, so they run only when asked: `ASIDE_E2E_LONG=1 npx vitest run --config
 * vitest.e2e.config.ts test/e2e/long-streams.e2e.ts` (after `npm run build:e2e`).
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { splitWords, startMockProvider, type MockProvider, type Scenario } from '../mock-provider/server.ts';
import { launchChromiumWithExtension } from './harness/chromium.ts';
import { launchFirefoxWithExtension } from './harness/firefox.ts';
import { startPageServer } from './harness/pages.ts';
import { CHROME_E2E_BUILD, FIREFOX_E2E_BUILD, requireBuild, waitFor } from './harness/paths.ts';

const LONG = process.env.ASIDE_E2E_LONG === '1';
const FIRST_BYTE_MS = 45_000;
const LONG_STREAM_DELTAS = 360;
const LONG_STREAM_GAP_MS = 1_000;

const SLOW_START_TEXT = 'Worth the wait.';
const LONG_TEXT = Array.from({ length: LONG_STREAM_DELTAS }, (_, i) => `s${i}`).join(' ') + '.';
const scenarioFor = (question: string): Scenario =>
  question.includes('slow start')
    ? { text: splitWords(SLOW_START_TEXT), headersDelayMs: FIRST_BYTE_MS, delayMs: 20 }
    : { text: splitWords(LONG_TEXT), delayMs: LONG_STREAM_GAP_MS };

const testid = (id: string) => `[data-testid="${id}"]`;
const ANSWER = `(() => {
  const el = document.querySelector('[data-testid="answer"]');
  return el ? { status: el.getAttribute('data-status'), text: el.querySelector('[data-testid="answer-text"]')?.textContent ?? '' } : null;
})()`;
type View = { status: string; text: string } | null;
const setComposer = (value: string) => `(() => {
  const el = document.querySelector('[data-testid="composer"]');
  el.value = ${JSON.stringify(value)};
  el.dispatchEvent(new Event('input', { bubbles: true }));
  return true;
})()`;

interface Panel {
  evaluate<T>(expression: string): Promise<T>;
  click(selector: string): Promise<void>;
  close(): Promise<void>;
}

/** One panel (its own browser) asks one question and waits for the whole answer. */
async function askAndFinish(panel: Panel, mock: MockProvider, question: string, expected: string, timeoutMs: number) {
  mock.enqueue(scenarioFor(question));
  await panel.evaluate(setComposer(question));
  await panel.click(testid('send'));
  const request = await mock.nextRequest(10_000);
  const done = await waitFor(
    `the answer to “${question}”`,
    async () => {
      const view = await panel.evaluate<View>(ANSWER);
      return view && view.status !== 'streaming' && view.status !== 'retrying' ? view : undefined;
    },
    { timeoutMs, intervalMs: 500 },
  );
  expect(done.status, question).toBe('complete');
  await waitFor('the last word drawn', async () => ((await panel.evaluate<View>(ANSWER))?.text === expected ? true : undefined));
  expect(await mock.responseFinished(request.index, 5_000)).toEqual({ clientClosed: false });
}

async function configured(panel: Panel, mock: MockProvider) {
  const fill = (id: string, value: string) =>
    panel.evaluate(
      `(() => { const el = document.querySelector('${testid(id)}'); el.value = ${JSON.stringify(value)}; el.dispatchEvent(new Event('input', { bubbles: true })); return true; })()`,
    );
  await waitFor('the settings form', async () =>
    (await panel.evaluate(`!!document.querySelector('${testid('settings-form')}')`)) ? true : undefined,
  );
  await fill('api-key', 'sk-ant-e2e-long');
  await fill('base-url', mock.url);
  await panel.click(testid('save-settings'));
  await waitFor('the composer', async () =>
    (await panel.evaluate(`!!document.querySelector('${testid('composer')}')`)) ? true : undefined,
  );
}

async function chromiumPanel(): Promise<Panel> {
  const chrome = await launchChromiumWithExtension(requireBuild(CHROME_E2E_BUILD));
  const page: Page = await chrome.openExtensionPage('sidepanel.html');
  return { evaluate: (e) => page.evaluate(e), click: (s) => page.click(s), close: () => chrome.close() };
}

async function firefoxPanel(): Promise<Panel> {
  const pages = await startPageServer();
  const firefox = await launchFirefoxWithExtension(requireBuild(FIREFOX_E2E_BUILD));
  await firefox.openExtensionPage('sidepanel.html', { from: pages.url('/blank.html') });
  return {
    evaluate: (e) => firefox.evaluate(e),
    click: (s) => firefox.click(s),
    close: async () => {
      await firefox.close();
      await pages.close();
    },
  };
}

describe.runIf(LONG)('long streams, at the browsers’ default background lifetimes', () => {
  it('the first byte after 45 s, and a 6-minute stream, complete in Chromium and Firefox', async () => {
    const runs = [
      { browser: 'Chromium', open: chromiumPanel, question: 'A slow start, please.', expected: SLOW_START_TEXT, timeoutMs: 70_000 },
      { browser: 'Chromium', open: chromiumPanel, question: 'A long answer, please.', expected: LONG_TEXT, timeoutMs: 400_000 },
      { browser: 'Firefox', open: firefoxPanel, question: 'A slow start, please.', expected: SLOW_START_TEXT, timeoutMs: 70_000 },
      { browser: 'Firefox', open: firefoxPanel, question: 'A long answer, please.', expected: LONG_TEXT, timeoutMs: 400_000 },
    ];
    // Each run has its own browser and mock, so the four wait at the same time.
    const results = await Promise.allSettled(
      runs.map(async (run) => {
        const mock = await startMockProvider();
        const panel = await run.open();
        try {
          await configured(panel, mock);
          await askAndFinish(panel, mock, run.question, run.expected, run.timeoutMs);
        } finally {
          await panel.close();
          await mock.close();
        }
      }),
    );
    const failures = results.flatMap((result, i) =>
      result.status === 'rejected' ? [`${runs[i]!.browser}, “${runs[i]!.question}”: ${String(result.reason)}`] : [],
    );
    expect(failures).toEqual([]);
  }, 480_000);
});
