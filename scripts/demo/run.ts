/**
 * The demo behind `npm start`: the mock provider (answering with demo-answer.ts's summary)
 * and the demo article on 127.0.0.1, a `--mode demo` build preset to that mock, and a
 * browser with Aside loaded, driven by the e2e harness (test/e2e/harness).
 *
 * Headed: the article is open and the user selects, right-clicks and watches; it runs
 * until `stopped` resolves (Ctrl+C) or the browser is closed. Headless: the demo does what
 * a user would in the panel (Use page selection, Summarize), prints the answer as the
 * panel shows it while it streams, saves a screenshot of the panel, and returns.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromiumWithExtension } from '../../test/e2e/harness/chromium.ts';
import { launchFirefoxWithExtension } from '../../test/e2e/harness/firefox.ts';
import { selectTextExpression, startPageServer, type PageServer } from '../../test/e2e/harness/pages.ts';
import { DEMO_SCENARIO } from '../../test/mock-provider/demo-answer.ts';
import { startMockProvider, type MockProvider } from '../../test/mock-provider/server.ts';
import type { StartOptions } from './args.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(HERE, '../..');
export const DEMO_ARTICLE_HTML = readFileSync(join(HERE, 'article.html'), 'utf8');
/** The paragraph the headless run selects. */
export const DEMO_PASSAGE_SELECTOR = '#passage';

export const DEMO_BUILDS = {
  chromium: join(REPO_ROOT, '.output/chrome-mv3-demo'),
  firefox: join(REPO_ROOT, '.output/firefox-mv3-demo'),
};

export interface DemoOutput {
  /** A line of progress or instructions. */
  log(line: string): void;
  /** Answer text as it streams (no newline added). */
  write(text: string): void;
}

export interface DemoResult {
  /** The answer as the panel showed it at the end (headless only, else ''). */
  answer: string;
  /** The panel's screenshot (headless only). */
  screenshot: string | null;
}

/** What the headless run needs from a browser: the panel's page, to read and click in. */
interface PanelDriver {
  evaluate<T>(expression: string): Promise<T>;
  click(testId: string): Promise<void>;
  reload(): Promise<void>;
  screenshot(file: string): Promise<void>;
}

const testId = (id: string) => `[data-testid="${id}"]`;

/** `wxt build --mode demo`, with the mock's address baked into the demo preset (src/background/demo-preset.ts). */
export async function buildDemo(browser: StartOptions['browser'], mockUrl: string, signal?: AbortSignal): Promise<string> {
  const args = [
    join(REPO_ROOT, 'node_modules/wxt/bin/wxt.mjs'),
    'build',
    '--mode',
    'demo',
    ...(browser === 'firefox' ? ['-b', 'firefox', '--mv3'] : []),
  ];
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, WXT_DEMO_MOCK_URL: mockUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
    signal,
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((done, fail) => {
    child.once('error', fail);
    child.once('exit', done);
  });
  if (code !== 0) throw new Error(`the demo build failed (wxt build exited with ${code}):\n${output.trim()}`);
  return DEMO_BUILDS[browser];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== null && value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error; // the page may be reloading; try again
    }
    await sleep(50);
  }
  const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
  throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${detail}`);
}

/** The last answer as the panel shows it (innerText keeps the lines of headings, lists and tables). */
const LAST_ANSWER = `(() => {
  const all = document.querySelectorAll('${testId('answer')}');
  const el = all[all.length - 1];
  return el ? { text: el.querySelector('${testId('answer-text')}')?.innerText ?? '', status: el.getAttribute('data-status') ?? '',
    error: el.querySelector('${testId('answer-error')}')?.textContent ?? '' } : null;
})()`;

const PRESET_STORED = `(async () => {
  const api = globalThis.browser ?? globalThis.chrome;
  return Boolean((await api.storage.local.get('apiKeys')).apiKeys);
})()`;

/** Drives the panel the way a user does, prints the answer while it streams, saves the screenshot. */
async function askInPanel(panel: PanelDriver, out: DemoOutput, screenshot: string): Promise<string> {
  // The background presets the mock at its first start; a panel opened before that shows the settings.
  await until('the demo preset to be stored', () => panel.evaluate<boolean>(PRESET_STORED));
  const first = await until('the panel to show the composer or the settings', () =>
    panel.evaluate<string | null>(
      `document.querySelector('${testId('composer')}') ? 'composer' : document.querySelector('${testId('settings-form')}') ? 'settings' : null`,
    ),
  );
  if (first === 'settings') {
    await panel.reload();
    await until('the panel to show the composer', () =>
      panel.evaluate<boolean>(`Boolean(document.querySelector('${testId('composer')}'))`),
    );
  }
  await panel.click('use-selection');
  await until('the selection to reach the panel', () =>
    panel.evaluate<boolean>(`Boolean(document.querySelector('${testId('selection-card')}'))`),
  );
  await panel.click('summarize');
  out.log('Summarize with Aside: the answer as the panel shows it while it streams:\n');
  let printed = '';
  const answer = await until(
    'the answer to finish',
    async () => {
      const state = await panel.evaluate<{ text: string; status: string; error: string } | null>(LAST_ANSWER);
      if (!state) return null;
      // The renderer may redraw the tail (a table row completing): print only what extends what is out.
      if (state.text.startsWith(printed)) {
        out.write(state.text.slice(printed.length));
        printed = state.text;
      }
      if (state.status === 'streaming' || state.status === 'retrying' || state.status === '') return null;
      return state;
    },
    60_000,
  );
  if (!answer.text.startsWith(printed) || printed !== answer.text) out.write(`\n\n${answer.text}`);
  out.write('\n\n');
  if (answer.status !== 'complete') throw new Error(`the answer ended "${answer.status}": ${answer.error || '(no message)'}`);
  mkdirSync(dirname(screenshot), { recursive: true });
  await panel.screenshot(screenshot);
  out.log(`Screenshot of the panel: ${screenshot}`);
  return answer.text;
}

function instructions(article: string, browser: string): string {
  return `
