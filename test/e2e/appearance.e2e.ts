/**
 * Theme, text size and layout in the built extension, in real Chromium and real Firefox,
 * against the mock provider: the theme follows the system by default, a chosen one applies
 * at once, before the panel renders on the next open, and across a reload; the text size
 * scales the panel; and at 320 px (the narrowest side panel) nothing sticks out sideways,
 * in the conversation (a selection, a long answer with a table, wide code, a long URL and
 * long unbroken words) or in settings, while at 700 px the conversation keeps a readable
 * column. Chromium also takes the README's screenshots, light and dark.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockProvider, type MockProvider } from '../mock-provider/server.ts';
import { launchChromiumWithExtension, type ChromiumExtension } from './harness/chromium.ts';
import { launchFirefoxWithExtension, type FirefoxExtension } from './harness/firefox.ts';
import { CONVERSATION_COLUMN, HORIZONTAL_OVERFLOW } from './harness/layout.ts';
import { selectTextExpression, startPageServer, type PageServer } from './harness/pages.ts';
import { artifactPath, CHROME_E2E_BUILD, FIREFOX_E2E_BUILD, publishScreenshot, requireBuild } from './harness/paths.ts';

/** `--bg` in src/panel/panel.css, as getComputedStyle reports it. */
const LIGHT_BG = 'rgb(255, 255, 255)';
const DARK_BG = 'rgb(28, 28, 31)';
/** The root font sizes of the text-size steps (panel.css). */
const ROOT_FONT_PX = { small: 13, default: 14, large: 16, larger: 18 } as const;

// --- The pages and answers ------------------------------------------------------------

const CACHING_PASSAGE =
  'A cache stores a copy of a response and serves it again while it is fresh. Once it is stale, the cache revalidates it with the origin server, which answers 304 Not Modified when its ETag or Last-Modified validator still matches.';
const CACHING_HTML = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>HTTP caching, explained</title></head>
<body><h1>HTTP caching</h1><p id="passage">${CACHING_PASSAGE}</p></body></html>`;

/** The README's answer: a heading, a list, a table and highlighted code, as a model writes them. */
const CACHING_ANSWER = [
  '## HTTP caching in short',
  '',
  'A response is reused **while it is fresh**; after that the cache *asks* the server again.',
  '',
  '- **Fresh**: served from the cache, no request at all.',
  '- **Stale**: revalidated with a conditional request.',
  '- **Unchanged**: the server answers `304 Not Modified`, with no body.',
  '',
  '| Header | Role |',
  '|:--|:--|',
  '| `Cache-Control` | How long it stays fresh |',
  '| `ETag` | A version tag to compare |',
  '| `Last-Modified` | A date to compare |',
  '',
  '```js',
  '// Revalidate even a fresh copy',
  'const res = await fetch(url, {',
  "  cache: 'no-cache',",
  '});',
  'console.log(res.status); // 200',
  '```',
].join('\n');

const LONG_WORD = 'Donaudampfschifffahrtselektrizitätenhauptbetriebswerkbauunterbeamtengesellschaft';
const LONG_URL = `https://example.com/a/very/long/path/${'segment/'.repeat(12)}index.html?query=${'x'.repeat(60)}`;
const STRESS_PASSAGE = `${LONG_WORD} ${'ab'.repeat(70)} ${LONG_URL}`;
const STRESS_HTML = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${'A title with no spaces '.replaceAll(' ', '_').repeat(5)}</title></head>
<body><p id="passage">${STRESS_PASSAGE}</p></body></html>`;

/** Everything that can push a narrow panel sideways. */
const STRESS_ANSWER = [
  '# A long answer',
  '',
  `A long word: ${LONG_WORD}, and another: ${'z'.repeat(120)}.`,
  '',
  `A bare URL: ${LONG_URL}`,
  '',
  `A link: [${LONG_URL}](${LONG_URL}) and inline code: \`${'inline_code_without_spaces_'.repeat(5)}\`.`,
  '',
  '| Column one | Column two | Column three | Column four | Column five | Column six |',
  '|---|---|---|---|---|---|',
  `| ${LONG_WORD} | some text | more text | a number 12345 | ${LONG_URL} | end |`,
  '| a | b | c | d | e | f |',
  '',
  '```python',
  `def very_long_function_name_for_testing(${Array.from({ length: 8 }, (_, i) => `argument_number_${i}`).join(', ')}):`,
  '    return "a string literal that is deliberately far too long to fit on one line of a narrow panel"',
  '```',
  '',
  '> A quote with a long word in it: ' + LONG_WORD,
  '',
  ...Array.from({ length: 6 }, (_, i) => `${i + 1}. A list item that wraps onto a second line in a narrow panel, item ${i + 1}.`),
].join('\n');

