/**
 * Compare models (issue #10) in real Chromium and real Firefox, against two mock providers:
 * the settings' Anthropic-dialect mock (A) and an OpenAI-compatible mock (B) chosen as the
 * second model. One question streams to both, side by side, each column its own server's
 * text, label and numbers; a follow-up continues with the answer picked; Stop in one column
 * closes only that server's connection (the mock sees it) and keeps its text, while the other
 * completes; a failure at one server shows in its column only. The layout is checked at 700 px
 * (side by side) and 320 px (stacked).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockProvider, type MockProvider, type Scenario } from '../mock-provider/server.ts';
import { launchChromiumWithExtension, type ChromiumExtension } from './harness/chromium.ts';
import { launchFirefoxWithExtension, type FirefoxExtension } from './harness/firefox.ts';
import { startPageServer, type PageServer } from './harness/pages.ts';
import { CHROME_E2E_BUILD, FIREFOX_E2E_BUILD, requireBuild, waitFor } from './harness/paths.ts';

interface Driver {
  /** Sets a field (input, textarea or select) by test id, as typing or picking would. */
  fill(testId: string, value: string): Promise<void>;
  /** A real click on the element this expression returns. */
  clickOn(elementExpression: string): Promise<void>;
  evaluate<T>(expression: string): Promise<T>;
  waitFor(expression: string, what: string, timeoutMs?: number): Promise<void>;
  viewport(width: number): Promise<void>;
}

const API_KEY = 'sk-ant-e2e-compare';
const MODEL_B = 'mock-b-model';
const testid = (id: string) => `[data-testid="${id}"]`;
const byTestId = (id: string) => `document.querySelector('${testid(id)}')`;
/** The last comparison's column n (0 or 1). */
const column = (n: number | string) =>
  `[...document.querySelectorAll('${testid('compare')}')].at(-1)?.querySelectorAll('${testid('compare-column')}')[${n}]`;

interface ColumnView {
  label: string;
  status: string | null;
  text: string;
  tokens: string | null;
  error: string | null;
  chosen: string | null;
  left: number;
  top: number;
  bottom: number;
}
const COLUMNS = `[0, 1].map((n) => {
  const c = ${column('n')};
  if (!c) return null;
  const rect = c.getBoundingClientRect();
  return {
    label: c.querySelector('${testid('compare-label')}')?.textContent ?? '',
    status: c.querySelector('${testid('answer')}')?.getAttribute('data-status') ?? null,
    text: c.querySelector('${testid('answer-text')}')?.textContent ?? '',
    tokens: c.querySelector('${testid('numbers-tokens')}')?.textContent ?? null,
    error: c.querySelector('${testid('answer-error')}')?.getAttribute('data-code') ?? null,
    chosen: c.getAttribute('data-chosen'),
    left: Math.round(rect.left), top: Math.round(rect.top), bottom: Math.round(rect.bottom),
  };
})`;

const words = (tag: string, count: number) => Array.from({ length: count }, (_, i) => `${tag}${i} `);
interface ChatBody {
  model: string;
  messages: { role: string; content: string }[];
}
const chats = (mock: MockProvider) => mock.requests.filter((r) => r.chat);
const userMessages = (body: ChatBody) => body.messages.filter((m) => m.role !== 'system');

