/**
 * The background stops mid-answer (issue #10), in real Chromium and real Firefox:
 * - Chromium: the extension's service worker is stopped over CDP (`Target.closeTarget`), as
 *   Chrome does to an idle or updated worker;
 * - Firefox: the event page is suspended by the browser itself, with the idle timeout pref
 *   (`extensions.background.idle.timeout`) shortened to IDLE_MS and the keepalive left at its
 *   25 s, so the suspension comes mid-stream as it would after 30 s of a slow answer.
 * Either way the upstream request dies with the background (the mock sees the client close).
 * What the user sees: the text so far stays, the answer says it was interrupted, and
 * Continue asks again with that text as an Anthropic assistant prefill, so the model carries
 * on from the same character and the final text equals the server's whole answer, without a
 * seam. After the panel is reloaded (closed and opened again), the answer comes back from
 * storage, at most about a second behind what was shown, and Continue works from there too.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitWords, startMockProvider, type MockProvider, type Scenario } from '../mock-provider/server.ts';
import { launchChromiumWithExtension, type ChromiumExtension } from './harness/chromium.ts';
import { launchFirefoxWithExtension, type FirefoxExtension } from './harness/firefox.ts';
import { startPageServer, type PageServer } from './harness/pages.ts';
import { CHROME_E2E_BUILD, FIREFOX_E2E_BUILD, requireBuild, waitFor } from './harness/paths.ts';
import { chromiumDriver, firefoxDriver, testid, type PanelDriver } from './harness/driver.ts';

/** Firefox's event page is suspended after this long without events or API calls. */
const IDLE_MS = 3_000;
const WORDS = 90;
const WORD_GAP_MS = 100;
/** The whole answer the server has: `w0 w1 … w89.` */
const FULL = Array.from({ length: WORDS }, (_, i) => `w${i}`).join(' ') + '.';
/** The background writes a streaming answer's text at least this often (src/background/conversations.ts). */
const PERSIST_MS = 1_000;

const ANSWER = `(() => {
  const all = document.querySelectorAll('[data-testid="answer"]');
  const el = all[all.length - 1];
  return el ? { count: all.length, status: el.getAttribute('data-status'), text: el.querySelector('[data-testid="answer-text"]')?.textContent ?? '', words: el.querySelector('[data-testid="answer-status-text"]')?.textContent ?? '' } : null;
})()`;
type View = { count: number; status: string; text: string; words: string } | null;

interface Driver extends Pick<PanelDriver, 'fill' | 'click' | 'evaluate'> {
  /** Reload the panel page: what closing and opening the panel again gives. */
  reload(): Promise<void>;
  /**
   * Make the background stop while the answer streams (Chromium stops it now; Firefox
   * suspends it by itself within IDLE_MS), and resolve once it has.
   */
  stopBackground(): Promise<void>;
  /**
   * Keeps the restarted background from being stopped again while the test goes on (Firefox:
   * a runtime message every second resets the short idle timeout; Chromium: nothing to do).
   */
  keepAwake(on: boolean): Promise<void>;
}

const wordCount = (text: string) => text.split(' ').filter((w) => w !== '').length;

/** Words before the server goes quiet (as a model thinking it over might): the background stops in that silence. */
const BEFORE_PAUSE = 30;
const PAUSE_MS = 12_000;
/** The answer as the server streams it: BEFORE_PAUSE words, a long silence, the rest. */
const slowAnswer: Scenario = { text: splitWords(FULL), delayMs: WORD_GAP_MS, pause: { afterDeltas: BEFORE_PAUSE, ms: PAUSE_MS } };

/** The rest of FULL after the prefill the request carries: what a model continuing it would send. */
function continuation(mock: MockProvider): Scenario {
  return {
    answer: () => {
      const body = mock.requests.filter((r) => r.chat).at(-1)!.body as { messages: { role: string; content: string }[] };
      const prefill = body.messages.at(-1)!;
      expect(prefill.role).toBe('assistant');
      expect(FULL.startsWith(prefill.content)).toBe(true);
      return splitWords(FULL.slice(prefill.content.length));
    },
    delayMs: 5,
  };
}