/** Cuts an answer into deltas of a few characters (the way a provider streams). */
const deltas = (text: string) => text.match(/[\s\S]{1,24}/gu) ?? [];

// --- In the page ------------------------------------------------------------------------

const q = (testId: string) => `document.querySelector('[data-testid="${testId}"]')`;

/** The applied theme, as the attribute, the colour scheme and the body's background. */
const THEME_STATE = `(() => ({
  attribute: document.documentElement.dataset.theme ?? null,
  colorScheme: getComputedStyle(document.documentElement).colorScheme,
  background: getComputedStyle(document.body).backgroundColor,
}))()`;
type ThemeState = { attribute: string; colorScheme: string; background: string };

/** The root font size, the body's (which must inherit it) and the header title's (a rem size), in px. */
const FONT_STATE = `(() => ({
  attribute: document.documentElement.dataset.fontSize ?? null,
  root: parseFloat(getComputedStyle(document.documentElement).fontSize),
  body: parseFloat(getComputedStyle(document.body).fontSize),
  title: parseFloat(getComputedStyle(document.querySelector('.panel-header h1')).fontSize),
}))()`;
type FontState = { attribute: string; root: number; body: number; title: number };

/**
 * Installed before the panel's scripts run: records the theme on <html> when the panel
 * first puts something into #app, so a test can see it was never rendered in another one.
 */
const RECORD_THEME_AT_FIRST_RENDER = `(() => {
  const observer = new MutationObserver(() => {
    const app = document.getElementById('app');
    if (app && app.childElementCount > 0) {
      window.__themeAtFirstRender = document.documentElement.dataset.theme ?? 'none';
      observer.disconnect();
    }
  });
  observer.observe(document, { childList: true, subtree: true });
})()`;

const expectRatio = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThan(0.05);

// --- Chromium -----------------------------------------------------------------------------

