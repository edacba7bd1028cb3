/**
 * Answer actions in real Chromium and real Firefox, against the mock provider: an answer cut at
 * max_tokens is continued into the same answer (and the provider saw the partial answer as the
 * prefill), Copy puts its Markdown on the clipboard, Edit and resend replaces the tail of the
 * conversation, Up in the empty composer edits the last question and Esc cancels, Esc stops a
 * streaming answer (the mock sees the client hang up), and Regenerate asks again; and the
 * numbers line under an answer agrees with what the mock sent and how long it waited.
 *
 * The same steps run in both browsers through a small driver: Playwright in Chromium, raw
 * WebDriver BiDi in Firefox (real pointer clicks and key presses in both).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockProvider, type MockProvider } from '../mock-provider/server.ts';
import { launchChromiumWithExtension, type ChromiumExtension } from './harness/chromium.ts';
import { launchFirefoxWithExtension, type FirefoxExtension } from './harness/firefox.ts';
import { startPageServer, type PageServer } from './harness/pages.ts';
import { CHROME_E2E_BUILD, FIREFOX_E2E_BUILD, requireBuild, waitFor } from './harness/paths.ts';

interface Driver {
  fill(testId: string, value: string): Promise<void>;
  click(testId: string): Promise<void>;
  press(key: 'Escape' | 'ArrowUp' | 'Enter'): Promise<void>;
  evaluate<T>(expression: string): Promise<T>;
  waitFor(expression: string, what: string, timeoutMs?: number): Promise<void>;
  /** What the panel last wrote to the clipboard. */
  clipboardText(): Promise<string>;
}

const testid = (id: string) => `[data-testid="${id}"]`;
const answerText = `[...document.querySelectorAll('[data-testid="answer-text"]')].at(-1)?.textContent ?? null`;
const lastAnswer = (attribute: string) => `document.querySelector('[data-testid="answer"]:last-of-type')?.getAttribute('${attribute}')`;

interface ChatBody {
  messages: { role: string; content: string }[];
}
const lastChatBody = (mock: MockProvider) => mock.requests.filter((r) => r.chat).at(-1)!.body as ChatBody;
const chatRequests = (mock: MockProvider) => mock.requests.filter((r) => r.chat).length;

