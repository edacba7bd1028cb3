/**
 * The history view in real Chromium and real Firefox: conversations seeded into the
 * extension's own IndexedDB (from the panel page, in the store's format), then what a user
 * does: search finds a word from an old answer and marks it, rename, pin, delete and undo,
 * Export all as JSON, clear the store, import the file back (a dry run first, then no
 * duplicates on a second import) and get the same conversations, and open an old
 * conversation and continue it (the provider sees its earlier turns).
 *
 * Downloads are caught in the page: URL.createObjectURL keeps each Blob, and an anchor's
 * click is recorded instead of followed (no download dialog in either browser).
 */
import './harness/node-browser-stub.ts';
import axe from 'axe-core';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockProvider, type MockProvider } from '../mock-provider/server.ts';
import { HISTORY_DB_NAME, storedRecords } from '../../src/storage/history/db.ts';
import { newConversationId, type HistoryConversation } from '../../src/storage/history/schema.ts';
import { launchChromiumWithExtension, type ChromiumExtension } from './harness/chromium.ts';
import { launchFirefoxWithExtension, type FirefoxExtension } from './harness/firefox.ts';
import { startPageServer, type PageServer } from './harness/pages.ts';
import { artifactPath, CHROME_E2E_BUILD, FIREFOX_E2E_BUILD, requireBuild, waitFor } from './harness/paths.ts';
import { catchDownloads, lastDownload } from './harness/downloads.ts';

interface Driver {
  /** Sets an input's value as typing would (the last match of the selector). */
  fill(selector: string, value: string): Promise<void>;
  /** A real pointer click on the last match of the selector. */
  click(selector: string): Promise<void>;
  press(key: 'Enter' | 'Escape'): Promise<void>;
  evaluate<T>(expression: string): Promise<T>;
  waitFor(expression: string, what: string, timeoutMs?: number): Promise<void>;
  screenshot(name: string): Promise<void>;
  /** Sets the page's width (Chromium: the panel's widths are checked there). */
  resize?(width: number): Promise<void>;
}

/** axe-core's serious and critical findings on the page, as "rule: target" lines. */
async function seriousViolations(driver: Driver): Promise<string[]> {
  if (!(await driver.evaluate<boolean>(`typeof window.axe === 'object'`)))
    await driver.evaluate(`(() => { ${axe.source}\n; return true; })()`);
  const json = await driver.evaluate<string>(
    `window.axe.run(document, { resultTypes: ['violations'] }).then((r) => JSON.stringify(r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .flatMap((v) => v.nodes.map((n) => v.id + ': ' + n.target.join(' ')))))`,
  );
  return JSON.parse(json) as string[];
}

const testid = (id: string) => `[data-testid="${id}"]`;
const inRow = (id: string, control: string) => `[data-testid="history-row"][data-id="${id}"] ${testid(control)}`;
const rowCount = `document.querySelectorAll('${testid('history-row')}').length`;
const titles = `[...document.querySelectorAll('${testid('history-row-title')}')].map((el) => el.textContent)`;

const DAY = 86_400_000;
const now = Date.now();
function conversation(question: string, answer: string, ago: number): HistoryConversation {
  const at = now - ago;
  return {
    version: 1,
    id: newConversationId(at),
    createdAt: at,
    updatedAt: at,
    pinned: false,
    page: { title: 'A test page', url: 'http://127.0.0.1/article.html' },
    turns: [
      { role: 'user', text: question },
      { role: 'assistant', requestId: `r-${at}`, text: answer, status: 'complete', stopReason: 'end_turn' },
    ],
  };
}
const foxes = conversation('What do foxes eat?', 'Foxes eat almost anything.', 60_000);
const tides = conversation('Explain the tides', 'The moon pulls the sea.', 3 * DAY);
const music = conversation(
  'Tell me about music',
  `${'Music is organised sound. '.repeat(12)}An orchestra tunes its instruments before playing. ${'More words. '.repeat(12)}`,
  10 * DAY,
);
const seeded = [foxes, tides, music];

