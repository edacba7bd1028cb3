/**
 * A Custom SSE endpoint set up by a user, in real Chromium and real Firefox, against the
 * mock's custom SSE server (test/mock-provider/custom-sse.ts): JSON events with the text at
 * a key only JSONPath can name, plain-text data lines, and numbered lines read with a
 * regular expression. In each mode the user tries a sample event in settings (what it takes
 * shows before saving), saves, asks, gets the answer, and the stream details view says what
 * each event gave. A regex that does not compile is refused at its field, nothing saved.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockProvider, type MockProvider } from '../mock-provider/server.ts';
import { launchChromiumWithExtension, type ChromiumExtension } from './harness/chromium.ts';
import { launchFirefoxWithExtension, type FirefoxExtension } from './harness/firefox.ts';
import { startPageServer, type PageServer } from './harness/pages.ts';
import { artifactPath, CHROME_E2E_BUILD, FIREFOX_E2E_BUILD, requireBuild } from './harness/paths.ts';
import { chromiumDriver, firefoxDriver, testid, type PanelDriver } from './harness/driver.ts';

interface Driver extends PanelDriver {
  screenshot(name: string): Promise<void>;
}

const exists = (id: string) => `document.querySelector('${testid(id)}') !== null`;
const answerText = `[...document.querySelectorAll('[data-testid="answer"]')].at(-1)?.querySelector('[data-testid="answer-text"]')?.textContent ?? null`;
const answerStatus = `[...document.querySelectorAll('[data-testid="answer"]')].at(-1)?.getAttribute('data-status') ?? null`;
/** Each extraction note as [state, text], in the order shown. */
const NOTES = `[...document.querySelectorAll('[data-testid="extraction"]')].map((n) => [n.getAttribute('data-state'), n.textContent])`;

const API = '(globalThis.browser ?? globalThis.chrome)';
const chatRequests = (mock: MockProvider) => mock.requests.filter((r) => r.chat);

