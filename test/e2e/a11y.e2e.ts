/**
 * Accessibility of the built panel in real Chromium and real Firefox, against the mock
 * provider: axe-core (injected into the panel page) finds no serious or critical violation
 * on the first-run settings, on a conversation with a markdown answer and a selection card,
 * and on an error answer; the screen-reader live region reads a long answer a few sentences
 * at a time and says when it is complete; and the view follows a streaming answer until the
 * user scrolls up, when "Jump to latest" appears and brings them back to the end.
 *
 * The same checks run in both browsers through a small driver (evaluate, click, fill, wheel).
 */
import axe from 'axe-core';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockProvider, type MockProvider } from '../mock-provider/server.ts';
import { launchChromiumWithExtension, type ChromiumExtension } from './harness/chromium.ts';
import { launchFirefoxWithExtension, type FirefoxExtension } from './harness/firefox.ts';
import { selectTextExpression, startPageServer, type PageServer } from './harness/pages.ts';
import { artifactPath, CHROME_E2E_BUILD, FIREFOX_E2E_BUILD, requireBuild, waitFor } from './harness/paths.ts';

/** What the tests need from a browser, whichever it is. */
interface Driver {
  name: string;
  evaluate<T>(expression: string): Promise<T>;
  /** Poll until the expression is truthy. */
  waitFor(expression: string, what: string, timeoutMs?: number): Promise<void>;
  click(selector: string): Promise<void>;
  fill(testId: string, value: string): Promise<void>;
  /** A real mouse wheel turn over the element (negative: up). */
  wheel(selector: string, deltaY: number): Promise<void>;
  screenshot(name: string): Promise<void>;
}

const q = (testId: string) => `document.querySelector('[data-testid="${testId}"]')`;

// --- axe ---------------------------------------------------------------------------------

interface AxeFinding {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string; html: string; summary: string }[];
}

/** Runs axe-core in the page (injecting it once) and returns its serious and critical violations. */
async function seriousViolations(driver: Driver): Promise<AxeFinding[]> {
  const injected = await driver.evaluate<boolean>(`typeof window.axe === 'object'`);
  if (!injected) await driver.evaluate(`(() => { ${axe.source}\n; return true; })()`);
  const json = await driver.evaluate<string>(`window.axe.run(document, { resultTypes: ['violations'] }).then((r) => JSON.stringify(
    r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), html: n.html.slice(0, 160), summary: n.failureSummary })) }))))`);
  const findings = JSON.parse(json) as AxeFinding[];
  // A11Y_VERBOSE=1 prints the moderate and minor findings too (they do not fail the test).
  if (process.env.A11Y_VERBOSE) console.info(`axe in ${driver.name}:\n${describeFindings(findings) || '  nothing'}`);
  return findings.filter((finding) => finding.impact === 'serious' || finding.impact === 'critical');
}

function describeFindings(findings: AxeFinding[]): string {
  return findings
    .map(
      (f) =>
        `${f.impact}: ${f.id} (${f.help})\n${f.nodes.map((n) => `    ${n.target}\n      ${n.html}\n      ${n.summary.replaceAll('\n', '\n      ')}`).join('\n')}`,
    )
    .join('\n');
}

async function expectNoSeriousViolations(driver: Driver, view: string) {
  const findings = await seriousViolations(driver);
  expect(findings, `axe in ${driver.name}, ${view}:\n${describeFindings(findings)}`).toEqual([]);
}

// --- the answers the mock provider streams -------------------------------------------------

const MARKDOWN_ANSWER = [
  '## Legs',
  '',
  '| Animal | Legs |',
  '|:-------|-----:|',
  '| fox    |    4 |',
  '',
  '```js',
  'const legs = 4;',
  '```',
  '',
  'More at [the zoo](https://example.com/zoo).',
].join('\n');
const deltas = (text: string) => text.match(/[\s\S]{1,17}/gu) ?? [];

/** A long, slow answer: about 190 deltas, a sentence each, a paragraph every fourth. */
const LONG_DELTAS = Array.from(
  { length: 190 },
  (_, i) => `Sentence ${i + 1} of a long answer, about a fox that keeps on running.${i % 4 === 3 ? '\n\n' : ' '}`,
);
const LONG_DELAY_MS = 70;

// --- in-page probes ------------------------------------------------------------------------

const SCROLL = `(() => { const el = ${q('conversation-scroll')}; return { top: el.scrollTop, height: el.scrollHeight, view: el.clientHeight,
  distance: el.scrollHeight - el.clientHeight - el.scrollTop, jump: ${q('jump-to-latest')} !== null,
  status: [...document.querySelectorAll('[data-testid="answer"]')].at(-1)?.getAttribute('data-status') ?? '' }; })()`;