describe('appearance in Chromium', () => {
  let mock: MockProvider;
  let pages: PageServer;
  let chrome: ChromiumExtension;
  let panel: Page;
  let article: Page;

  const themeState = () => panel.evaluate<ThemeState>(THEME_STATE);
  const fontState = () => panel.evaluate<FontState>(FONT_STATE);
  const overflow = () => panel.evaluate<string[]>(HORIZONTAL_OVERFLOW);
  const waitForBackground = (background: string) =>
    panel.waitForFunction((want) => getComputedStyle(document.body).backgroundColor === want, background);

  /** Puts the article's passage in the panel as the pending selection (the card above the composer). */
  const selectPassage = async (path: string) => {
    await article.goto(pages.url(path));
    await article.evaluate(selectTextExpression('#passage'));
    await panel.click('[data-testid="use-selection"]');
    await panel.locator('[data-testid="selection-card"]').waitFor();
  };

  const answerComplete = (count: number) =>
    panel.waitForFunction((n) => document.querySelectorAll('[data-testid="answer"][data-status="complete"]').length === n, count, {
      timeout: 30_000,
    });

  beforeAll(async () => {
    requireBuild(CHROME_E2E_BUILD);
    mock = await startMockProvider();
    pages = await startPageServer({ '/caching.html': CACHING_HTML, '/stress.html': STRESS_HTML });
    chrome = await launchChromiumWithExtension(CHROME_E2E_BUILD);
    article = await chrome.context.newPage();
    panel = await chrome.openExtensionPage('sidepanel.html');
    await panel.addInitScript(RECORD_THEME_AT_FIRST_RENDER);
    await panel.setViewportSize({ width: 400, height: 680 });
    await panel.emulateMedia({ colorScheme: 'light' });
    await panel.locator('[data-testid="settings-form"]').waitFor();
  });

  afterAll(async () => {
    await chrome?.close();
    await pages?.close();
    await mock?.close();
  });

  it('follows the system’s colour scheme by default, and a chosen theme at once, over it', async () => {
    expect(await panel.inputValue('[data-testid="theme-select"]')).toBe('system');
    expect(await themeState()).toEqual({ attribute: 'system', colorScheme: 'light dark', background: LIGHT_BG });
    await panel.emulateMedia({ colorScheme: 'dark' });
    await waitForBackground(DARK_BG);

    await panel.emulateMedia({ colorScheme: 'light' });
    await waitForBackground(LIGHT_BG);
    await panel.selectOption('[data-testid="theme-select"]', 'dark');
    await waitForBackground(DARK_BG);
    expect(await themeState()).toEqual({ attribute: 'dark', colorScheme: 'dark', background: DARK_BG });

    // Light over a dark system.
    await panel.emulateMedia({ colorScheme: 'dark' });
    await panel.selectOption('[data-testid="theme-select"]', 'light');
    await waitForBackground(LIGHT_BG);
    expect(await themeState()).toEqual({ attribute: 'light', colorScheme: 'light', background: LIGHT_BG });
    await panel.emulateMedia({ colorScheme: 'light' });
  });

  it('keeps the chosen theme across a reload, applied before the panel first renders', async () => {
    await panel.selectOption('[data-testid="theme-select"]', 'dark');
    await waitForBackground(DARK_BG);
    await panel.reload();
    await panel.locator('[data-testid="settings-form"]').waitFor();
    expect(await panel.evaluate(() => (window as unknown as { __themeAtFirstRender?: string }).__themeAtFirstRender)).toBe('dark');
    expect(await themeState()).toEqual({ attribute: 'dark', colorScheme: 'dark', background: DARK_BG });
    expect(await panel.inputValue('[data-testid="theme-select"]')).toBe('dark');

    await panel.selectOption('[data-testid="theme-select"]', 'system');
    await waitForBackground(LIGHT_BG);
    expect((await themeState()).attribute).toBe('system');
  });

  it('the text size scales the panel at once, and is kept across a reload', async () => {
    const before = await fontState();
    // The body too: Chrome's own stylesheet for extension pages sets it to 75 %.
    expect(before).toMatchObject({ attribute: 'default', root: ROOT_FONT_PX.default, body: ROOT_FONT_PX.default });
    await panel.selectOption('[data-testid="font-size-select"]', 'large');
    await panel.waitForFunction(() => document.documentElement.dataset.fontSize === 'large');
    const large = await fontState();
    expect(large).toMatchObject({ root: ROOT_FONT_PX.large, body: ROOT_FONT_PX.large });
    expectRatio(large.title / before.title, ROOT_FONT_PX.large / ROOT_FONT_PX.default);

    await panel.reload();
    await panel.locator('[data-testid="settings-form"]').waitFor();
    expect((await fontState()).root).toBe(ROOT_FONT_PX.large);
    expect(await panel.inputValue('[data-testid="font-size-select"]')).toBe('large');

    await panel.selectOption('[data-testid="font-size-select"]', 'small');
    await panel.waitForFunction(() => document.documentElement.dataset.fontSize === 'small');
    expect((await fontState()).root).toBe(ROOT_FONT_PX.small);
    await panel.selectOption('[data-testid="font-size-select"]', 'default');
    await panel.waitForFunction(() => document.documentElement.dataset.fontSize === 'default');
  });

  it('settings fit 320 px, at every text size', async () => {
    await panel.setViewportSize({ width: 320, height: 760 });
    for (const size of ['default', 'larger'] as const) {
      await panel.selectOption('[data-testid="font-size-select"]', size);
      await panel.waitForFunction((want) => document.documentElement.dataset.fontSize === want, size);
      expect(await overflow(), size).toEqual([]);
      await panel.screenshot({ path: artifactPath(`appearance-settings-320-${size}.png`), fullPage: true });
    }
    await panel.selectOption('[data-testid="font-size-select"]', 'default');
    await panel.setViewportSize({ width: 400, height: 680 });
  });

  it('takes the README’s screenshots: a markdown answer about a selection, light and dark', async () => {
    await panel.fill('[data-testid="api-key"]', 'sk-ant-e2e-appearance');
    await panel.fill('[data-testid="base-url"]', mock.url);
    await panel.click('[data-testid="save-settings"]');
    await panel.locator('[data-testid="composer"]').waitFor();

    await selectPassage('/caching.html');
    mock.enqueue({ text: deltas(CACHING_ANSWER), delayMs: 4 });
    await panel.click('[data-testid="summarize"]');
    await answerComplete(1);
    await panel.waitForFunction(() => document.querySelector('.md-code pre > code .hljs-keyword') !== null);
    // The first question's selection, open, as a reader would look at it.
    await panel.locator('[data-testid="question"] [data-testid="selection"] summary').click();
    // Tall enough for the whole conversation, its answer actions included: no Jump to latest.
    await panel.setViewportSize({ width: 400, height: 900 });
    const hidden = await panel.evaluate(() => {
      const scroll = document.querySelector('.conversation-scroll')!;
      return scroll.scrollHeight - scroll.clientHeight;
    });
    await panel.setViewportSize({ width: 400, height: 900 + Math.ceil(hidden) });
    await panel.evaluate(() => document.querySelector('.conversation-scroll')?.scrollTo(0, 0));
    await panel.locator('[data-testid="jump-to-latest"]').waitFor({ state: 'detached' });
    for (const theme of ['light', 'dark'] as const) {
      await panel.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await panel.emulateMedia({ colorScheme: theme });
      await waitForBackground(theme === 'light' ? LIGHT_BG : DARK_BG);
      expect(await overflow(), theme).toEqual([]);
      const shot = artifactPath(`panel-${theme}.png`);
      await panel.screenshot({ path: shot });
      publishScreenshot(shot, `panel-${theme}.png`);
    }
    await panel.emulateMedia({ colorScheme: 'light' });
  });

  it('a long answer, wide code, long URLs and words, and a selection fit 320 px; 700 px keeps a readable column', async () => {
    await panel.fill('[data-testid="composer"]', `Check these: ${LONG_WORD}${LONG_WORD} ${LONG_URL}`);
    mock.enqueue({ text: deltas(STRESS_ANSWER), delayMs: 2 });
    await panel.click('[data-testid="send"]');
    await answerComplete(2);
    await selectPassage('/stress.html');

    for (const width of [320, 700]) {
      await panel.setViewportSize({ width, height: 900 });
      for (const theme of ['light', 'dark'] as const) {
        await panel.emulateMedia({ colorScheme: theme });
        await waitForBackground(theme === 'light' ? LIGHT_BG : DARK_BG);
        expect(await overflow(), `${width} px`).toEqual([]);
        // For a person to look at: the top, the long answer, its end.
        await panel.evaluate(() => document.querySelector('.conversation-scroll')?.scrollTo(0, 0));
        await panel.screenshot({ path: artifactPath(`appearance-conversation-${width}-${theme}.png`) });
        await panel.evaluate(() => document.querySelectorAll('.md-table')[1]?.scrollIntoView());
        await panel.screenshot({ path: artifactPath(`appearance-conversation-${width}-${theme}-long.png`) });
        await panel.evaluate(() => document.querySelector('.conversation-scroll')?.scrollTo(0, 1e6));
        await panel.screenshot({ path: artifactPath(`appearance-conversation-${width}-${theme}-end.png`) });
      }
    }
    // 700 px: the column is at most 40rem wide, and centred.
    const column = await panel.evaluate<{ left: number; right: number; width: number; rem: number }>(CONVERSATION_COLUMN);
    expect(column.width).toBeLessThanOrEqual(40 * column.rem + 0.5);
    expect(Math.abs(column.left - column.right)).toBeLessThan(2);

    await panel.setViewportSize({ width: 320, height: 900 });
    await panel.click('[data-testid="open-settings"]');
    await panel.locator('[data-testid="settings-form"]').waitFor();
    expect(await overflow(), 'settings with a saved key').toEqual([]);
    await panel.screenshot({ path: artifactPath('appearance-settings-320-saved.png'), fullPage: true });
    await panel.emulateMedia({ colorScheme: 'light' });
  });
});