/** Writes records the way the store does (conversation and its summary), with the browser's own IndexedDB. */
function seedExpression(conversations: HistoryConversation[]): string {
  const records = conversations.map(storedRecords);
  return `(async () => {
    const db = await new Promise((resolve, reject) => { const r = indexedDB.open(${JSON.stringify(HISTORY_DB_NAME)}); r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });
    const tx = db.transaction(['conversations', 'summaries', 'search'], 'readwrite');
    for (const { conversation, summary, search } of ${JSON.stringify(records)}) { tx.objectStore('conversations').put(conversation); tx.objectStore('summaries').put(summary); tx.objectStore('search').put(search); }
    await new Promise((resolve, reject) => { tx.oncomplete = resolve; tx.onerror = () => reject(tx.error); });
    db.close();
    return true;
  })()`;
}

const clearExpression = `(async () => {
  const db = await new Promise((resolve, reject) => { const r = indexedDB.open(${JSON.stringify(HISTORY_DB_NAME)}); r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });
  const tx = db.transaction(['conversations', 'summaries', 'search'], 'readwrite');
  tx.objectStore('conversations').clear(); tx.objectStore('summaries').clear(); tx.objectStore('search').clear();
  await new Promise((resolve, reject) => { tx.oncomplete = resolve; tx.onerror = () => reject(tx.error); });
  db.close();
  return true;
})()`;

/** Picks a file for the import input, as the file chooser would. */
const pickFile = (name: string, text: string) => `(() => {
  const input = document.querySelector('${testid('history-import-file')}');
  const transfer = new DataTransfer();
  transfer.items.add(new File([${JSON.stringify(text)}], ${JSON.stringify(name)}, { type: 'application/json' }));
  input.files = transfer.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
  return true;
})()`;

interface Envelope {
  format: string;
  version: number;
  conversations: HistoryConversation[];
}
const byId = (list: HistoryConversation[]) => [...list].sort((a, b) => a.id.localeCompare(b.id));