function customSseTests(name: string, setup: () => Promise<{ driver: Driver; mock: MockProvider; teardown(): Promise<void> }>) {
  describe(`Custom SSE endpoint in ${name}`, () => {
    let driver: Driver;
    let mock: MockProvider;
    let teardown: () => Promise<void>;

    beforeAll(async () => {
      ({ driver, mock, teardown } = await setup());
      mock.reset();
      await driver.waitFor(exists('settings-form'), 'the settings form', 30_000);
      await driver.select('provider', 'custom-sse');
      await driver.waitFor(exists('custom-endpoint'), 'the custom endpoint fields');
    });

    afterAll(async () => {
      await teardown?.();
    });

    /** Asks a question, waits for the whole answer, and gives its text. */
    async function ask(question: string, words: string[]): Promise<string> {
      mock.enqueue({ text: words, delayMs: 10 });
      await driver.fill('composer', question);
      await driver.click('send');
      const expected = JSON.stringify(words.join(''));
      await driver.waitFor(`(${answerText}) === ${expected} && (${answerStatus}) === 'complete'`, `the answer ${expected}`, 20_000);
      return driver.evaluate<string>(answerText);
    }

    /** Opens the last answer's details and its one run of events; gives the extraction notes. */
    async function extractionNotes(count: number): Promise<[string, string][]> {
      await driver.click('stream-details');
      await driver.waitFor(exists('details-extraction-summary'), 'the details view with its extraction');
      await driver.evaluate(`(document.querySelector('.details-run-head').click(), true)`);
      await driver.waitFor(`document.querySelectorAll('${testid('extraction')}').length === ${count}`, `${count} extraction notes`);
      return driver.evaluate<[string, string][]>(NOTES);
    }

    /**
     * Clicks until `expression` holds. The settings form grows and shrinks as a mode's fields come
     * and go, so a real click can land where the button was a moment before (seen once in
     * Firefox); the clicks used here (Save) are harmless to repeat.
     */
    async function clickUntil(id: string, expression: string, what: string) {
      for (let attempt = 1; ; attempt++) {
        await driver.click(id);
        try {
          await driver.waitFor(expression, what, attempt < 3 ? 3_000 : 10_000);
          return;
        } catch (e) {
          if (attempt >= 3) throw e;
        }
      }
    }

    /** Settings opened by hand stay open after Save: wait until the endpoint is stored in this mode, then Done. */
    async function saveAndClose(mode: string) {
      await clickUntil(
        'save-settings',
        `${API}.storage.local.get('settings').then((r) => r.settings?.custom?.dataMode === '${mode}')`,
        `the endpoint saved in ${mode} mode`,
      );
      await driver.click('close-settings');
      await driver.waitFor(exists('composer'), 'the composer');
    }

    async function closeDetailsAndOpenSettings() {
      await driver.click('details-close');

      await driver.waitFor(exists('composer'), 'the conversation');
      await driver.click('open-settings');
      await driver.waitFor(exists('custom-endpoint'), 'the custom endpoint fields');
    }

    it('JSONPath: Try an event shows what the path takes, then the answer comes from the key only JSONPath names', async () => {
      await driver.fill('custom-url', `${mock.url}/custom/stream?shape=jsonpath`);
      await driver.fill('custom-text-path', "$.result['my.text']");
      await driver.fill('custom-sample', 'data: {"seq":0,"result":{"my.text":"Hel","text":"(not this one)"}}');
      await driver.waitFor(
        `document.querySelector('${testid('extraction-text')}')?.textContent === 'Text: "Hel"'`,
        'the sample’s text',
      );
      // A path that stops early says where, before anything is saved.
      await driver.fill('custom-text-path', "$.result['my.txt']");
      await driver.waitFor(
        `(${NOTES})[0]?.[1] === 'Nothing extracted: the path finds nothing after $.result.'`,
        'the sample’s reason for no text',
      );
      await driver.fill('custom-text-path', "$.result['my.text']");
      await driver.screenshot(`custom-sse-settings-${name.toLowerCase()}.png`);
      await driver.click('save-settings');
      await driver.waitFor(exists('composer'), 'the composer');

      const before = chatRequests(mock).length;
      expect(await ask('What is at the JSONPath?', ['Found ', 'by ', 'JSONPath.'])).toBe('Found by JSONPath.');
      const request = chatRequests(mock).at(-1)!;
      expect(chatRequests(mock).length).toBe(before + 1);
      expect(request).toMatchObject({ path: '/custom/stream', dialect: 'custom' });
      expect((request.body as { messages: { content: string }[] }).messages.at(-1)?.content).toContain('What is at the JSONPath?');

      const notes = await extractionNotes(4);
      expect(notes).toEqual([
        ['text', 'Text: "Found "'],
        ['text', 'Text: "by "'],
        ['text', 'Text: "JSONPath."'],
        ['end', 'The end marker: the answer is complete.'],
      ]);
      expect(
        await driver.evaluate(`document.querySelector('${testid('details-extraction-summary')}').getAttribute('data-count')`),
      ).toBe('3');
      await driver.screenshot(`custom-sse-details-${name.toLowerCase()}.png`);
    });

    it('plain text: each data line is the text, as it is', async () => {
      await closeDetailsAndOpenSettings();
      await driver.select('custom-data-mode', 'text');
      await driver.waitFor(`!(${exists('custom-text-path')})`, 'the path field to go');
      await driver.fill('custom-url', `${mock.url}/custom/stream?shape=plain`);
      await saveAndClose('text');
      expect(await ask('Plain, please.', ['Plain ', '{"not": "json"} ', 'lines.'])).toBe('Plain {"not": "json"} lines.');
      const notes = await extractionNotes(4);
      expect(notes.map(([state]) => state)).toEqual(['text', 'text', 'text', 'end']);
      expect(notes[1]).toEqual(['text', 'Text: "{\\"not\\": \\"json\\"} "']);
    });

    it('a regular expression: a pattern that does not compile is refused at its field; capture group text is the text', async () => {
      await closeDetailsAndOpenSettings();
      await driver.select('custom-data-mode', 'regex');
      await driver.fill('custom-url', `${mock.url}/custom/stream?shape=tagged`);
      await driver.waitFor(exists('custom-pattern'), 'the pattern field');
      await driver.fill('custom-pattern', '^\\d+\\|(?<text>.*$');
      await clickUntil('save-settings', exists('custom-pattern-problem'), 'the problem at the pattern');
      expect(await driver.evaluate(`document.querySelector('${testid('custom-pattern-problem')}').getAttribute('data-code')`)).toBe(
        'custom-pattern-invalid',
      );
      expect(await driver.evaluate(`document.querySelector('${testid('custom-pattern')}').getAttribute('aria-invalid')`)).toBe('true');
      expect(await driver.evaluate<boolean>(exists('composer'))).toBe(false); // nothing saved, the form stays

      await driver.fill('custom-pattern', '^\\d+\\|(?<text>.*)$');
      await driver.fill('custom-sample', 'data: 0001|Hel\n\ndata: ping');
      await driver.waitFor(`(${NOTES}).length === 2`, 'two sample notes');
      expect(await driver.evaluate(NOTES)).toEqual([
        ['text', 'Text: "Hel"'],
        ['nothing', 'Nothing extracted: the pattern does not match.'],
      ]);
      await saveAndClose('regex');
      expect(await ask('Tagged lines?', ['Read ', 'by a ', 'pattern|!'])).toBe('Read by a pattern|!');
      // Three numbered lines, two pings between them, the end marker.
      const notes = await extractionNotes(6);
      expect(notes.map(([state]) => state)).toEqual(['text', 'nothing', 'text', 'nothing', 'text', 'end']);
      expect(notes[4]).toEqual(['text', 'Text: "pattern|!"']);
    });
  });
}

customSseTests('Chromium', async () => {
  requireBuild(CHROME_E2E_BUILD);
  const mock = await startMockProvider();
  const chrome: ChromiumExtension = await launchChromiumWithExtension(CHROME_E2E_BUILD);
  const panel: Page = await chrome.openExtensionPage('sidepanel.html');
  await panel.setViewportSize({ width: 400, height: 900 });
  const driver: Driver = {
    ...chromiumDriver(panel),
    screenshot: async (file) => {
      await panel.screenshot({ path: artifactPath(file), fullPage: true });
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

customSseTests('Firefox', async () => {
  requireBuild(FIREFOX_E2E_BUILD);
  const mock = await startMockProvider();
  const pages: PageServer = await startPageServer();
  const firefox: FirefoxExtension = await launchFirefoxWithExtension(FIREFOX_E2E_BUILD);
  await firefox.openExtensionPage('sidepanel.html', { from: pages.url('/blank.html') });
  const driver: Driver = {
    ...firefoxDriver(firefox),
    screenshot: async (file) => {
      await firefox.screenshot(artifactPath(file));
    },
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
