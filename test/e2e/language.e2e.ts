/**
 * The interface language in the built extension, in real Chromium and real Firefox: the
 * browser's language by default (English here), and 中文 chosen in settings, which
 * re-renders the panel at once, words errors in Chinese too, and is kept across a reload.
 * The Chinese screenshot is the README's (docs/, with UPDATE_SCREENSHOTS=1).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromiumWithExtension, type ChromiumExtension } from './harness/chromium.ts';
import { launchFirefoxWithExtension, type FirefoxExtension } from './harness/firefox.ts';
import { startPageServer, type PageServer } from './harness/pages.ts';
import { artifactPath, CHROME_E2E_BUILD, FIREFOX_E2E_BUILD, publishScreenshot, requireBuild } from './harness/paths.ts';

// From locales/zh_CN.yml (`settings`, `error_url_scheme`) and locales/en.yml.
const SETTINGS_EN = 'Settings';
const SETTINGS_ZH = '设置';
const SCHEME_PROBLEM_ZH = '基础 URL 必须以 https:// 或 http:// 开头。';

let pages: PageServer;

beforeAll(async () => {
  pages = await startPageServer();
});

afterAll(async () => {
  await pages?.close();
});

describe('Chromium', () => {
  let chromium: ChromiumExtension;
  let panel: Page;

  beforeAll(async () => {
    requireBuild(CHROME_E2E_BUILD);
    chromium = await launchChromiumWithExtension(CHROME_E2E_BUILD);
    panel = await chromium.openExtensionPage('sidepanel.html');
    await panel.setViewportSize({ width: 400, height: 640 });
  });

  afterAll(async () => {
    await chromium?.close();
  });

  it('speaks the browser’s language, then 中文 from settings at once, errors included, and keeps it', async () => {
    await panel.locator('[data-testid="settings-form"]').waitFor();
    expect(await panel.locator('[data-testid="open-settings"]').textContent()).toBe(SETTINGS_EN);
    expect(await panel.evaluate(() => document.documentElement.lang)).toBe('en');

    await panel.selectOption('[data-testid="language"]', 'zh_CN');
    await panel.waitForFunction((want) => document.querySelector('[data-testid="open-settings"]')?.textContent === want, SETTINGS_ZH);
    expect(await panel.evaluate(() => document.documentElement.lang)).toBe('zh-CN');

    // A settings problem is worded in Chinese too.
    await panel.fill('[data-testid="base-url"]', 'ftp://example.test');
    await panel.click('[data-testid="save-settings"]');
    const problem = (await panel.locator('[data-testid="settings-problem"]').textContent()) ?? '';
    expect(problem).toBe(SCHEME_PROBLEM_ZH);

    const shot = artifactPath('panel-zh-chromium.png');
    await panel.screenshot({ path: shot });
    publishScreenshot(shot, 'panel-zh-chromium.png');

    await panel.reload();
    await panel.waitForFunction((want) => document.querySelector('[data-testid="open-settings"]')?.textContent === want, SETTINGS_ZH);
    expect(await panel.locator('[data-testid="language"]').inputValue()).toBe('zh_CN');

    // And back to following the browser.
    await panel.selectOption('[data-testid="language"]', 'auto');
    await panel.waitForFunction((want) => document.querySelector('[data-testid="open-settings"]')?.textContent === want, SETTINGS_EN);
  });
});

describe('Firefox', () => {
  let firefox: FirefoxExtension;
  const q = (testId: string) => `document.querySelector('[data-testid="${testId}"]')`;
  const text = (testId: string) => firefox.evaluate<string>(`${q(testId)}?.textContent ?? ''`);
  /** Sets a control's value the way Preact hears it. */
  const set = (testId: string, value: string, event: 'input' | 'change') =>
    firefox.evaluate(
      `(() => { const el = ${q(testId)}; el.value = ${JSON.stringify(value)}; el.dispatchEvent(new Event('${event}', { bubbles: true })); return true; })()`,
    );

  beforeAll(async () => {
    requireBuild(FIREFOX_E2E_BUILD);
    firefox = await launchFirefoxWithExtension(FIREFOX_E2E_BUILD);
    await firefox.openExtensionPage('sidepanel.html', { from: pages.url('/blank.html') });
  });

  afterAll(async () => {
    await firefox?.close();
  });

  it('speaks the browser’s language, then 中文 from settings at once, errors included, and keeps it', async () => {
    await firefox.waitFor(q('settings-form'), { what: 'settings form' });
    expect(await text('open-settings')).toBe(SETTINGS_EN);

    await set('language', 'zh_CN', 'change');
    await firefox.waitFor(`${q('open-settings')}?.textContent === ${JSON.stringify(SETTINGS_ZH)}`, { what: 'Chinese' });
    expect(await firefox.evaluate('document.documentElement.lang')).toBe('zh-CN');

    await set('base-url', 'ftp://example.test', 'input');
    await firefox.click('[data-testid="save-settings"]');
    await firefox.waitFor(q('settings-problem'), { what: 'settings problem' });
    const problem = await text('settings-problem');
    expect(problem).toBe(SCHEME_PROBLEM_ZH);

    await firefox.evaluate('location.reload(), true');
    await firefox.waitFor(`${q('open-settings')}?.textContent === ${JSON.stringify(SETTINGS_ZH)}`, { what: 'Chinese after reload' });
    // The form appears once the background has answered; its select shows the saved choice.
    await firefox.waitFor(`${q('language')}?.value === 'zh_CN'`, { what: 'the saved language in settings' });
    await firefox.screenshot(artifactPath('panel-zh-firefox.png'));
  });
});