function historyTests(name: string, setup: () => Promise<{ driver: Driver; mock: MockProvider; teardown(): Promise<void> }>) {
  describe(`history view in ${name}`, () => {
    let driver: Driver;
    let mock: MockProvider;
    let teardown: () => Promise<void>;
    let exported: Envelope;

    const reopen = async () => {
      await driver.click(testid('history-close'));
      await driver.waitFor(`!document.querySelector('${testid('history-view')}')`, 'the history view to close');
      await driver.click(testid('open-history'));
      await driver.waitFor(`document.querySelector('${testid('history-view')}')`, 'the history view');
    };

    /** Export all as JSON, and the file it wrote (the export reads the store first: waited for). */
    const exportAll = async () => {
      const before = await driver.evaluate<number>('window.__downloads.length');
      await driver.click(testid('history-export-all'));
      await driver.waitFor(`window.__downloads.length > ${before}`, 'the download');
      return (await driver.evaluate<{ name: string; text: string } | null>(lastDownload))!;
    };

    beforeAll(async () => {
      ({ driver, mock, teardown } = await setup());
      await driver.waitFor(`document.querySelector('${testid('settings-form')}')`, 'the settings form');
      await driver.fill(testid('api-key'), 'sk-ant-e2e-history');
      await driver.fill(testid('base-url'), mock.url);
      await driver.click(testid('save-settings'));
      await driver.waitFor(`document.querySelector('${testid('composer')}')`, 'the composer');
      await driver.evaluate(catchDownloads);
      // The view opens the database (creating it); then the records go in, and the view reads them.
      await driver.click(testid('open-history'));
      await driver.waitFor(`document.querySelector('.history-empty')`, 'the empty history');
      await driver.evaluate(seedExpression(seeded));
      await reopen();
      await driver.waitFor(`${rowCount} === 3`, 'three conversations');
    });

    afterAll(async () => {
      await teardown?.();
    });

    it('lists the conversations by day, newest first, titled by their first question', async () => {
      expect(await driver.evaluate(titles)).toEqual(['What do foxes eat?', 'Explain the tides', 'Tell me about music']);
      const days = await driver.evaluate<string[]>(
        `[...document.querySelectorAll('${testid('history-day')}')].map((el) => el.textContent)`,
      );
      expect(days).toHaveLength(3);
      expect(days[0]).toBe('Today');
    });

    it('search finds a word from an old answer and marks it', async () => {
      await driver.fill(testid('history-search'), 'orchestra');
      await driver.waitFor(`${rowCount} === 1`, 'one result');
      expect(await driver.evaluate(titles)).toEqual(['Tell me about music']);
      const marks = await driver.evaluate<string[]>(
        `[...document.querySelectorAll('${testid('history-match')}')].map((el) => el.textContent)`,
      );
      expect(marks).toEqual(['orchestra']);
      expect(await driver.evaluate(`document.querySelector('${testid('history-snippet')}').textContent`)).toContain(
        'An orchestra tunes',
      );
      // Marks keep their contrast, and every control has a name: axe, on the results.
      expect(await seriousViolations(driver)).toEqual([]);
      await driver.screenshot('history-search');
      await driver.fill(testid('history-search'), '');
      await driver.waitFor(`${rowCount} === 3`, 'the whole list again');
      expect(await seriousViolations(driver)).toEqual([]);
    });

    it('fits the panel at 320 and 700 px: nothing wider than the page', async () => {
      if (!driver.resize) return;
      for (const width of [320, 700]) {
        await driver.resize(width);
        await driver.waitFor(`innerWidth === ${width}`, `a ${width} px page`);
        const overflow = await driver.evaluate<string[]>(
          `[...document.querySelectorAll('.history-view *')].filter((el) => el.getBoundingClientRect().right > innerWidth + 0.5).map((el) => el.className || el.tagName)`,
        );
        expect(overflow, `${width} px`).toEqual([]);
        expect(await driver.evaluate(`document.documentElement.scrollWidth <= innerWidth`)).toBe(true);
        await driver.screenshot(`history-${width}`);
      }
      await driver.resize(360);
    });

    it('rename, pin, delete and undo', async () => {
      await driver.click(inRow(music.id, 'history-rename'));
      await driver.waitFor(
        `document.activeElement?.getAttribute('data-testid') === 'history-rename-input'`,
        'the title field, focused',
      );
      await driver.fill(testid('history-rename-input'), 'Orchestra notes');
      await driver.press('Enter');
      await driver.waitFor(`(${titles}).includes('Orchestra notes')`, 'the new title');

      await driver.click(inRow(tides.id, 'history-pin'));
      await driver.waitFor(`document.querySelector('${testid('history-day')}')?.textContent === 'Pinned'`, 'a Pinned section');
      expect(await driver.evaluate(titles)).toEqual(['Explain the tides', 'What do foxes eat?', 'Orchestra notes']);

      await driver.click(inRow(foxes.id, 'history-delete'));
      await driver.waitFor(`${rowCount} === 2 && document.querySelector('${testid('history-undo')}')`, 'the row gone, and Undo');
      await driver.click(testid('history-undo'));
      await driver.waitFor(`${rowCount} === 3`, 'the row back');

      await reopen();
      await driver.waitFor(`${rowCount} === 3`, 'three conversations');
      expect(await driver.evaluate(titles)).toEqual(['Explain the tides', 'What do foxes eat?', 'Orchestra notes']);
    });

    it('Export all as JSON, clear the store, import it back: the same conversations, with a dry run first and no duplicates', async () => {
      const file = await exportAll();
      expect(file.name).toMatch(/^aside-conversations-\d{4}-\d{2}-\d{2}\.json$/);
      exported = JSON.parse(file.text) as Envelope;
      expect(exported).toMatchObject({ format: 'aside-conversations', version: 1 });
      expect(byId(exported.conversations)).toEqual(byId([{ ...tides, pinned: true }, foxes, { ...music, title: 'Orchestra notes' }]));

      await driver.evaluate(clearExpression);
      await reopen();
      await driver.waitFor(`document.querySelector('.history-empty')`, 'an empty history');

      await driver.evaluate(pickFile(file.name, file.text));
      await driver.waitFor(`document.querySelector('${testid('import-dry-run-summary')}')`, 'the dry run');
      expect(await driver.evaluate(`document.querySelector('${testid('import-dry-run-summary')}').textContent`)).toContain(
        '3 new, 0 already there, 0 rejected.',
      );
      expect(await driver.evaluate(rowCount)).toBe(0);
      await driver.click(testid('import-confirm'));
      await driver.waitFor(`${rowCount} === 3`, 'the imported conversations');
      expect(await driver.evaluate(titles)).toEqual(['Explain the tides', 'What do foxes eat?', 'Orchestra notes']);

      const again = JSON.parse((await exportAll()).text) as Envelope;
      expect(byId(again.conversations)).toEqual(byId(exported.conversations));

      await driver.evaluate(pickFile(file.name, file.text));
      await driver.waitFor(
        `document.querySelector('${testid('import-dry-run-summary')}')?.textContent.includes('0 new, 3 already there, 0 rejected.')`,
        'the second dry run',
      );
      expect(await driver.evaluate(`document.querySelector('${testid('import-confirm')}') === null`)).toBe(true);
      await driver.click(testid('import-cancel'));
    });

    it('a file that is not an export is rejected with the reason', async () => {
      await driver.evaluate(pickFile('notes.json', '{"format": "something-else", "version": 1, "conversations": []}'));
      await driver.waitFor(
        `document.querySelector('${testid('import-dry-run-summary')}')?.textContent.includes('This file is not an export of Aside conversations.')`,
        'the reason',
      );
      await driver.click(testid('import-cancel'));
      expect(await driver.evaluate(rowCount)).toBe(3);
    });

    it('opens an old conversation and continues it', async () => {
      await driver.click(inRow(music.id, 'history-open'));
      await driver.waitFor(
        `!document.querySelector('${testid('history-view')}') && document.querySelector('${testid('composer')}')`,
        'the chat',
      );
      expect(await driver.evaluate(`document.querySelector('${testid('question')} .question-text')?.textContent`)).toBe(
        'Tell me about music',
      );
      mock.enqueue({ text: ['Violins ', 'and cellos.'], delayMs: 5 });
      await driver.fill(testid('composer'), 'Which instruments?');
      await driver.click(testid('send'));
      await driver.waitFor(
        `[...document.querySelectorAll('${testid('answer-text')}')].at(-1)?.textContent === 'Violins and cellos.'`,
        'the answer',
        30_000,
      );
      const body = mock.requests.filter((r) => r.chat).at(-1)!.body as { messages: { role: string; content: string }[] };
      expect(body.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
      expect(body.messages[0]!.content).toBe('Tell me about music');
      expect(body.messages[2]!.content).toBe('Which instruments?');
    });
  });
}

historyTests('Chromium', async () => {
  requireBuild(CHROME_E2E_BUILD);
  const mock = await startMockProvider();
  const chrome: ChromiumExtension = await launchChromiumWithExtension(CHROME_E2E_BUILD);
  const panel: Page = await chrome.openExtensionPage('sidepanel.html');
  await panel.setViewportSize({ width: 360, height: 800 });
  const driver: Driver = {
    fill: (selector, value) => panel.locator(selector).last().fill(value),
    click: (selector) => panel.locator(selector).last().click(),
    press: (key) => panel.keyboard.press(key),
    evaluate: (expression) => panel.evaluate(expression),
    // Polled with evaluate: waitForFunction with a string needs eval, which the panel's CSP forbids.
    waitFor: async (expression, what, timeoutMs = 10_000) => {
      await waitFor(what, async () => ((await panel.evaluate(expression)) ? true : undefined), { timeoutMs });
    },
    screenshot: async (name) => {
      await panel.screenshot({ path: artifactPath(`${name}-chromium.png`) });
    },
    resize: (width) => panel.setViewportSize({ width, height: 800 }),
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

historyTests('Firefox', async () => {
  requireBuild(FIREFOX_E2E_BUILD);
  const mock = await startMockProvider();
  const pages: PageServer = await startPageServer();
  const firefox: FirefoxExtension = await launchFirefoxWithExtension(FIREFOX_E2E_BUILD);
  await firefox.openExtensionPage('sidepanel.html', { from: pages.url('/blank.html') });
  const driver: Driver = {
    fill: async (selector, value) => {
      await firefox.evaluate(
        `(() => { const el = [...document.querySelectorAll('${selector}')].at(-1); el.focus(); el.value = ${JSON.stringify(value)}; el.dispatchEvent(new Event('input', { bubbles: true })); return true; })()`,
      );
    },
    click: async (selector) => {
      await firefox.evaluate(
        `(() => { const all = document.querySelectorAll('${selector}'); document.querySelectorAll('[data-e2e-target]').forEach((el) => el.removeAttribute('data-e2e-target')); all[all.length - 1]?.setAttribute('data-e2e-target', ''); return all.length > 0; })()`,
      );
      await firefox.click('[data-e2e-target]');
    },
    press: (key) => firefox.press([key]),
    evaluate: (expression) => firefox.evaluate(expression),
    waitFor: async (expression, what, timeoutMs = 10_000) => {
      await firefox.waitFor(expression, { what, timeoutMs });
    },
    screenshot: async (name) => {
      await firefox.screenshot(artifactPath(`${name}-firefox.png`));
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