function compareTests(name: string, setup: () => Promise<{ driver: Driver; teardown(): Promise<void> }>) {
  describe(`compare models in ${name}`, () => {
    let driver: Driver;
    let teardown: () => Promise<void>;
    let a: MockProvider;
    let b: MockProvider;
    const columns = () => driver.evaluate<(ColumnView | null)[]>(COLUMNS);

    /** Types the question, opens the picker, chooses mock B as the second model, and asks both. */
    async function askBoth(question: string) {
      await driver.fill('composer', question);
      if (!(await driver.evaluate<boolean>(`${byTestId('compare-picker')} !== null`))) {
        await driver.clickOn(byTestId('compare-open'));
      }
      await driver.waitFor(`${byTestId('compare-provider')} !== null`, 'the compare picker');
      await driver.fill('compare-provider', 'openai-compatible');
      await driver.fill('compare-model', MODEL_B);
      await driver.fill('compare-base-url', `${b.url}/v1`);
      await driver.clickOn(byTestId('compare-send'));
    }

    beforeAll(async () => {
      a = await startMockProvider();
      b = await startMockProvider();
      ({ driver, teardown } = await setup());
      await driver.waitFor(`${byTestId('settings-form')} !== null`, 'the settings form');
      await driver.fill('api-key', API_KEY);
      await driver.fill('base-url', a.url);
      await driver.clickOn(byTestId('save-settings'));
      await driver.waitFor(`${byTestId('composer')} !== null`, 'the composer');
    });

    afterAll(async () => {
      await teardown?.();
      await a?.close();
      await b?.close();
    });

    it('streams one question to two models side by side, each with its own text, label and numbers', async () => {
      a.reset();
      b.reset();
      a.enqueue({ text: words('alpha', 8), delayMs: 30, usage: { inputTokens: 111, outputTokens: 8 } });
      b.enqueue({ text: words('beta', 9), delayMs: 30, usage: { inputTokens: 222, outputTokens: 9 } });
      await driver.viewport(700);
      await askBoth('Which river is longer?');
      await driver.waitFor(
        `(() => { const c = ${COLUMNS}; return c.every((x) => x && x.status === 'complete' && x.tokens !== null) && c[0].text.includes('alpha7') && c[1].text.includes('beta8'); })()`,
        'both answers complete with their numbers',
        20_000,
      );
      const [first, second] = (await columns()) as ColumnView[];
      expect(first!.label).toBe('Anthropic (Claude) · claude-sonnet-5-5');
      expect(second!.label).toBe(`Custom OpenAI-compatible · ${MODEL_B}`);
      expect(first!.text.trim()).toBe(words('alpha', 8).join('').trim());
      expect(second!.text.trim()).toBe(words('beta', 9).join('').trim());
      expect(first!.tokens).toBe('111 in · 8 out');
      expect(second!.tokens).toBe('222 in · 9 out');
      // 700 px: side by side.
      expect(second!.top).toBe(first!.top);
      expect(second!.left).toBeGreaterThan(first!.left);
      // Each server got the same question once, with its own model and key (B: none).
      expect(chats(a)).toHaveLength(1);
      expect(chats(b)).toHaveLength(1);
      const [bodyA, bodyB] = [chats(a)[0]!.body as ChatBody, chats(b)[0]!.body as ChatBody];
      expect(userMessages(bodyA)).toEqual([{ role: 'user', content: 'Which river is longer?' }]);
      expect(userMessages(bodyB)).toEqual(userMessages(bodyA));
      expect(bodyB.model).toBe(MODEL_B);
      expect(chats(a)[0]!.headers['x-api-key']).toBe(API_KEY);
      expect(chats(b)[0]!.headers.authorization).toBeUndefined();
      expect(chats(b)[0]!.path).toBe('/v1/chat/completions');
      // The second choice is remembered, versioned.
      expect(await driver.evaluate(`browser.storage.local.get(['compareChoice', 'compareChoice$'])`)).toEqual({
        compareChoice: { provider: 'openai-compatible', model: MODEL_B, baseUrl: `${b.url}/v1` },
        compareChoice$: { v: 1 },
      });
      // 320 px: stacked.
      await driver.viewport(320);
      const [narrowFirst, narrowSecond] = (await columns()) as ColumnView[];
      expect(narrowSecond!.top).toBeGreaterThanOrEqual(narrowFirst!.bottom);
      expect(narrowSecond!.left).toBe(narrowFirst!.left);
      await driver.viewport(700);
    });

    it('a follow-up continues with the answer picked', async () => {
      a.reset();
      b.reset();
      a.enqueue({ text: ['Because ', 'of its basin.'], delayMs: 5 });
      await driver.clickOn(`${column(1)}?.querySelector('${testid('compare-pick')}')`);
      await driver.waitFor(`${column(1)}?.getAttribute('data-chosen') === 'true'`, 'the second answer chosen');
      expect(await driver.evaluate(`${column(0)}?.getAttribute('data-chosen')`)).toBe('false');
      await driver.fill('composer', 'Why?');
      await driver.clickOn(byTestId('send'));
      await driver.waitFor(
        `[...document.querySelectorAll('${testid('answer')}')].at(-1)?.getAttribute('data-status') === 'complete'`,
        'the follow-up',
      );
      expect(chats(b)).toHaveLength(0);
      expect(userMessages(chats(a)[0]!.body as ChatBody)).toEqual([
        { role: 'user', content: 'Which river is longer?' },
        { role: 'assistant', content: words('beta', 9).join('') },
        { role: 'user', content: 'Why?' },
      ]);
    });

    it('Stop in one column closes only that request and keeps its text; the other completes', async () => {
      a.reset();
      b.reset();
      const slow = (tag: string): Scenario => ({ text: words(tag, 40), delayMs: 80 });
      a.enqueue(slow('alpha'));
      b.enqueue(slow('beta'));
      await askBoth('And the widest?');
      await driver.waitFor(
        `(() => { const c = ${COLUMNS}; return c[0]?.text.includes('alpha2') && c[1]?.text.includes('beta2') && c.every((x) => x.status === 'streaming'); })()`,
        'both streaming',
        20_000,
      );
      await driver.clickOn(`${column(0)}?.querySelector('${testid('answer-stop')}')`);
      await driver.waitFor(`(${COLUMNS})[0]?.status === 'stopped'`, 'the first answer stopped');
      expect((await columns())[1]!.status).toBe('streaming');
      expect(await a.responseFinished(chats(a)[0]!.index, 15_000)).toEqual({ clientClosed: true });
      await driver.waitFor(
        `(${COLUMNS})[1]?.status === 'complete' && (${COLUMNS})[1].text.includes('beta39')`,
        'the second answer complete',
        20_000,
      );
      expect(await b.responseFinished(chats(b)[0]!.index, 15_000)).toEqual({ clientClosed: false });
      const [first, second] = (await columns()) as ColumnView[];
      expect(first!.text.startsWith('alpha0 alpha1 alpha2')).toBe(true);
      expect(first!.text.length).toBeLessThan(words('alpha', 40).join('').length);
      expect(second!.text.trim()).toBe(words('beta', 40).join('').trim());
      expect(await driver.evaluate(`${column(0)}?.querySelector('${testid('numbers-stop')}')?.textContent`)).toBe('stopped by you');
    });

    it('a failure at one server shows in its column only, with the usual words', async () => {
      a.reset();
      b.reset();
      a.enqueue({ text: words('fine', 4), delayMs: 5 });
      b.enqueue({ httpError: { status: 401 } });
      await askBoth('One more?');
      await driver.waitFor(
        `(() => { const c = ${COLUMNS}; return c[0]?.status === 'complete' && c[1]?.status === 'failed'; })()`,
        'one complete, one failed',
        20_000,
      );
      const [first, second] = (await columns()) as ColumnView[];
      expect(first!.error).toBeNull();
      expect(second!.error).toBe('auth');
      expect(await driver.evaluate(`${column(1)}?.querySelector('${testid('answer-error')}')?.textContent`)).toMatch(/key/i);
      // No notice over the whole panel: the error is the column's.
      expect(await driver.evaluate(`${byTestId('notice')} === null`)).toBe(true);
    });
  });
}

