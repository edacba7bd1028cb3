/**
 * Model options in the built extension, in real Chromium and real Firefox, against the
 * mock provider: set Anthropic's temperature, maximum output tokens, a system prompt and
 * extra request fields in settings, save, ask, and see exactly those fields in the request
 * body the provider received (the user's system prompt after Aside's own); the saved values
 * come back in the form, and a custom SSE endpoint shows none of the options.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_PROMPT } from '../../src/background/prompt.ts';
import { startMockProvider, type MockProvider } from '../mock-provider/server.ts';
import { launchChromiumWithExtension, type ChromiumExtension } from './harness/chromium.ts';
import { launchFirefoxWithExtension, type FirefoxExtension } from './harness/firefox.ts';
import { startPageServer, type PageServer } from './harness/pages.ts';
import { artifactPath, CHROME_E2E_BUILD, FIREFOX_E2E_BUILD, requireBuild } from './harness/paths.ts';

/** The first chat request at or after `index` (the panel also asks count_tokens before a selection is sent). */
const firstChatFrom = (mock: MockProvider, index: number): MockProvider['requests'][number] =>
  mock.requests.find((r) => r.index >= index && r.chat)!;

const API_KEY = 'sk-ant-e2e-options';
const USER_PROMPT = 'Answer in exactly one short sentence.';
const OPTIONS = {
  'model-temperature': '0.3',
  'model-max-tokens': '1000',
  'model-system-prompt': USER_PROMPT,
  'model-extra-fields': '{"top_k": 5}',
} as const;
const ANSWER = ['Options ', 'were ', 'applied.'];

let mock: MockProvider;
let pages: PageServer;

beforeAll(async () => {
  mock = await startMockProvider();
  pages = await startPageServer();
});

afterAll(async () => {
  await pages?.close();
  await mock?.close();
});

/** What the provider must have received: exactly Aside's fields and the user's options, nothing more. */
function expectOptionsApplied(body: Record<string, unknown>, question: string) {
  expect(Object.keys(body).sort()).toEqual(['max_tokens', 'messages', 'model', 'stream', 'system', 'temperature', 'top_k']);
  expect(body).toMatchObject({ temperature: 0.3, max_tokens: 1000, top_k: 5, stream: true });
  expect(body.thinking).toBeUndefined();
  const system = body.system as string;
  expect(system.startsWith(SYSTEM_PROMPT)).toBe(true); // Aside's rule about page text stays first
  expect(system.endsWith(USER_PROMPT)).toBe(true);
  expect(system.indexOf(USER_PROMPT)).toBeGreaterThan(SYSTEM_PROMPT.length);
  expect((body.messages as { content: string }[]).at(-1)?.content).toContain(question);
}

describe('Chromium', () => {
  let chromium: ChromiumExtension;
  let panel: Page;

  beforeAll(async () => {
    requireBuild(CHROME_E2E_BUILD);
    chromium = await launchChromiumWithExtension(CHROME_E2E_BUILD);
    panel = await chromium.openExtensionPage('sidepanel.html');
    await panel.setViewportSize({ width: 400, height: 900 });
  });

  afterAll(async () => {
    await chromium?.close();
  });

  it('sends the temperature, max tokens, system prompt and extra fields saved for Anthropic', async () => {
    await panel.locator('[data-testid="settings-form"]').waitFor();
    await panel.fill('[data-testid="api-key"]', API_KEY);
    await panel.fill('[data-testid="base-url"]', mock.url);
    for (const [testId, value] of Object.entries(OPTIONS)) await panel.fill(`[data-testid="${testId}"]`, value);
    expect(await panel.locator('[data-testid="model-thinking"]').isChecked()).toBe(false);
    await panel.screenshot({ path: artifactPath('model-options-chromium.png'), fullPage: true });
    await panel.click('[data-testid="save-settings"]');
    await panel.locator('[data-testid="composer"]').waitFor();

    mock.enqueue({ text: ANSWER, delayMs: 20 });
    const requestIndex = mock.requests.length;
    const question = 'What do my options do?';
    await panel.fill('[data-testid="composer"]', question);
    await panel.click('[data-testid="send"]');
    await panel.locator('[data-testid="answer"][data-status="complete"]').waitFor();
    expect(await panel.locator('[data-testid="answer-text"]').last().textContent()).toBe(ANSWER.join(''));

    const request = firstChatFrom(mock, requestIndex);
    expect(request.path).toBe('/v1/messages');
    expectOptionsApplied(request.body as Record<string, unknown>, question);
  });

  it('shows the saved options again, and none for a custom SSE endpoint', async () => {
    await panel.click('[data-testid="open-settings"]');
    await panel.locator('[data-testid="settings-form"]').waitFor();
    for (const [testId, value] of Object.entries(OPTIONS))
      expect(await panel.inputValue(`[data-testid="${testId}"]`), testId).toBe(value);
    await panel.selectOption('[data-testid="provider"]', 'custom-sse');
    await panel.locator('[data-testid="model-options-template"]').waitFor();
    expect(await panel.locator('[data-testid="model-temperature"]').count()).toBe(0);
    expect(await panel.locator('[data-testid="model-extra-fields"]').count()).toBe(0);
  });
});