/** The steps a user takes, the same in both browsers. */
function answerActionTests(name: string, setup: () => Promise<{ driver: Driver; mock: MockProvider; teardown(): Promise<void> }>) {
  describe(`answer actions in ${name}`, () => {
    let driver: Driver;
    let mock: MockProvider;
    let teardown: () => Promise<void>;

    beforeAll(async () => {
      ({ driver, mock, teardown } = await setup());
      await driver.waitFor(`document.querySelector('${testid('settings-form')}')`, 'the settings form');
      await driver.fill('api-key', 'sk-ant-e2e-actions');
      await driver.fill('base-url', mock.url);
      await driver.click('save-settings');
      await driver.waitFor(`document.querySelector('${testid('composer')}')`, 'the composer');
    });

    afterAll(async () => {
      await teardown?.();
    });

    it('Continue appends to an answer cut at max_tokens, prefilled with the partial answer', async () => {
      mock.enqueue({ text: ['Once upon ', 'a time, ', 'a fox '], stopReason: 'max_tokens', delayMs: 5 });
      await driver.fill('composer', 'Tell me a story.');
      await driver.click('send');
      await driver.waitFor(`${lastAnswer('data-stop-reason')} === 'max_tokens'`, 'the answer to stop at max_tokens', 30_000);
      expect(await driver.evaluate<string>(`document.querySelector('${testid('answer-status-text')}').textContent`)).toContain(
        'maximum output length',
      );
      mock.enqueue({ text: [' jumped over ', 'the lazy dog.'], delayMs: 5 });
      await driver.click('continue');
      // The text is drawn at the frame after the state changes: wait for both.
      await driver.waitFor(
        `${lastAnswer('data-stop-reason')} === 'end_turn' && (${answerText}).endsWith('dog.')`,
        'the continued answer to finish',
        30_000,
      );
      expect(await driver.evaluate(answerText)).toBe('Once upon a time, a fox jumped over the lazy dog.');
      expect(await driver.evaluate(`document.querySelectorAll('${testid('answer')}').length`)).toBe(1);
      expect(lastChatBody(mock).messages).toEqual([
        { role: 'user', content: 'Tell me a story.' },
        { role: 'assistant', content: 'Once upon a time, a fox' },
      ]);
    });

    it('Copy puts the answer’s Markdown on the clipboard', async () => {
      mock.enqueue({ text: ['## Foxes\n\n', '- **quick**\n', '- brown\n'], delayMs: 5 });
      await driver.fill('composer', 'Describe foxes in a list.');
      await driver.click('send');
      await driver.waitFor(
        `${lastAnswer('data-status')} === 'complete' && (${answerText}).includes('brown')`,
        'the list answer',
        30_000,
      );
      await driver.click('copy-markdown');
      await driver.waitFor(`[...document.querySelectorAll('${testid('copy-markdown')}')].at(-1).textContent === 'Copied'`, 'Copied');
      expect(await driver.clipboardText()).toBe('## Foxes\n\n- **quick**\n- brown\n');
    });

    it('Edit and resend replaces the question and everything after it', async () => {
      const questions = `[...document.querySelectorAll('${testid('question')} .question-text')].map((q) => q.textContent)`;
      expect(await driver.evaluate(questions)).toEqual(['Tell me a story.', 'Describe foxes in a list.']);
      mock.enqueue({ text: ['A short ', 'story.'], delayMs: 5 });
      await driver.evaluate(`document.querySelector('${testid('edit-question')}').click(), true`); // the first question's Edit
      await driver.waitFor(`document.activeElement === document.querySelector('${testid('edit-input')}')`, 'the editor, focused');
      await driver.fill('edit-input', 'Tell me a short story.');
      await driver.press('Enter');
      await driver.waitFor(
        `${lastAnswer('data-status')} === 'complete' && (${answerText}) === 'A short story.'`,
        'the new answer',
        30_000,
      );
      expect(await driver.evaluate(questions)).toEqual(['Tell me a short story.']);
      expect(await driver.evaluate(`document.querySelectorAll('${testid('answer')}').length`)).toBe(1);
      expect(lastChatBody(mock).messages).toEqual([{ role: 'user', content: 'Tell me a short story.' }]);
    });

    it('Up in the empty composer edits the last question; Esc cancels without sending', async () => {
      const before = chatRequests(mock);
      await driver.click('composer');
      await driver.press('ArrowUp');
      await driver.waitFor(`document.querySelector('${testid('edit-input')}')?.value === 'Tell me a short story.'`, 'the editor');
      await driver.waitFor(`document.activeElement?.getAttribute('data-testid') === 'edit-input'`, 'the editor to have focus');
      await driver.press('Escape');
      await driver.waitFor(`document.querySelector('${testid('edit-input')}') === null`, 'the editor to close');
      expect(chatRequests(mock)).toBe(before);
      expect(await driver.evaluate(lastAnswer('data-status'))).toBe('complete');
    });

    it('reasoning shows "Thinking" while live, then "Thought for N s"; a tool call is a card with its parsed input', async () => {
      mock.enqueue({
        thinking: ['Weighing ', 'the options. ', 'Done.'],
        text: ['Let me check ', 'the weather.'],
        toolCalls: [{ name: 'get_weather', input: { city: 'Paris', unit: 'celsius' } }],
        delayMs: 400,
      });
      await driver.fill('composer', 'Weather in Paris?');
      await driver.click('send');
      const summary = `[...document.querySelectorAll('${testid('reasoning-summary')}')].at(-1)?.textContent`;
      await driver.waitFor(`${summary} === 'Thinking…'`, 'the live reasoning label', 30_000);
      await driver.waitFor(`${lastAnswer('data-status')} === 'complete'`, 'the answer', 30_000);
      expect(await driver.evaluate(summary)).toMatch(/^Thought for \d+ s$/);
      const card = await driver.evaluate<{ name: string; input: unknown }>(
        `(() => { const card = [...document.querySelectorAll('${testid('tool-call')}')].at(-1);
          return { name: card.getAttribute('data-name'), input: JSON.parse(card.querySelector('${testid('tool-call-input')}').textContent) }; })()`,
      );
      expect(card).toEqual({ name: 'get_weather', input: { city: 'Paris', unit: 'celsius' } });
    });

    it('Esc stops a streaming answer, keeping its text; Regenerate asks again', async () => {
      mock.enqueue({ text: Array.from({ length: 200 }, (_, i) => `word${i} `), delayMs: 100 });
      await driver.fill('composer', 'Go on for a while.');
      await driver.click('send');
      await driver.waitFor(`(${answerText} ?? '').includes('word2 ')`, 'the answer to start', 30_000);
      const index = mock.requests.filter((r) => r.chat).at(-1)!.index;
      await driver.click('composer');
      await driver.press('Escape');
      await driver.waitFor(`${lastAnswer('data-status')} === 'stopped'`, 'the answer to stop');
      expect(await mock.responseFinished(index, 10_000)).toEqual({ clientClosed: true });
      const kept = await driver.evaluate<string>(answerText);
      expect(kept).toMatch(/^word0 word1 word2 /);
      expect(kept).not.toContain('word199');
      mock.enqueue({ text: ['Fresh ', 'answer.'], delayMs: 5 });
      await driver.click('regenerate');
      await driver.waitFor(
        `${lastAnswer('data-status')} === 'complete' && (${answerText}) === 'Fresh answer.'`,
        'the new answer',
        30_000,
      );
      expect(lastChatBody(mock).messages.at(-1)).toEqual({ role: 'user', content: 'Go on for a while.' });
    });

    it('under the answer, one line of numbers: time to first token, speed, tokens as reported, cost, how it ended', async () => {
      mock.enqueue({
        text: Array.from({ length: 12 }, (_, i) => `part${i} `),
        headersDelayMs: 300,
        delayMs: 20,
        usage: { inputTokens: 1200, outputTokens: 101, cacheReadTokens: 1000 },
      });
      await driver.fill('composer', 'Give me numbers.');
      await driver.click('send');
      const part = (id: string) => `[...document.querySelectorAll('${testid('answer')}')].at(-1).querySelector('${testid(id)}')`;
      await driver.waitFor(`${lastAnswer('data-status')} === 'complete' && ${part('answer-numbers')} !== null`, 'the numbers', 30_000);
      // The mock held its headers for 300 ms: the first token cannot have come sooner.
      const ttft = Number(await driver.evaluate<string>(`${part('numbers-ttft')}.getAttribute('data-ms')`));
      expect(ttft).toBeGreaterThanOrEqual(300);
      expect(ttft).toBeLessThan(10_000);
      expect(await driver.evaluate(`${part('numbers-tokens')}.textContent`)).toBe('1,200 in · 101 out');
      expect(await driver.evaluate(`${part('numbers-cached')}.textContent`)).toBe('1,000 cached');
      // claude-sonnet-5-5, the default model: 1200 × $2 + 101 × $10 + 1000 × $0.10 per million tokens
      expect(await driver.evaluate(`${part('numbers-cost')}.textContent`)).toBe('≈$0.0035');
      expect(await driver.evaluate(`${part('numbers-speed')}.textContent`)).toMatch(/^[\d,.]+ tokens\/s$/);
      expect(await driver.evaluate(`${part('numbers-stop')}.textContent`)).toBe('finished');
    });

    it('Details shows the raw events as the mock sent them, the request with the key masked, and the .sse byte for byte', async () => {
      mock.enqueue({ text: ['Détails ', 'für ', '中文 ', 'answer.'], delayMs: 15, chunking: { bytes: 1 } });
      await driver.fill('composer', 'Show me the stream.');
      await driver.click('send');
      await driver.waitFor(`${lastAnswer('data-status')} === 'complete'`, 'the answer', 30_000);
      const request = mock.requests.filter((r) => r.chat).at(-1)!;
      await driver.evaluate(`[...document.querySelectorAll('${testid('stream-details')}')].at(-1).click(), true`);
      await driver.waitFor(`document.querySelector('${testid('details-event-count')}') !== null`, 'the details view', 15_000);
      // Every SSE event the mock wrote is on the timeline.
      const sentText = request.sent!.toString('utf8');
      const sentEvents = sentText.split('\n\n').filter((block) => block.trim() !== '').length;
      expect(Number(await driver.evaluate(`document.querySelector('${testid('details-event-count')}').dataset.total`))).toBe(
        sentEvents,
      );
      // The .sse download is the body exactly as the server sent it (one byte per chunk: split characters included).
      const downloaded = await driver.evaluate<string>(
        `fetch(document.querySelector('${testid('download-sse')}').href).then((r) => r.arrayBuffer()).then((b) => [...new Uint8Array(b)].join(','))`,
      );
      expect(downloaded).toBe([...request.sent!].join(','));
      const requestText = await driver.evaluate<string>(`document.querySelector('${testid('details-request')}').textContent`);
      expect(requestText).toContain('$ASIDE_API_KEY');
      expect(requestText).not.toContain('sk-ant-e2e-actions');
      expect(await driver.evaluate(`document.querySelector('${testid('details-merged-text')}').textContent`)).toBe(
        'Détails für 中文 answer.',
      );
      // Filter to the text deltas: four of them, one run.
      await driver.evaluate(
        `(() => { const s = document.querySelector('${testid('details-filter')}'); s.value = 'content_block_delta'; s.dispatchEvent(new Event('change', { bubbles: true })); return true; })()`,
      );
      await driver.waitFor(`document.querySelector('${testid('details-event-count')}').dataset.count === '4'`, 'the filtered events');
      expect(await driver.evaluate(`document.querySelectorAll('${testid('details-run')}').length`)).toBe(1);
      await driver.click('details-close');
      await driver.waitFor(`document.querySelector('${testid('composer')}') !== null`, 'the conversation again');
    });
  });
}