// --- Firefox ------------------------------------------------------------------------------

describe('appearance in Firefox', () => {
  let mock: MockProvider;
  let pages: PageServer;
  let firefox: FirefoxExtension;

  /** Sets a control's value the way Preact hears it. */
  const set = (testId: string, value: string, event: 'input' | 'change') =>
    firefox.evaluate(
      `(() => { const el = ${q(testId)}; el.value = ${JSON.stringify(value)}; el.dispatchEvent(new Event('${event}', { bubbles: true })); return true; })()`,
    );
  const themeState = () => firefox.evaluate<ThemeState>(THEME_STATE);
  const waitForBackground = (background: string) =>
    firefox.waitFor(`getComputedStyle(document.body).backgroundColor === ${JSON.stringify(background)}`, {
      what: `the background ${background}`,
      timeoutMs: 30_000,
    });
  const setViewport = (width: number, height: number) =>
    firefox.bidi.send('browsingContext.setViewport', { context: firefox.context, viewport: { width, height } });

  beforeAll(async () => {
    requireBuild(FIREFOX_E2E_BUILD);
    mock = await startMockProvider();
    pages = await startPageServer();
    // Firefox ESR's WebDriver BiDi cannot emulate prefers-color-scheme at run time (no
    // emulation.setMediaFeaturesOverride), so this Firefox starts with a dark system
    // instead: 'system' must then be dark, which is not what a default profile shows.
    firefox = await launchFirefoxWithExtension(FIREFOX_E2E_BUILD, { extraPrefs: { 'ui.systemUsesDarkTheme': 1 } });
    await firefox.openExtensionPage('sidepanel.html', { from: pages.url('/blank.html') });
    await setViewport(400, 760);
    await firefox.waitFor(q('settings-form'), { what: 'the settings form', timeoutMs: 30_000 });
  });

  afterAll(async () => {
    await firefox?.close();
    await pages?.close();
    await mock?.close();
  });

  it('follows the (dark) system by default, and a chosen theme at once, kept across a reload', async () => {
    expect(await firefox.evaluate(`matchMedia('(prefers-color-scheme: dark)').matches`)).toBe(true);
    expect(await firefox.evaluate(`${q('theme-select')}.value`)).toBe('system');
    expect(await themeState()).toEqual({ attribute: 'system', colorScheme: 'light dark', background: DARK_BG });

    await set('theme-select', 'light', 'change');
    await waitForBackground(LIGHT_BG);
    expect(await themeState()).toEqual({ attribute: 'light', colorScheme: 'light', background: LIGHT_BG });

    await set('theme-select', 'dark', 'change');
    await waitForBackground(DARK_BG);
    expect(await themeState()).toEqual({ attribute: 'dark', colorScheme: 'dark', background: DARK_BG });

    // Light, kept across a reload: the opposite of the system, so the system cannot be what shows.
    await set('theme-select', 'light', 'change');
    await waitForBackground(LIGHT_BG);
    // A mark on the old document tells it apart from the reloaded one.
    await firefox.evaluate('window.__beforeReload = true; location.reload(), true');
    await firefox.waitFor(`!window.__beforeReload && ${q('theme-select')}?.value === 'light'`, {
      what: 'the saved theme in settings',
      timeoutMs: 30_000,
    });
    expect(await themeState()).toEqual({ attribute: 'light', colorScheme: 'light', background: LIGHT_BG });
    await firefox.screenshot(artifactPath('appearance-firefox-light.png'));

    await set('theme-select', 'system', 'change');
    await waitForBackground(DARK_BG);
  });

  it('the text size scales the panel', async () => {
    const before = await firefox.evaluate<FontState>(FONT_STATE);
    expect(before).toMatchObject({ root: ROOT_FONT_PX.default, body: ROOT_FONT_PX.default });
    await set('font-size-select', 'larger', 'change');
    await firefox.waitFor(`document.documentElement.dataset.fontSize === 'larger'`, { what: 'the larger size', timeoutMs: 30_000 });
    const larger = await firefox.evaluate<FontState>(FONT_STATE);
    expect(larger).toMatchObject({ root: ROOT_FONT_PX.larger, body: ROOT_FONT_PX.larger });
    expectRatio(larger.title / before.title, ROOT_FONT_PX.larger / ROOT_FONT_PX.default);
  });

  it('settings and a long conversation fit 320 px', async () => {
    await setViewport(320, 760);
    // Still at the larger size: the hardest case.
    expect(await firefox.evaluate<string[]>(HORIZONTAL_OVERFLOW), 'settings').toEqual([]);
    await firefox.screenshot(artifactPath('appearance-firefox-settings-320.png'));
    await set('font-size-select', 'default', 'change');

    await set('api-key', 'sk-ant-e2e-appearance', 'input');
    await set('base-url', mock.url, 'input');
    await firefox.click('[data-testid="save-settings"]');
    await firefox.waitFor(q('composer'), { what: 'the composer', timeoutMs: 30_000 });
    mock.enqueue({ text: deltas(STRESS_ANSWER), delayMs: 2 });
    await set('composer', `Check these: ${LONG_WORD}${LONG_WORD} ${LONG_URL}`, 'input');
    await firefox.click('[data-testid="send"]');
    await firefox.waitFor(`document.querySelector('[data-testid="answer"][data-status="complete"]')`, {
      what: 'the complete answer',
      timeoutMs: 30_000,
    });
    expect(await firefox.evaluate<string[]>(HORIZONTAL_OVERFLOW), 'conversation').toEqual([]);
    await firefox.screenshot(artifactPath('appearance-firefox-conversation-320.png'));
  });
});
