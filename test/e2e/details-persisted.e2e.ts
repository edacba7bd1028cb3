/**
 * Stream details outlive the background, in real Chromium and real Firefox: an answer
 * streams, then the background stops (Chromium: its service worker is stopped over CDP,
 * `Target.closeTarget`, as Chrome does to an idle worker about 30 s after the last answer;
 * Firefox: the event page is suspended by the browser itself, the idle timeout pref shortened
 * to IDLE_MS), and a background started anew (checked: another instance answers) serves the
 * details from IndexedDB: the timeline has every event the mock sent, and Download .sse gives
 * the body byte for byte as the mock sent it (one byte per chunk: split characters included).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockProvider, type MockProvider } from '../mock-provider/server.ts';
import { launchChromiumWithExtension, type ChromiumExtension } from './harness/chromium.ts';
import { launchFirefoxWithExtension, type FirefoxExtension } from './harness/firefox.ts';
import { startPageServer, type PageServer } from './harness/pages.ts';
import { CHROME_E2E_BUILD, FIREFOX_E2E_BUILD, requireBuild, waitFor } from './harness/paths.ts';

/** Firefox's event page is suspended after this long without events or API calls. */
const IDLE_MS = 2_000;

const testid = (id: string) => `[data-testid="${id}"]`;
const lastAnswer = (attribute: string) => `document.querySelector('[data-testid="answer"]:last-of-type')?.getAttribute('${attribute}')`;
const answerText = `[...document.querySelectorAll('[data-testid="answer-text"]')].at(-1)?.textContent ?? null`;
const INSTANCE = `(globalThis.browser ?? globalThis.chrome).runtime.sendMessage({ type: 'aside-e2e:instance' }).then((r) => r?.instance ?? null)`;

interface Driver {
  fill(testId: string, value: string): Promise<void>;
  click(testId: string): Promise<void>;
  evaluate<T>(expression: string): Promise<T>;
  /** Make the background stop (Chromium stops it now; Firefox suspends it by itself), and resolve once it may have. */
  stopBackground(): Promise<void>;
}

function detailsAfterRestartTests(
  name: string,
  setup: () => Promise<{ driver: Driver; mock: MockProvider; teardown(): Promise<void> }>,
) {
  describe(`stream details after the background stopped, in ${name}`, () => {
    let driver: Driver;
    let mock: MockProvider;
    let teardown: () => Promise<void>;
    const until = (expression: string, what: string, timeoutMs = 15_000) =>
      waitFor(what, async () => ((await driver.evaluate(expression)) ? true : undefined), { timeoutMs });

    beforeAll(async () => {
      ({ driver, mock, teardown } = await setup());
      await until(`!!document.querySelector('${testid('settings-form')}')`, 'the settings form');
      await driver.fill('api-key', 'sk-ant-e2e-details-kept');
      await driver.fill('base-url', mock.url);
      await driver.click('save-settings');
      await until(`!!document.querySelector('${testid('composer')}')`, 'the composer');
    });

    afterAll(async () => {
      await teardown?.();
    });

    it('opens Details from disk: every event on the timeline, and the .sse byte for byte', async () => {
      mock.reset();
      mock.enqueue({ text: ['Kept ', 'über ', '重启 ', 'restarts.'], delayMs: 15, chunking: { bytes: 1 } });
      await driver.fill('composer', 'Will the details survive?');
      await driver.click('send');
      await until(
        `${lastAnswer('data-status')} === 'complete' && (${answerText}) === 'Kept über 重启 restarts.'`,
        'the answer, drawn',
        30_000,
      );
      const request = mock.requests.filter((r) => r.chat).at(-1)!;
      expect(request.sent?.byteLength).toBeGreaterThan(100);
      const before = await driver.evaluate<string>(INSTANCE);
      expect(before).toEqual(expect.any(String));

      await driver.stopBackground();
      // A background started anew answers (the panel reconnected to it, or this message woke it).
      const after = await driver.evaluate<string>(INSTANCE);
      expect(after).toEqual(expect.any(String));
      expect(after, 'the background was stopped and started again').not.toBe(before);
      await until(`!document.querySelector('.status-pill')`, 'the panel connected again');
      expect(await driver.evaluate(answerText)).toBe('Kept über 重启 restarts.');

      await driver.evaluate(`[...document.querySelectorAll('${testid('stream-details')}')].at(-1).click(), true`);
      await until(
        `document.querySelector('${testid('details-event-count')}') !== null || document.querySelector('${testid('details-gone')}') !== null`,
        'the details view',
      );
      expect(await driver.evaluate(`document.querySelector('${testid('details-gone')}')?.textContent ?? null`)).toBeNull();
      const sentEvents = request
        .sent!.toString('utf8')
        .split('\n\n')
        .filter((block) => block.trim() !== '').length;
      expect(Number(await driver.evaluate(`document.querySelector('${testid('details-event-count')}').dataset.total`))).toBe(
        sentEvents,
      );
      const downloaded = await driver.evaluate<string>(
        `fetch(document.querySelector('${testid('download-sse')}').href).then((r) => r.arrayBuffer()).then((b) => [...new Uint8Array(b)].join(','))`,
      );
      expect(downloaded).toBe([...request.sent!].join(','));
      const requestText = await driver.evaluate<string>(`document.querySelector('${testid('details-request')}').textContent`);
      expect(requestText).toContain('$ASIDE_API_KEY');
      expect(requestText).not.toContain('sk-ant-e2e-details-kept');
      await driver.click('details-close');
      await until(`document.querySelector('${testid('composer')}') !== null`, 'the conversation again');
    });
  });
}