compareTests('Chromium', async () => {
  requireBuild(CHROME_E2E_BUILD);
  const chrome: ChromiumExtension = await launchChromiumWithExtension(CHROME_E2E_BUILD);
  const panel: Page = await chrome.openExtensionPage('sidepanel.html');
  await panel.setViewportSize({ width: 700, height: 900 });
  const driver: Driver = {
    fill: async (id, value) => {
      const tag = await panel
        .locator(testid(id))
        .last()
        .evaluate((el) => el.tagName);
      if (tag === 'SELECT') await panel.locator(testid(id)).last().selectOption(value);
      else await panel.locator(testid(id)).last().fill(value);
    },
    clickOn: async (expression) => {
      await waitFor('the element to click', async () => ((await panel.evaluate(`!!(${expression})`)) ? true : undefined));
      const handle = await panel.evaluateHandle(expression);
      await (handle.asElement() as unknown as { click(): Promise<void> }).click();
    },
    evaluate: (expression) => panel.evaluate(expression),
    // Polled with evaluate: waitForFunction with a string needs eval, which the panel's CSP forbids.
    waitFor: async (expression, what, timeoutMs = 10_000) => {
      await waitFor(what, async () => ((await panel.evaluate(expression)) ? true : undefined), { timeoutMs });
    },
    viewport: (width) => panel.setViewportSize({ width, height: 900 }),
  };
  return { driver, teardown: () => chrome.close() };
});

compareTests('Firefox', async () => {
  requireBuild(FIREFOX_E2E_BUILD);
  const pages: PageServer = await startPageServer();
  const firefox: FirefoxExtension = await launchFirefoxWithExtension(FIREFOX_E2E_BUILD);
  await firefox.openExtensionPage('sidepanel.html', { from: pages.url('/blank.html') });
  const viewport = async (width: number) => {
    await firefox.bidi.send('browsingContext.setViewport', { context: firefox.context, viewport: { width, height: 900 } });
  };
  await viewport(700);
  const driver: Driver = {
    fill: async (id, value) => {
      await firefox.evaluate(
        `(() => { const el = [...document.querySelectorAll('${testid(id)}')].at(-1); el.value = ${JSON.stringify(value)};
          el.dispatchEvent(new Event(el.tagName === 'SELECT' ? 'change' : 'input', { bubbles: true })); return true; })()`,
      );
    },
    clickOn: async (expression) => {
      await firefox.waitFor(`(() => { document.querySelectorAll('[data-e2e-target]').forEach((el) => el.removeAttribute('data-e2e-target'));
        const el = ${expression}; if (!el) return false; el.setAttribute('data-e2e-target', ''); return true; })()`);
      await firefox.click('[data-e2e-target]');
    },
    evaluate: (expression) => firefox.evaluate(expression),
    waitFor: async (expression, what, timeoutMs = 10_000) => {
      await firefox.waitFor(expression, { what, timeoutMs });
    },
    viewport,
  };
  return {
    driver,
    teardown: async () => {
      await firefox.close();
      await pages.close();
    },
  };
});