function backgroundStoppedTests(name: string, setup: () => Promise<{ driver: Driver; mock: MockProvider; teardown(): Promise<void> }>) {
  describe(`the background stops mid-answer in ${name}`, () => {
    let driver: Driver;
    let mock: MockProvider;
    let teardown: () => Promise<void>;
    const view = () => driver.evaluate<View>(ANSWER);

    beforeAll(async () => {
      ({ driver, mock, teardown } = await setup());
      await waitFor('the settings form', async () =>
        (await driver.evaluate(`!!document.querySelector('${testid('settings-form')}')`)) ? true : undefined,
      );
      await driver.fill('api-key', 'sk-ant-e2e-background-stopped');
      await driver.fill('base-url', mock.url);
      await driver.click('save-settings');
      await waitFor('the composer', async () =>
        (await driver.evaluate(`!!document.querySelector('${testid('composer')}')`)) ? true : undefined,
      );
    });

    afterAll(async () => {
      await teardown?.();
    });

    /** Ask, let some words arrive, stop the background: the interrupted answer as shown. */
    async function askAndStop(question: string): Promise<{ shown: string; request: number }> {
      await driver.keepAwake(false);
      mock.reset();
      mock.enqueue(slowAnswer);
      await driver.fill('composer', question);
      await driver.click('send');
      const lastBeforePause = `w${BEFORE_PAUSE - 1}`;
      await waitFor('the words before the silence', async () => ((await view())?.text.includes(lastBeforePause) ? true : undefined), {
        timeoutMs: 15_000,
      });
      const request = mock.requests.find((r) => r.chat)!.index;
      await driver.stopBackground();
      const interrupted = await waitFor(
        'the answer marked interrupted',
        async () => {
          const v = await view();
          return v?.status === 'interrupted' ? v : undefined;
        },
        { timeoutMs: PAUSE_MS - 2_000 },
      );
      // The upstream request died with the background, before the server's last word.
      expect(await mock.responseFinished(request, 5_000)).toEqual({ clientClosed: true });
      await driver.keepAwake(true);
      expect(interrupted.words).toContain('background stopped');
      // Everything before the silence, and nothing after it.
      expect(wordCount(interrupted.text)).toBe(BEFORE_PAUSE);
      expect(FULL.startsWith(interrupted.text.trimEnd())).toBe(true);
      expect(await driver.evaluate(`!!document.querySelector('${testid('continue')}')`)).toBe(true);
      // Nothing Anthropic-specific to say: it picks up mid-sentence.
      expect(await driver.evaluate(`!!document.querySelector('${testid('continue-note')}')`)).toBe(false);
      return { shown: interrupted.text, request };
    }

    async function continueToTheEnd(prefix: string) {
      mock.enqueue(continuation(mock));
      await driver.click('continue');
      const done = await waitFor(
        'the continued answer to finish',
        async () => {
          const v = await view();
          return v?.status === 'complete' && v.text.endsWith('.') ? v : undefined;
        },
        { timeoutMs: 20_000 },
      );
      // One answer, the seam invisible: exactly the server's whole text.
      expect(done.text).toBe(FULL);
      expect(done.count).toBe(1);
      const body = mock.requests.filter((r) => r.chat).at(-1)!.body as { messages: { role: string; content: string }[] };
      expect(body.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
      expect(body.messages[1]!.content).toBe(prefix.trimEnd());
    }

    it('keeps the text shown, says it was interrupted, and Continue carries on from the same character', async () => {
      const { shown } = await askAndStop('Tell me the long story.');
      // The panel reconnects to a new background: the answer stays as it was shown.
      await waitFor('the panel connected again', async () =>
        (await driver.evaluate(`!document.querySelector('.status-pill')`)) ? true : undefined,
      );
      expect((await view())?.text).toBe(shown);
      await continueToTheEnd(shown);
    });

    it('after the panel is reopened, the answer comes back from storage and Continue works from there', async () => {
      await driver.click('new-chat');
      const { shown } = await askAndStop('Tell me the long story again.');
      await driver.reload();
      const restored = await waitFor('the restored answer', async () => {
        const v = await view();
        return v && v.text !== '' ? v : undefined;
      });
      expect(restored.status).toBe('interrupted');
      // Written as it streamed (every PERSIST_MS): the silence was longer, so all of it is there.
      expect(restored.text.trimEnd()).toBe(shown.trimEnd());
      await continueToTheEnd(restored.text);
    });
  });
}

backgroundStoppedTests('Chromium', async () => {
  requireBuild(CHROME_E2E_BUILD);
  const mock = await startMockProvider();
  const chrome: ChromiumExtension = await launchChromiumWithExtension(CHROME_E2E_BUILD);
  const panel: Page = await chrome.openExtensionPage('sidepanel.html');
  const driver: Driver = {
    ...chromiumDriver(panel),
    reload: async () => {
      await panel.reload();
    },
    keepAwake: async () => {},
    stopBackground: async () => {
      // Written to storage at least every PERSIST_MS: let that happen first, as a silence would.
      await new Promise((resolve) => setTimeout(resolve, PERSIST_MS + 500));
      await chrome.stopServiceWorker();
    },
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

backgroundStoppedTests('Firefox', async () => {
  requireBuild(FIREFOX_E2E_BUILD);
  const mock = await startMockProvider();
  const pages: PageServer = await startPageServer();
  const firefox: FirefoxExtension = await launchFirefoxWithExtension(FIREFOX_E2E_BUILD, {
    extraPrefs: { 'extensions.background.idle.timeout': IDLE_MS },
  });
  const open = () => firefox.openExtensionPage('sidepanel.html', { from: pages.url('/blank.html') });
  await open();
  let awake = false;
  const setAwake = async (on: boolean) => {
    awake = on;
    await firefox.evaluate(
      on
        ? `(window.__awake ??= setInterval(() => browser.runtime.sendMessage({ type: 'aside-e2e:menu-entries' }).catch(() => {}), 1000), true)`
        : `(clearInterval(window.__awake), delete window.__awake, true)`,
    );
  };
  const driver: Driver = {
    ...firefoxDriver(firefox),
    // Away to a web page and back in the same tab: the panel page loads anew (and keeps the
    // background awake again if it did).
    reload: async () => {
      await open();
      await firefox.waitFor(`!!document.querySelector('${testid('composer')}')`, { what: 'the reopened panel', timeoutMs: 15_000 });
      if (awake) await setAwake(true);
    },
    // Nothing to do: Firefox suspends the idle event page itself (the panel sees its port close).
    stopBackground: async () => {},
    keepAwake: setAwake,
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
