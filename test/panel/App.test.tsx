// @vitest-environment happy-dom
/**
 * The real panel, rendered, talking over (fake) ports to the real background, with the
 * provider's fetch stubbed: what a user sees and does, minus the browser.
 */
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../src/panel/App.tsx';
import { saveApiKey } from '../../src/storage/keys.ts';
import { DEFAULT_SETTINGS, saveSettings } from '../../src/storage/settings.ts';
import { DEFAULT_MODEL_OPTIONS } from '../../src/shared/model-options.ts';
import { settle } from '../fake-port.ts';
import { anthropicSse, chunkedResponse, jsonResponse } from '../helpers/anthropic-sse.ts';
import { startTestBackground, type BackgroundHarness } from '../helpers/background.ts';
import { browserSpeaks } from '../i18n/catalogs.ts';

let root: HTMLElement;
let bg: BackgroundHarness;
let fetchMock: ReturnType<typeof vi.fn<typeof fetch>>;
let countTokensCalls: unknown[];

const $ = (testId: string) => root.querySelector<HTMLElement>(`[data-testid="${testId}"]`);

async function mount() {
  await act(async () => {
    render(<App />, root);
  });
  await act(() => settle());
}

async function click(testId: string) {
  const element = $(testId);
  expect(element, `no element ${testId}`).not.toBeNull();
  await act(async () => {
    element!.click();
  });
  await act(() => settle());
}