interface ScrollProbe {
  top: number;
  height: number;
  view: number;
  distance: number;
  jump: boolean;
  status: string;
}
const AT_BOTTOM = `(${SCROLL}).distance <= 24`;

/** Records every announcement added to the live region from now on. */
const RECORD_ANNOUNCEMENTS = `(() => { window.__announced = [];
  const region = ${q('live-announcer')};
  new MutationObserver((records) => { for (const r of records) for (const n of r.addedNodes) window.__announced.push(n.textContent); })
    .observe(region, { childList: true });
  return true; })()`;

// --- the checks, for either browser --------------------------------------------------------

function defineChecks(get: () => { driver: Driver; mock: MockProvider }) {
  it('first run: the settings view has no serious axe violation', async () => {
    const { driver } = get();
    await driver.waitFor(q('settings-form'), 'the settings form');
    await expectNoSeriousViolations(driver, 'first-run settings');
  });

  it('a markdown answer and a selection card have no serious axe violation', async () => {
    const { driver, mock } = get();
    await driver.fill('api-key', 'sk-ant-e2e-a11y');
    await driver.fill('base-url', mock.url);
    await driver.click('[data-testid="save-settings"]');
    await driver.waitFor(q('composer'), 'the composer');

    mock.enqueue({ text: deltas(MARKDOWN_ANSWER), delayMs: 10 });
    await driver.fill('composer', 'How many legs?');
    await driver.click('[data-testid="send"]');
    await driver.waitFor(
      `document.querySelector('[data-testid="answer"][data-status="complete"] [data-testid="copy-code"]')`,
      'the answer',
    );
    await driver.waitFor(`document.querySelector('.md a.md-link') && document.querySelector('.md table')`, 'the table and link');
    await driver.click('[data-testid="use-selection"]');
    await driver.waitFor(q('selection-card'), 'the selection card');
    await expectNoSeriousViolations(driver, 'conversation with a markdown answer and a selection card');
    await driver.screenshot('a11y-conversation');
  });

  it('an error answer has no serious axe violation', async () => {
    const { driver, mock } = get();
    mock.enqueue({ httpError: { status: 401 } });
    await driver.fill('composer', 'And birds?');
    await driver.click('[data-testid="send"]');
    await driver.waitFor(q('answer-error'), 'the error answer');
    await expectNoSeriousViolations(driver, 'an error answer');
  });

  it('a comparison of two models, with the picker open, has no serious axe violation', async () => {
    const { driver, mock } = get();
    mock.enqueue({ text: deltas(MARKDOWN_ANSWER), delayMs: 5 }, { text: ['Four ', 'legs.'], delayMs: 5 });
    await driver.fill('composer', 'And cats?');
    await driver.click('[data-testid="compare-open"]');
    await driver.waitFor(q('compare-picker'), 'the compare picker');
    await driver.fill('compare-model', 'claude-haiku-4-5');
    await driver.click('[data-testid="compare-send"]');
    await driver.waitFor(
      `document.querySelectorAll('[data-testid="compare-column"] [data-testid="answer"][data-status="complete"]').length === 2`,
      'both answers of the comparison',
    );
    await driver.click('[data-testid="compare-open"]');
    await driver.waitFor(q('compare-picker'), 'the compare picker again');
    await expectNoSeriousViolations(driver, 'a comparison with the picker open');
    await driver.click('[data-testid="compare-close"]');
  });

  it('follows a long streaming answer, offers Jump to latest once scrolled up, and announces it a few sentences at a time', async () => {
    const { driver, mock } = get();
    const probe = () => driver.evaluate<ScrollProbe>(SCROLL);
    await driver.evaluate(RECORD_ANNOUNCEMENTS);
    mock.enqueue({ text: LONG_DELTAS, delayMs: LONG_DELAY_MS });
    await driver.fill('composer', 'Tell me a long story.');
    await driver.click('[data-testid="send"]');

    // Following: as the answer grows past the view, the end stays in view by itself.
    await driver.waitFor(`(${SCROLL}).height > 2 * (${SCROLL}).view`, 'the answer to outgrow the view', 30_000);
    for (let i = 0; i < 3; i++) {
      const before = await probe();
      await driver.waitFor(`(${SCROLL}).height > ${before.height + 80}`, 'more text', 20_000);
      await driver.waitFor(AT_BOTTOM, 'the view at the end while following', 10_000);
      const now = await probe();
      expect(now.jump, 'no Jump to latest while following').toBe(false);
      expect(now.top).toBeGreaterThan(before.top);
    }
    expect((await probe()).status).toBe('streaming');

    // The user scrolls up: the view stays where they put it, and the button appears.
    await driver.wheel('[data-testid="conversation-scroll"]', -600);
    await driver.waitFor(`${q('jump-to-latest')} !== null`, 'Jump to latest', 10_000);
    // The wheel scrolls smoothly (Firefox animates it): the view gets there over a few frames.
    await driver.waitFor(`(${SCROLL}).distance > 200`, 'the view scrolled up', 10_000);
    const away = await probe();
    expect(away.distance).toBeGreaterThan(200);
    await driver.waitFor(`(${SCROLL}).height > ${away.height + 150}`, 'more text while scrolled up', 20_000);
    const stillAway = await probe();
    expect(Math.abs(stillAway.top - away.top), 'the view did not move while the user reads above').toBeLessThanOrEqual(2);
    expect(stillAway.jump).toBe(true);
    expect(stillAway.status).toBe('streaming');
    await driver.screenshot('a11y-jump-to-latest');
    // Mid-stream, with Stop and Jump to latest on screen.
    await expectNoSeriousViolations(driver, 'a streaming answer with Jump to latest');

    // Jump to latest: back at the end, the button gone, and following again.
    await driver.click('[data-testid="jump-to-latest"]');
    await driver.waitFor(`${AT_BOTTOM} && ${q('jump-to-latest')} === null`, 'the end after Jump to latest', 10_000);
    const back = await probe();
    if (back.status === 'streaming') {
      await driver.waitFor(`(${SCROLL}).height > ${back.height + 80} || (${SCROLL}).status !== 'streaming'`, 'more text', 20_000);
      await driver.waitFor(AT_BOTTOM, 'the view at the end after resuming', 10_000);
    }

    // The live region: far fewer announcements than deltas, whole sentences, then the end.
    await driver.waitFor(`(${SCROLL}).status === 'complete'`, 'the answer to complete', 60_000);
    await driver.waitFor(`window.__announced.some((t) => t.includes('Answer complete.'))`, 'the end announcement', 10_000);
    const announced = await driver.evaluate<string[]>('window.__announced');
    expect(announced.length).toBeGreaterThanOrEqual(2);
    expect(announced.length).toBeLessThan(LONG_DELTAS.length / 4);
    expect(announced.at(-1)).toMatch(/Answer complete\.$/u);
    for (const text of announced.slice(0, -1)) expect(text).toMatch(/\.$/u);
    // Every sentence read exactly once, in order (the last may come with the end or just before it).
    const numbers = [...announced.join(' ').matchAll(/Sentence (\d+) of a long answer/gu)].map((m) => Number(m[1]));
    expect(numbers).toEqual(LONG_DELTAS.map((_, i) => i + 1));
    // The conversation itself is no longer a live region (it would be read token by token).
    expect(await driver.evaluate<number>(`document.querySelectorAll('.conversation[aria-live], main[aria-live]').length`)).toBe(0);
  });
}

