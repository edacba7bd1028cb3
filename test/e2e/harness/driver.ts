/**
 * The same user steps in both browsers: a panel driven by test id, with real clicks, through
 * Playwright in Chromium and WebDriver BiDi in Firefox. Each step acts on the LAST element with
 * the test id (the newest answer's button, the visible form's field).
 *
 * ```ts
 * const driver = chromiumDriver(page);          // or firefoxDriver(firefox)
 * await driver.fill('composer', 'Why?');
 * await driver.click('send');
 * await driver.waitFor(`document.querySelector('[data-testid="answer"]')`, 'an answer');
 * ```
 */
import type { Page } from 'playwright-core';
import type { FirefoxExtension } from './firefox.ts';
import { waitFor } from './paths.ts';

export interface PanelDriver {
  /** Types into the input or textarea with this test id. */
  fill(testId: string, value: string): Promise<void>;
  /** Picks an option of the select with this test id. */
  select(testId: string, value: string): Promise<void>;
  /** A real pointer click on the last element with this test id. */
  click(testId: string): Promise<void>;
  evaluate<T>(expression: string): Promise<T>;
  /** Polls `expression` until it is truthy. */
  waitFor(expression: string, what: string, timeoutMs?: number): Promise<void>;
}

export const testid = (id: string) => `[data-testid="${id}"]`;

export function chromiumDriver(page: Page): PanelDriver {
  return {
    fill: (id, value) => page.locator(testid(id)).last().fill(value),
    select: async (id, value) => {
      await page.locator(testid(id)).last().selectOption(value);
    },
    click: (id) => page.locator(testid(id)).last().click(),
    evaluate: (expression) => page.evaluate(expression),
    // Polled with evaluate: waitForFunction with a string needs eval, which the panel's CSP forbids.
    waitFor: async (expression, what, timeoutMs = 10_000) => {
      await waitFor(what, async () => ((await page.evaluate(expression)) ? true : undefined), { timeoutMs });
    },
  };
}

export function firefoxDriver(firefox: FirefoxExtension): PanelDriver {
  const last = (id: string) => `[...document.querySelectorAll('${testid(id)}')].at(-1)`;
  /** Sets a control's value the way Preact hears it. */
  const setValue = (id: string, value: string, event: 'input' | 'change') =>
    firefox.evaluate(
      `(() => { const el = ${last(id)}; el.focus(); el.value = ${JSON.stringify(value)}; el.dispatchEvent(new Event('${event}', { bubbles: true })); return true; })()`,
    );
  return {
    fill: async (id, value) => {
      await setValue(id, value, 'input');
    },
    select: async (id, value) => {
      await setValue(id, value, 'change');
    },
    click: async (id) => {
      // Mark the last match, so that the harness's real click finds exactly it.
      await firefox.evaluate(
        `(() => { const all = document.querySelectorAll('${testid(id)}'); all.forEach((el, i) => i === all.length - 1 ? el.setAttribute('data-e2e-target', '') : el.removeAttribute('data-e2e-target')); return all.length > 0; })()`,
      );
      await firefox.click(`${testid(id)}[data-e2e-target]`);
    },
    evaluate: (expression) => firefox.evaluate(expression),
    waitFor: async (expression, what, timeoutMs = 10_000) => {
      await firefox.waitFor(expression, { what, timeoutMs });
    },
  };
}

/**
 * An expression for an extension page: the id of the tab showing `url` (the tab a panel is
 * bound to with `sidepanel.html?tab=ID`, as the side panel or sidebar beside that page is).
 */
export function tabIdOfUrl(url: string): string {
  return `(globalThis.browser ?? globalThis.chrome).tabs.query({}).then((tabs) => tabs.find((t) => t.url === ${JSON.stringify(url)}).id)`;
}