answerActionTests('Chromium', async () => {
  requireBuild(CHROME_E2E_BUILD);
  const mock = await startMockProvider();
  const chrome: ChromiumExtension = await launchChromiumWithExtension(CHROME_E2E_BUILD);
  await chrome.context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const panel: Page = await chrome.openExtensionPage('sidepanel.html');
  await panel.setViewportSize({ width: 400, height: 800 });
  const driver: Driver = {
    fill: (id, value) => panel.fill(testid(id), value),
    click: (id) => panel.locator(testid(id)).last().click(),
    press: (key) => panel.keyboard.press(key),
    evaluate: (expression) => panel.evaluate(expression),
    // Polled with evaluate: waitForFunction with a string needs eval, which the panel's CSP forbids.
    waitFor: async (expression, what, timeoutMs = 10_000) => {
      await waitFor(what, async () => ((await panel.evaluate(expression)) ? true : undefined), { timeoutMs });
    },
    clipboardText: () => panel.evaluate(() => navigator.clipboard.readText()),
  };
  return {
    driver,
    mock,
    teardown: async () => {
      await chrome.close();
      await mock.close();
    },
  };
});

answerActionTests('Firefox', async () => {
  requireBuild(FIREFOX_E2E_BUILD);
  const mock = await startMockProvider();
  const pages: PageServer = await startPageServer();
  const firefox: FirefoxExtension = await launchFirefoxWithExtension(FIREFOX_E2E_BUILD);
  await firefox.openExtensionPage('sidepanel.html', { from: pages.url('/blank.html') });
  // Reading the clipboard back needs clipboardRead, which Aside does not ask for: writeText is
  // recorded on its way to the real one instead (the call must also succeed).
  const recordClipboard = `(() => { if (window.__copied) return true; const clipboard = navigator.clipboard; const write = clipboard.writeText.bind(clipboard);
    window.__copied = [];
    clipboard.writeText = (text) => write(text).then(() => { window.__copied.push(text); }, (e) => { window.__copied.push('error:' + e); throw e; });
    return true; })()`;
  await firefox.evaluate(recordClipboard);
  const driver: Driver = {
    fill: async (id, value) => {
      await firefox.evaluate(
        `(() => { const el = [...document.querySelectorAll('${testid(id)}')].at(-1); el.value = ${JSON.stringify(value)}; el.dispatchEvent(new Event('input', { bubbles: true })); return true; })()`,
      );
    },
    click: async (id) => {
      // The last match: the newest answer's button.
      await firefox.evaluate(
        `(() => { const all = document.querySelectorAll('${testid(id)}'); all.forEach((el, i) => i === all.length - 1 ? el.setAttribute('data-e2e-target', '') : el.removeAttribute('data-e2e-target')); return all.length > 0; })()`,
      );
      await firefox.click(`${testid(id)}[data-e2e-target]`);
    },
    press: (key) => firefox.press([key]),
    evaluate: (expression) => firefox.evaluate(expression),
    waitFor: async (expression, what, timeoutMs = 10_000) => {
      await firefox.waitFor(expression, { what, timeoutMs });
    },
    clipboardText: async () => (await firefox.evaluate<string[]>('window.__copied')).at(-1) ?? '',
  };
  return {
    driver,
    mock,
    teardown: async () => {
      await firefox.close();
      await pages.close();
      await mock.close();
    },
  };
});