// --- Chromium --------------------------------------------------------------------------------

describe('accessibility in Chromium', () => {
  let mock: MockProvider;
  let pages: PageServer;
  let chrome: ChromiumExtension;
  let panel: Page;
  let driver: Driver;

  beforeAll(async () => {
    requireBuild(CHROME_E2E_BUILD);
    mock = await startMockProvider();
    pages = await startPageServer();
    chrome = await launchChromiumWithExtension(CHROME_E2E_BUILD);
    const article = await chrome.context.newPage();
    await article.goto(pages.url('/article.html'));
    await article.evaluate(selectTextExpression('#passage'));
    panel = await chrome.openExtensionPage('sidepanel.html');
    await panel.setViewportSize({ width: 400, height: 640 });
    driver = {
      name: 'Chromium',
      evaluate: (expression) => panel.evaluate(expression),
      // Polled from here: waitForFunction with a string evaluates it in the page, which the
      // extension's CSP forbids (no 'unsafe-eval').
      waitFor: (expression, what, timeoutMs = 15_000) =>
        waitFor(what, async () => ((await panel.evaluate(expression)) ? true : undefined), { timeoutMs, intervalMs: 50 }).then(
          () => {},
        ),
      click: (selector) => panel.click(selector),
      fill: (testId, value) => panel.fill(`[data-testid="${testId}"]`, value),
      wheel: async (selector, deltaY) => {
        const box = (await panel.locator(selector).boundingBox())!;
        await panel.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
        await panel.mouse.wheel(0, deltaY);
      },
      screenshot: async (name) => {
        await panel.screenshot({ path: artifactPath(`${name}-chromium.png`) });
      },
    };
  });

  afterAll(async () => {
    await chrome?.close();
    await pages?.close();
    await mock?.close();
  });

  defineChecks(() => ({ driver, mock }));

  it('the conversation has no serious axe violation in the dark colour scheme either', async () => {
    await panel.emulateMedia({ colorScheme: 'dark' });
    mock.enqueue({ text: LONG_DELTAS, delayMs: LONG_DELAY_MS });
    await driver.fill('composer', 'Once more, in the dark.');
    await driver.click('[data-testid="send"]');
    await driver.waitFor(`${q('stop')} && (${SCROLL}).status === 'streaming'`, 'the answer to stream');
    await expectNoSeriousViolations(driver, 'a streaming answer, dark scheme');
    await driver.click('[data-testid="stop"]');
    await driver.waitFor(`(${SCROLL}).status === 'stopped'`, 'the answer to stop');
    await expectNoSeriousViolations(driver, 'a stopped answer, dark scheme');
    await panel.click('[data-testid="open-settings"]');
    await driver.waitFor(q('settings-form'), 'the settings form');
    await expectNoSeriousViolations(driver, 'settings, dark scheme');
    await panel.emulateMedia({ colorScheme: 'light' });
  });
});