detailsAfterRestartTests('Chromium', async () => {
  requireBuild(CHROME_E2E_BUILD);
  const mock = await startMockProvider();
  const chrome: ChromiumExtension = await launchChromiumWithExtension(CHROME_E2E_BUILD);
  const panel: Page = await chrome.openExtensionPage('sidepanel.html');
  await panel.setViewportSize({ width: 400, height: 800 });
  const driver: Driver = {
    fill: (id, value) => panel.fill(testid(id), value),
    click: (id) => panel.locator(testid(id)).last().click(),
    // Polled with evaluate: waitForFunction with a string needs eval, which the panel's CSP forbids.
    evaluate: (expression) => panel.evaluate(expression),
    stopBackground: () => chrome.stopServiceWorker(),
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

detailsAfterRestartTests('Firefox', async () => {
  requireBuild(FIREFOX_E2E_BUILD);
  const mock = await startMockProvider();
  const pages: PageServer = await startPageServer();
  const firefox: FirefoxExtension = await launchFirefoxWithExtension(FIREFOX_E2E_BUILD, {
    extraPrefs: { 'extensions.background.idle.timeout': IDLE_MS },
  });
  await firefox.openExtensionPage('sidepanel.html', { from: pages.url('/blank.html') });
  const driver: Driver = {
    fill: async (id, value) => {
      await firefox.evaluate(
        `(() => { const el = [...document.querySelectorAll('${testid(id)}')].at(-1); el.value = ${JSON.stringify(value)}; el.dispatchEvent(new Event('input', { bubbles: true })); return true; })()`,
      );
    },
    click: async (id) => {
      await firefox.evaluate(
        `(() => { const all = document.querySelectorAll('${testid(id)}'); all.forEach((el, i) => i === all.length - 1 ? el.setAttribute('data-e2e-target', '') : el.removeAttribute('data-e2e-target')); return all.length > 0; })()`,
      );
      await firefox.click(`${testid(id)}[data-e2e-target]`);
    },
    evaluate: (expression) => firefox.evaluate(expression),
    // Firefox suspends the idle event page itself: nothing may wake it meanwhile (the check
    // that it did is a message, which would), so wait well past the timeout.
    stopBackground: () => new Promise((resolve) => setTimeout(resolve, IDLE_MS * 3)),
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