async function type(testId: string, value: string) {
  const element = $(testId) as HTMLInputElement | HTMLTextAreaElement;
  await act(async () => {
    element.value = value;
    element.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

async function until(condition: () => boolean, timeout = 3_000) {
  await vi.waitFor(
    async () => {
      await act(() => settle(2));
      expect(condition()).toBe(true);
    },
    { timeout },
  );
}

beforeEach(async () => {
  bg = startTestBackground();
  await browserSpeaks('en'); // the browser's language: English
  // A focused window (the panel's) with an active tab: the page the user is reading.
  const window = await browser.windows.create({ focused: true });
  const tab = await browser.tabs.create({ windowId: window!.id, url: 'https://example.test/' });
  await browser.tabs.update(tab.id, { active: true });
  fetchMock = vi.fn<typeof fetch>();
  // The budget line's count (Anthropic's count_tokens) is answered here, so fetchMock sees only the answers.
  countTokensCalls = [];
  vi.stubGlobal('fetch', (url: RequestInfo | URL, init?: RequestInit) => {
    if (typeof url === 'string' && url.endsWith('/v1/messages/count_tokens')) {
      countTokensCalls.push(JSON.parse(init?.body as string) as unknown);
      return Promise.resolve(new Response(JSON.stringify({ input_tokens: 4321 }), { status: 200 }));
    }
    return fetchMock(url, init);
  });
  root = document.createElement('div');
  document.body.append(root);
});

afterEach(() => {
  render(null, root);
  root.remove();
  vi.unstubAllGlobals();
});

describe('first use', () => {
  it('asks for the key, saves it, and goes to the conversation', async () => {
    await mount();
    // The form is loaded when settings first show.
    await until(() => $('settings-form') !== null);
    await type('api-key', 'sk-ant-new');
    await click('save-settings');
    await until(() => $('composer') !== null);
    expect($('settings-form')).toBeNull();
  });
});

describe('asking about a selection', () => {
  beforeEach(async () => {
    await saveApiKey('sk-ant-test', 'anthropic');
  });

  it('shows the selection with its length, streams the answer, and keeps it after the end', async () => {
    bg.executeScript.mockResolvedValue([
      { frameId: 0, result: { text: 'Foxes are small omnivores.', url: 'https://example.test/', title: 'Foxes' } },
    ]);
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    fetchMock.mockImplementation(async () => {
      const sse = anthropicSse(['Foxes ', 'eat ', 'almost anything.']);
      const bytes = new TextEncoder().encode(sse);
      const half = sse.indexOf('eat');
      return new Response(
        new ReadableStream<Uint8Array>({
          async start(controller) {
            controller.enqueue(bytes.slice(0, half));
            await gate; // the test looks at the partial answer first
            controller.enqueue(bytes.slice(half));
            controller.close();
          },
        }),
        { status: 200 },
      );
    });
    await mount();
    await click('use-selection');
    await until(() => $('selection-card') !== null || $('notice') !== null);
    expect($('notice')?.textContent ?? '').toBe('');
    expect($('selection-card')!.textContent).toContain('26 characters');
    expect($('selection-text')!.textContent).toBe('Foxes are small omnivores.');

    await click('summarize');
    await until(() => $('answer-text')?.textContent === 'Foxes ');
    expect($('stop')).not.toBeNull();
    release();
    await until(() => $('answer')?.dataset.status === 'complete');
    expect($('answer-text')!.textContent).toBe('Foxes eat almost anything.');
    expect($('send')).not.toBeNull();
    // The question carried the selection; the selection card is gone from the composer.
    expect($('question')!.textContent).toContain('Summarize this.');
    expect($('selection-card')).toBeNull();
  });

  it('shows a 401 as a key error with a way to settings, keeping the question', async () => {
    fetchMock.mockResolvedValue(
      jsonResponse(401, { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } }),
    );
    await mount();
    await type('composer', 'What is a fox?');
    await click('send');
    await until(() => $('answer-error') !== null);
    expect($('answer-error')!.dataset.code).toBe('auth');
    expect($('answer-error')!.textContent).toContain('API key was not accepted');
    expect($('question')!.textContent).toContain('What is a fox?');
    await click('answer-open-settings');
    expect($('settings-form')).not.toBeNull();
  });

  it('Stop ends the answer and keeps what arrived', async () => {
    fetchMock.mockImplementation((_url, init = {}) =>
      Promise.resolve(
        new Response(
          new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(new TextEncoder().encode(anthropicSse(['Kept part'], { end: 'none' })));
              init.signal?.addEventListener('abort', () => controller.error(new DOMException('aborted', 'AbortError')));
            },
          }),
          { status: 200 },
        ),
      ),
    );
    await mount();
    await type('composer', 'Tell me a long story');
    await click('send');
    await until(() => $('answer-text')?.textContent === 'Kept part');
    await click('stop');
    await until(() => $('answer')?.dataset.status === 'stopped');
    expect($('answer-text')!.textContent).toBe('Kept part');
  });

  it('a truncated stream is marked as possibly incomplete and offers Retry, which asks again', async () => {
    fetchMock
      .mockResolvedValueOnce(chunkedResponse(anthropicSse(['Half an'], { end: 'none' })))
      .mockResolvedValueOnce(chunkedResponse(anthropicSse(['A whole answer.'])));
    await mount();
    await type('composer', 'Question');
    await click('send');
    await until(() => $('answer')?.dataset.status === 'truncated');
    expect($('answer')!.textContent).toContain('may be incomplete');
    await click('retry');
    await until(() => $('answer')?.dataset.status === 'complete');
    expect($('answer-text')!.textContent).toBe('A whole answer.');
    expect(root.querySelectorAll('[data-testid="answer"]')).toHaveLength(1);
  });

  it('refuses a pasted 5 MB question with a clear message, keeping the draft', async () => {
    await mount();
    const huge = 'x'.repeat(5 * 1024 * 1024);
    await type('composer', huge);
    await click('send');
    expect($('notice')!.textContent).toContain('the limit is 100,000');
    expect(($('composer') as HTMLTextAreaElement).value).toHaveLength(huge.length);
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('a selection from the context menu with "Summarize" asks at once', async () => {
    fetchMock.mockResolvedValue(chunkedResponse(anthropicSse(['Summary.'])));
    bg.executeScript.mockResolvedValue([{ frameId: 0, result: { text: 'Menu text', url: 'https://e.test/', title: 'E' } }]);
    const panelWindow = await browser.windows.getCurrent();
    bg.menuClicked.fire(
      { menuItemId: 'aside-summarize', selectionText: 'Menu text' },
      { id: 1, windowId: panelWindow.id, url: 'https://e.test/' },
    );
    await settle();
    await mount();
    await until(() => $('answer')?.dataset.status === 'complete');
    expect($('answer-text')!.textContent).toBe('Summary.');
    const body = JSON.parse((fetchMock.mock.calls[0]?.[1] as RequestInit).body as string);
    expect(body.messages[0].content).toContain('Menu text');
  });
});

describe('answer actions', () => {
  beforeEach(async () => {
    await saveApiKey('sk-ant-test', 'anthropic');
  });

  const messagesSent = (call: number) =>
    (JSON.parse(fetchMock.mock.calls[call]![1]!.body as string) as { messages: { role: string; content: string }[] }).messages;

  async function keydown(testId: string, key: string) {
    await act(async () => {
      $(testId)!.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
    });
    await act(() => settle());
  }

  it('Copy puts the Markdown on the clipboard, Copy as text the plain text', async () => {
    const writeText = vi.fn((_text: string) => Promise.resolve());
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    fetchMock.mockResolvedValue(chunkedResponse(anthropicSse(['## Foxes\n\n', '- **quick**\n', '- brown'])));
    await mount();
    await type('composer', 'Foxes?');
    await click('send');
    await until(() => $('answer')?.dataset.status === 'complete');
    await click('copy-markdown');
    await until(() => writeText.mock.calls.length === 1);
    expect(writeText).toHaveBeenLastCalledWith('## Foxes\n\n- **quick**\n- brown');
    await until(() => $('copy-markdown')!.textContent === 'Copied');
    await click('copy-plain');
    await until(() => writeText.mock.calls.length === 2);
    expect(writeText).toHaveBeenLastCalledWith('Foxes\n\n- quick\n- brown');
  });

  it('an answer cut at max_tokens says so, and Continue appends what the model carries on with', async () => {
    fetchMock
      .mockResolvedValueOnce(chunkedResponse(anthropicSse(['Once upon ', 'a time '], { stopReason: 'max_tokens' })))
      .mockResolvedValueOnce(chunkedResponse(anthropicSse([' there was a fox.'])));
    await mount();
    await type('composer', 'A story');
    await click('send');
    await until(() => $('answer')?.dataset.stopReason === 'max_tokens');
    expect($('answer-status-text')!.textContent).toContain('maximum output length');
    // Anthropic picks up mid-sentence: no word about repeats.
    expect($('continue-note')).toBeNull();
    await click('continue');
    await until(() => $('answer')?.dataset.stopReason === 'end_turn');
    expect($('answer-text')!.textContent).toBe('Once upon a time there was a fox.');
    expect(root.querySelectorAll('[data-testid="answer"]')).toHaveLength(1);
    // Anthropic continues a trailing assistant message: the partial answer, trimmed, is the prefill.
    expect(messagesSent(1)).toEqual([
      { role: 'user', content: 'A story' },
      { role: 'assistant', content: 'Once upon a time' },
    ]);
    expect($('continue')).toBeNull();
  });

  it('says when Continue cannot pick up mid-sentence (extended thinking allows no prefill), and offers Retry', async () => {
    await saveSettings({
      ...DEFAULT_SETTINGS,
      modelOptions: { anthropic: { ...DEFAULT_MODEL_OPTIONS, thinking: true, maxTokens: 8000, thinkingBudget: 2000 } },
    });
    fetchMock.mockResolvedValueOnce(chunkedResponse(anthropicSse(['Once upon '], { stopReason: 'max_tokens' })));
    await mount();
    await type('composer', 'A story');
    await click('send');
    await until(() => $('answer')?.dataset.stopReason === 'max_tokens');
    expect($('continue-note')!.textContent).toContain('cannot pick up mid-sentence');
    expect($('continue')).not.toBeNull();
    expect($('regenerate') ?? $('retry')).not.toBeNull();
  });

  it('Up in the empty composer edits the last question; sending replaces the answers after it', async () => {
    fetchMock
      .mockResolvedValueOnce(chunkedResponse(anthropicSse(['First answer.'])))
      .mockResolvedValueOnce(chunkedResponse(anthropicSse(['Second answer.'])))
      .mockResolvedValueOnce(chunkedResponse(anthropicSse(['Better answer.'])));
    await mount();
    await type('composer', 'One?');
    await click('send');
    await until(() => $('answer')?.dataset.status === 'complete');
    await type('composer', 'Two?');
    await click('send');
    await until(() => root.querySelectorAll('[data-status="complete"]').length === 2);
    await keydown('composer', 'ArrowUp');
    const editor = $('edit-input') as HTMLTextAreaElement;
    expect(editor.value).toBe('Two?');
    expect(document.activeElement).toBe(editor);
    await type('edit-input', 'Two, better?');
    await keydown('edit-input', 'Enter');
    await until(
      () => root.querySelector('[data-testid="answer"]:last-of-type [data-testid="answer-text"]')?.textContent === 'Better answer.',
    );
    const questions = [...root.querySelectorAll('[data-testid="question"]')].map((q) => q.textContent);
    expect(questions).toEqual([expect.stringContaining('One?'), expect.stringContaining('Two, better?')]);
    expect(root.querySelectorAll('[data-testid="answer"]')).toHaveLength(2);
    expect(messagesSent(2)).toEqual([
      { role: 'user', content: 'One?' },
      { role: 'assistant', content: 'First answer.' },
      { role: 'user', content: 'Two, better?' },
    ]);
  });

  it('Esc cancels an edit without sending, keeping the conversation', async () => {
    fetchMock.mockResolvedValueOnce(chunkedResponse(anthropicSse(['Answer.'])));
    await mount();
    await type('composer', 'Q?');
    await click('send');
    await until(() => $('answer')?.dataset.status === 'complete');
    await click('edit-question');
    await type('edit-input', 'Changed');
    await keydown('edit-input', 'Escape');
    expect($('edit-input')).toBeNull();
    expect($('question')!.textContent).toContain('Q?');
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('Esc stops a streaming answer, keeping what arrived; Regenerate then asks again', async () => {
    fetchMock.mockImplementationOnce((_url, init = {}) =>
      Promise.resolve(
        new Response(
          new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(new TextEncoder().encode(anthropicSse(['Kept'], { end: 'none' })));
              init.signal?.addEventListener('abort', () => controller.error(new DOMException('aborted', 'AbortError')));
            },
          }),
          { status: 200 },
        ),
      ),
    );
    fetchMock.mockResolvedValueOnce(chunkedResponse(anthropicSse(['Fresh.'])));
    await mount();
    await type('composer', 'Go');
    await click('send');
    await until(() => $('answer-text')?.textContent === 'Kept');
    await act(async () => {
      document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    });
    await until(() => $('answer')?.dataset.status === 'stopped');
    expect($('answer-text')!.textContent).toBe('Kept');
    await click('regenerate');
    await until(() => $('answer')?.dataset.status === 'complete');
    expect($('answer-text')!.textContent).toBe('Fresh.');
  });
});