// --- Firefox ---------------------------------------------------------------------------------

describe('accessibility in Firefox', () => {
  let mock: MockProvider;
  let pages: PageServer;
  let firefox: FirefoxExtension;
  let driver: Driver;

  /** The element's BiDi reference, without scrolling it into view (that would move the conversation). */
  const sharedId = async (selector: string) => {
    const node = await firefox.evaluate<{ sharedId?: string } | null>(`document.querySelector(${JSON.stringify(selector)})`);
    if (!node?.sharedId) throw new Error(`no element ${selector}`);
    return node.sharedId;
  };

  beforeAll(async () => {
    requireBuild(FIREFOX_E2E_BUILD);
    mock = await startMockProvider();
    pages = await startPageServer();
    firefox = await launchFirefoxWithExtension(FIREFOX_E2E_BUILD);
    await firefox.openExtensionPage('sidepanel.html', { from: pages.url('/blank.html') });
    const panelTab = firefox.context;
    const articleTab = await firefox.newTab(pages.url('/article.html'));
    await firefox.evaluate(selectTextExpression('#passage'), { context: articleTab });
    firefox.use(panelTab);
    await firefox.bidi.send('browsingContext.setViewport', { context: panelTab, viewport: { width: 400, height: 640 } });
    driver = {
      name: 'Firefox',
      evaluate: (expression) => firefox.evaluate(expression),
      waitFor: async (expression, what, timeoutMs = 15_000) => {
        await firefox.waitFor(expression, { what, timeoutMs });
      },
      click: async (selector) => {
        // The harness's click centres the element first; a floating button must be clicked where it is.
        if (selector.includes('jump-to-latest')) {
          await firefox.bidi.send('input.performActions', {
            context: firefox.context,
            actions: [
              {
                type: 'pointer',
                id: 'a11y-mouse',
                parameters: { pointerType: 'mouse' },
                actions: [
                  { type: 'pointerMove', x: 0, y: 0, origin: { type: 'element', element: { sharedId: await sharedId(selector) } } },
                  { type: 'pointerDown', button: 0 },
                  { type: 'pointerUp', button: 0 },
                ],
              },
            ],
          });
          await firefox.bidi.send('input.releaseActions', { context: firefox.context }).catch(() => {});
        } else {
          await firefox.click(selector);
        }
      },
      fill: async (testId, value) => {
        await firefox.evaluate(
          `(() => { const el = ${q(testId)}; el.value = ${JSON.stringify(value)}; el.dispatchEvent(new Event('input', { bubbles: true })); return true; })()`,
        );
      },
      wheel: async (selector, deltaY) => {
        await firefox.bidi.send('input.performActions', {
          context: firefox.context,
          actions: [
            {
              type: 'wheel',
              id: 'a11y-wheel',
              actions: [
                {
                  type: 'scroll',
                  x: 0,
                  y: 0,
                  deltaX: 0,
                  deltaY,
                  origin: { type: 'element', element: { sharedId: await sharedId(selector) } },
                },
              ],
            },
          ],
        });
      },
      screenshot: async (name) => {
        await firefox.screenshot(artifactPath(`${name}-firefox.png`));
      },
    };
  });

  afterAll(async () => {
    await firefox?.close();
    await pages?.close();
    await mock?.close();
  });

  defineChecks(() => ({ driver, mock }));
});