describe('Firefox', () => {
  let firefox: FirefoxExtension;
  const q = (testId: string) => `document.querySelector('[data-testid="${testId}"]')`;
  /** Sets a control's value the way Preact hears it. */
  const set = (testId: string, value: string, event: 'input' | 'change' = 'input') =>
    firefox.evaluate(
      `(() => { const el = ${q(testId)}; el.value = ${JSON.stringify(value)}; el.dispatchEvent(new Event('${event}', { bubbles: true })); return true; })()`,
    );
  const valueOf = (testId: string) => firefox.evaluate<string>(`${q(testId)}?.value ?? ''`);

  beforeAll(async () => {
    requireBuild(FIREFOX_E2E_BUILD);
    firefox = await launchFirefoxWithExtension(FIREFOX_E2E_BUILD);
    await firefox.openExtensionPage('sidepanel.html', { from: pages.url('/blank.html') });
  });

  afterAll(async () => {
    await firefox?.close();
  });

  it('sends the temperature, max tokens, system prompt and extra fields saved for Anthropic', async () => {
    await firefox.waitFor(q('settings-form'), { what: 'settings form' });
    await set('api-key', API_KEY);
    await set('base-url', mock.url);
    for (const [testId, value] of Object.entries(OPTIONS)) await set(testId, value);
    expect(await firefox.evaluate(`${q('model-thinking')}.checked`)).toBe(false);
    await firefox.click('[data-testid="save-settings"]');
    await firefox.waitFor(q('composer'), { what: 'composer' });

    mock.enqueue({ text: ANSWER, delayMs: 20 });
    const requestIndex = mock.requests.length;
    const question = 'Und was bewirken die Optionen?';
    await set('composer', question);
    await firefox.click('[data-testid="send"]');
    await firefox.waitFor(`document.querySelector('[data-testid="answer"][data-status="complete"]')`, { what: 'a complete answer' });
    expect(await firefox.evaluate(`${q('answer-text')}.textContent`)).toBe(ANSWER.join(''));

    const request = firstChatFrom(mock, requestIndex);
    expect(request.path).toBe('/v1/messages');
    expectOptionsApplied(request.body as Record<string, unknown>, question);
    await firefox.screenshot(artifactPath('model-options-firefox.png'));
  });

  it('shows the saved options again, and none for a custom SSE endpoint', async () => {
    await firefox.click('[data-testid="open-settings"]');
    await firefox.waitFor(q('model-temperature'), { what: 'the model options' });
    for (const [testId, value] of Object.entries(OPTIONS)) expect(await valueOf(testId), testId).toBe(value);
    await set('provider', 'custom-sse', 'change');
    await firefox.waitFor(q('model-options-template'), { what: 'the template note' });
    expect(await firefox.evaluate(`${q('model-temperature')} === null && ${q('model-extra-fields')} === null`)).toBe(true);
  });
});
