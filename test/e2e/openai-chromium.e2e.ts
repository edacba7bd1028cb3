/**
 * An OpenAI-compatible provider in real Chromium: picked in settings, its models listed,
 * an answer streamed from the mock provider's chat-completions dialect.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockProvider, type MockProvider } from '../mock-provider/server.ts';
import { launchChromiumWithExtension, type ChromiumExtension } from './harness/chromium.ts';
import { artifactPath, CHROME_E2E_BUILD, requireBuild } from './harness/paths.ts';

const KEY = 'sk-openai-e2e';
const ANSWER = ['Streams ', 'arrive ', 'as ', 'chat ', 'completion ', 'chunks.'];

let mock: MockProvider;
let ext: ChromiumExtension;
let panel: Page;

beforeAll(async () => {
  requireBuild(CHROME_E2E_BUILD);
  mock = await startMockProvider();
  ext = await launchChromiumWithExtension(CHROME_E2E_BUILD);
  panel = await ext.openExtensionPage('sidepanel.html');
  await panel.setViewportSize({ width: 400, height: 720 });
});

afterAll(async () => {
  await ext?.close();
  await mock?.close();
});

describe('an OpenAI-compatible provider in Chromium', () => {
  it('lists the server’s models and saves the provider', async () => {
    await panel.locator('[data-testid="settings-form"]').waitFor();
    await panel.selectOption('[data-testid="provider"]', 'openai-compatible');
    await panel.fill('[data-testid="api-key"]', KEY);
    await panel.fill('[data-testid="base-url"]', `${mock.url}/v1`);
    await panel.click('[data-testid="load-models"]');
    const result = panel.locator('[data-testid="models-result"]');
    await result.waitFor();
    expect(await result.textContent()).toMatch(/^\d+ models available/);
    const listed = await panel.$$eval('#aside-models option', (options) => options.map((o) => (o as HTMLOptionElement).value));
    expect(listed.length).toBeGreaterThan(0);
    const modelsRequest = mock.requests.find((r) => r.path === '/v1/models')!;
    expect(modelsRequest.headers.authorization).toBe(`Bearer ${KEY}`);

    await panel.fill('[data-testid="model"]', listed[0]!);
    await panel.click('[data-testid="test-connection"]');
    await panel.locator('[data-testid="connection-result"][data-status="ok"]').waitFor();
    await panel.click('[data-testid="save-settings"]');
    await panel.locator('[data-testid="composer"]').waitFor();
  });

  it('streams an answer in the chat-completions dialect', async () => {
    mock.enqueue({ text: ANSWER, delayMs: 120 });
    const index = mock.requests.length;
    await panel.fill('[data-testid="composer"]', 'How do streams arrive?');
    await panel.click('[data-testid="send"]');
    const partials: string[] = [];
    const answer = panel.locator('[data-testid="answer"]').last();
    const deadline = Date.now() + 20_000;
    let status = 'streaming';
    let text = '';
    while (Date.now() < deadline && (status === 'streaming' || status === 'retrying')) {
      ({ text, status } = await answer.evaluate((el) => ({
        text: el.querySelector('[data-testid="answer-text"]')?.textContent ?? '',
        status: el.getAttribute('data-status') ?? '',
      })));
      if (text && partials.at(-1) !== text) partials.push(text);
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    expect({ text, status }).toEqual({ text: ANSWER.join(''), status: 'complete' });
    expect(partials.length).toBeGreaterThanOrEqual(3);

    const request = mock.requests.find((r) => r.index >= index && r.path === '/v1/chat/completions')!;
    expect(request.headers.authorization).toBe(`Bearer ${KEY}`);
    const body = request.body as {
      stream: boolean;
      stream_options?: { include_usage: boolean };
      messages: { role: string; content: string }[];
    };
    expect(body.stream).toBe(true);
    expect(body.stream_options).toEqual({ include_usage: true });
    expect(body.messages[0]!.role).toBe('system');
    expect(body.messages.at(-1)).toEqual({ role: 'user', content: 'How do streams arrive?' });
    await panel.screenshot({ path: artifactPath('panel-openai-chromium.png') });
  });

  it('shows an OpenAI quota error as a billing problem, not retried', async () => {
    mock.enqueue({ httpError: { status: 429, type: 'insufficient_quota', code: 'insufficient_quota' } });
    const before = mock.requests.length;
    await panel.fill('[data-testid="composer"]', 'Again');
    await panel.click('[data-testid="send"]');
    const error = panel.locator('[data-testid="answer-error"]');
    await error.waitFor();
    expect(await error.getAttribute('data-code')).toBe('quota');
    expect(mock.requests.filter((r) => r.index >= before && r.path === '/v1/chat/completions')).toHaveLength(1);
  });
});