${browser} is open with Aside loaded and the demo article at ${article}.
  1. Select a paragraph of the article.
  2. Right-click it and pick "Summarize with Aside" (or press Alt+Shift+A).
  3. Watch the answer stream into the ${browser === 'Firefox' ? 'sidebar' : 'side panel'}.
The mock provider answers every question with a summary of your selection. Ctrl+C stops everything.`;
}

/** Runs the demo; every server and browser it started is stopped before it returns or throws. */
export async function runDemo(
  options: StartOptions,
  browserPath: string,
  out: DemoOutput,
  stopped: Promise<void> = new Promise(() => {}),
): Promise<DemoResult> {
  const cleanups: (() => Promise<void>)[] = [];
  // Ctrl+C during a headless run (or during the build) gives up at once; finally cleans up.
  const interrupted = stopped.then(() => {
    throw new Error('stopped (Ctrl+C)');
  });
  interrupted.catch(() => {});
  const abortBuild = new AbortController();
  void stopped.then(() => abortBuild.abort());
  const orStop = <T>(work: Promise<T>): Promise<T> => Promise.race([work, interrupted]);
  try {
    const mock: MockProvider = await startMockProvider({ defaultScenario: DEMO_SCENARIO });
    cleanups.push(() => mock.close());
    const pages: PageServer = await startPageServer({ '/': DEMO_ARTICLE_HTML, '/article.html': DEMO_ARTICLE_HTML });
    cleanups.push(() => pages.close());
    out.log(`Mock provider: ${mock.url}   Demo article: ${pages.url()}`);
    out.log(`Building Aside in demo mode for ${options.browser === 'firefox' ? 'Firefox' : 'Chromium'}…`);
    const build = await orStop(buildDemo(options.browser, mock.url, abortBuild.signal));
    out.log(`Built ${build}; starting ${browserPath}${options.headless ? ' (headless)' : ''}…`);
    const screenshot = resolve(options.screenshot ?? join(REPO_ROOT, `.output/demo-panel-${options.browser}.png`));

    if (options.browser === 'chromium') {
      if (!/chromium/i.test(basename(browserPath))) {
        out.log(
          'Note: Google Chrome 137+ no longer loads an unpacked extension from the command line; if Aside does not start, install Chromium.',
        );
      }
      const chrome = await launchChromiumWithExtension(build, {
        headless: options.headless,
        executablePath: browserPath,
        timeoutMs: 30_000,
        noViewport: !options.headless,
        keepSignals: true,
      });
      cleanups.unshift(() => chrome.close());
      const article = chrome.context.pages()[0] ?? (await chrome.context.newPage());
      await article.goto(pages.url());
      if (!options.headless) {
        out.log(instructions(pages.url(), 'Chromium'));
        await Promise.race([stopped, new Promise((r) => chrome.context.once('close', r))]);
        return { answer: '', screenshot: null };
      }
      await article.evaluate(selectTextExpression(DEMO_PASSAGE_SELECTOR));
      const page = await chrome.openExtensionPage('sidepanel.html');
      await page.setViewportSize({ width: 400, height: 1000 });
      const answer = await orStop(
        askInPanel(
          {
            evaluate: (expression) => page.evaluate(expression),
            click: (id) => page.click(testId(id)),
            reload: async () => void (await page.reload()),
            screenshot: async (file) => void (await page.screenshot({ path: file })),
          },
          out,
          screenshot,
        ),
      );
      return { answer, screenshot };
    }

    const firefox = await launchFirefoxWithExtension(build, {
      headless: options.headless,
      executablePath: browserPath,
      timeoutMs: 30_000,
    });
    cleanups.unshift(() => firefox.close());
    if (!options.headless) {
      await firefox.navigate(pages.url());
      out.log(instructions(pages.url(), 'Firefox'));
      // The harness has no exit event: a closed Firefox shows as a BiDi command that fails.
      const closed = (async () => {
        for (;;) {
          await sleep(1000);
          if (
            !(await firefox.bidi.send('session.status', {}, 3000).then(
              () => true,
              () => false,
            ))
          )
            return;
        }
      })();
      await Promise.race([stopped, closed]);
      return { answer: '', screenshot: null };
    }
    await firefox.openExtensionPage('sidepanel.html', { from: pages.url('/blank.html') });
    const panelTab = firefox.context;
    await firefox.bidi
      .send('browsingContext.setViewport', { context: panelTab, viewport: { width: 400, height: 1000 } })
      .catch(() => {});
    const articleTab = await firefox.newTab(pages.url());
    await firefox.evaluate(selectTextExpression(DEMO_PASSAGE_SELECTOR), { context: articleTab });
    const answer = await orStop(
      askInPanel(
        {
          evaluate: (expression) => firefox.evaluate(expression, { context: panelTab }),
          click: (id) => firefox.click(testId(id), { context: panelTab }),
          reload: async () => void (await firefox.evaluate('location.reload(); true', { context: panelTab })),
          screenshot: async (file) => void (await firefox.screenshot(file, { context: panelTab })),
        },
        out,
        screenshot,
      ),
    );
    return { answer, screenshot };
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => {});
  }
}
