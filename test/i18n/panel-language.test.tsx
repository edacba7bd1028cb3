// @vitest-environment happy-dom
/** The panel in the language the user chose, and error codes in words. */
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { App } from '../../src/panel/App.tsx';
import { NoticeBanner } from '../../src/panel/components/NoticeBanner.tsx';
import { builtinQuestion } from '../../src/panel/actions/words.ts';
import { connectionTestText, errorText, providerName, setLanguage, t } from '../../src/panel/i18n/index.ts';
import { substitute } from '../../src/panel/i18n/format.ts';
import { loadPreferences, saveLanguage } from '../../src/storage/preferences.ts';
import { settle } from '../fake-port.ts';
import { startTestBackground } from '../helpers/background.ts';
import { browserSpeaks, servingLocales } from './catalogs.ts';

let root: HTMLElement;
const $ = (testId: string) => root.querySelector<HTMLElement>(`[data-testid="${testId}"]`);

async function until(condition: () => boolean) {
  await vi.waitFor(
    async () => {
      await act(() => settle(2));
      expect(condition()).toBe(true);
    },
    { timeout: 3_000 },
  );
}

beforeEach(async () => {
  startTestBackground();
  await browserSpeaks('en');
  vi.stubGlobal('fetch', vi.fn(servingLocales(() => Promise.reject(new Error('no provider in these tests')))));
  root = document.createElement('div');
  document.body.append(root);
});

afterEach(async () => {
  render(null, root);
  root.remove();
  vi.unstubAllGlobals();
  await setLanguage('auto');
});

describe('language override', () => {
  it('renders the panel in 中文 when zh_CN is saved, whatever the browser speaks', async () => {
    await saveLanguage('zh_CN');
    await act(async () => render(<App />, root));
    await until(() => $('open-settings') !== null && $('save-settings') !== null);
    expect($('open-settings')!.textContent).toBe('设置');
    expect($('save-settings')!.textContent).toBe('保存');
    expect((root.querySelector('[data-testid="provider"] option[value="anthropic"]') as HTMLElement).textContent).toBe(
      'Anthropic (Claude)',
    );
    expect(($('language') as HTMLSelectElement).value).toBe('zh_CN');
    expect(document.documentElement.lang).toBe('zh-CN');
  });

  it('changing the language select re-renders at once, and is saved', async () => {
    await act(async () => render(<App />, root));
    // The settings form (with the language select) loads on its own, after the header.
    await until(() => $('open-settings') !== null && $('language') !== null);
    expect($('open-settings')!.textContent).toBe('Settings');
    expect(document.documentElement.lang).toBe('en');
    await act(async () => {
      const select = $('language') as HTMLSelectElement;
      select.value = 'zh_CN';
      select.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await until(() => $('open-settings')!.textContent === '设置');
    expect($('test-connection')!.textContent).toBe('测试连接');
    expect(document.documentElement.lang).toBe('zh-CN');
    expect(await loadPreferences()).toEqual({ language: 'zh_CN', theme: 'system', fontSize: 'default' });
    await act(async () => {
      const select = $('language') as HTMLSelectElement;
      select.value = 'auto';
      select.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await until(() => $('open-settings')!.textContent === 'Settings');
  });

  it('with auto, follows the browser: a Chinese browser gets Chinese with no catalog fetched', async () => {
    await browserSpeaks('zh_CN');
    await act(async () => render(<App />, root));
    await until(() => $('open-settings') !== null);
    expect($('open-settings')!.textContent).toBe('设置');
    expect(fetch).not.toHaveBeenCalled();
  });

  it('a catalog that cannot be loaded leaves the browser language', async () => {
    await browserSpeaks('zh_CN');
    vi.stubGlobal(
      'fetch',
      vi.fn(() => Promise.resolve(new Response('', { status: 404 }))),
    );
    await setLanguage('en');
    expect(t('settings')).toBe('设置');
  });
});

describe('preferences', () => {
  it('junk in storage reads as auto', async () => {
    await fakeBrowser.storage.local.set({ preferences: 'junk' });
    expect((await loadPreferences()).language).toBe('auto');
    await fakeBrowser.storage.local.set({ preferences: { language: 'fr' } });
    expect((await loadPreferences()).language).toBe('auto');
  });
});

describe('errors in English words', () => {
  it('a notice renders its code as the sentence, with params, and the detail under it', async () => {
    await act(async () =>
      render(
        <NoticeBanner
          error={{ code: 'not-found', params: { model: 'claude-x' }, detail: 'model: claude-x', fix: 'settings' }}
          onDismiss={() => {}}
          onFix={() => {}}
        />,
        root,
      ),
    );
    expect($('notice')!.dataset.code).toBe('not-found');
    expect(root.querySelector('.error-message')!.textContent).toBe(
      'Not found (404): the model "claude-x" may not exist, or the base URL is wrong. Check settings.',
    );
    expect(root.querySelector('.error-detail')!.textContent).toBe('model: claude-x');
    expect($('notice-fix')!.textContent).toBe('Open settings');
  });

  it('built-in actions ask fixed questions; ask asks nothing', () => {
    expect(builtinQuestion('summarize', '')).toBe('Summarize this.');
    expect(builtinQuestion('explain', '')).toBe('Explain this in plain words.');
    expect(builtinQuestion('ask', '')).toBeNull();
  });

  it('words vary by param where the old English did', () => {
    expect(errorText({ code: 'url-scheme', params: { field: 'base-url' } })).toBe('The base URL must start with https:// or http://.');
    expect(errorText({ code: 'url-scheme', params: { field: 'endpoint-url' } })).toBe(
      'The endpoint URL must start with https:// or http://.',
    );
    expect(errorText({ code: 'url-credentials', params: { field: 'endpoint-url' } })).toBe(
      'Put credentials in the API key field, not in the endpoint URL.',
    );
    expect(errorText({ code: 'quota', params: { status: 429 } })).toBe(
      'Your provider account is out of credit or hit its spend limit (429). Check billing, then retry.',
    );
    expect(errorText({ code: 'quota', params: { status: 402 } })).toBe(
      'Your provider account is out of credit (402). Add credit, then retry.',
    );
    expect(errorText({ code: 'stream-overloaded' })).toMatch(/^The provider became overloaded/);
    expect(errorText({ code: 'no-response', params: { host: 'api.x', seconds: 60 } })).toBe(
      'The provider did not answer for a minute. Retry, or check the base URL.',
    );
    expect(errorText({ code: 'stalled', params: { seconds: 30 } })).toMatch(
      /^The provider stopped sending for 30 seconds, so Aside gave up/,
    );
  });

  it('params are turned into words: provider names, amounts with digit groups', () => {
    expect(errorText({ code: 'no-key', params: { provider: 'openai-compatible' } })).toBe(
      'Add your Custom OpenAI-compatible API key in settings to get answers.',
    );
    expect(errorText({ code: 'question-too-long', params: { length: 100_001, max: 100_000 } })).toBe(
      'The question is 100,001 characters; the limit is 100,000. Shorten it, or select the text on the page instead of pasting it.',
    );
    expect(errorText({ code: 'max-tokens-range', params: { max: 128_000 } })).toBe(
      'Maximum output tokens must be a whole number from 1 to 128,000.',
    );
    expect(errorText({ code: 'thinking-budget-range', params: { min: 1024, maxTokens: 16_000 } })).toContain(
      'at least 1,024 tokens, and less than the maximum output tokens (16,000)',
    );
    expect(errorText({ code: 'url-too-long', params: { max: 2000 } })).toBe('The URL is too long (over 2000 characters once encoded).');
    expect(errorText({ code: 'storage-reset', params: { item: 'currentConversation' } })).toBe(
      'Saved conversation could not be read, so it was reset.',
    );
    expect(providerName('lmstudio')).toBe('LM Studio (local)');
  });

  it('connection test results and the retry line', () => {
    expect(connectionTestText({ kind: 'connected', model: 'gpt-x' })).toBe('Connected: gpt-x answered.');
    expect(connectionTestText({ kind: 'preview', text: 'Hi', complete: false })).toBe(
      'Connected. Extracted text: “Hi” (the stream ended without its end marker)',
    );
    expect(connectionTestText({ kind: 'preview', text: 'x'.repeat(301), complete: true })).toBe(
      `Connected. Extracted text: “${'x'.repeat(300)}…”`,
    );
    expect(connectionTestText({ kind: 'failed', error: { code: 'auth' } })).toBe(
      'Your API key was not accepted (401). Check the key in settings.',
    );
    expect(t('retry_line', { message: errorText({ code: 'rate-limit' }), seconds: 2 })).toBe(
      'Too many requests for now (429). Wait a moment, then retry. Retrying in 2 s…',
    );
    expect(t('selection_length', { count: 1 })).toBe('1 character');
    expect(t('selection_length', { count: 1234 })).toBe('1,234 characters');
  });

  it('substitutes like @wxt-dev/i18n: plural forms by count, unknown names left alone', () => {
    expect(substitute('{count} item | {count} items', { count: 1 })).toBe('1 item');
    expect(substitute('none | {count} item | {count} items', { count: 0 })).toBe('none');
    expect(substitute('Hello {name}, {other}', { name: 'Ada' })).toBe('Hello Ada, {other}');
  });

  it('in Chinese too', async () => {
    await setLanguage('zh_CN');
    expect(errorText({ code: 'no-key', params: { provider: 'ollama' } })).toBe(
      '请在设置中填入你的 Ollama（本地） API 密钥，才能获得回答。',
    );
    expect(errorText({ code: 'no-response', params: { host: 'h', seconds: 60 } })).toBe(
      '提供方在一分钟内没有回应。请重试，或检查基础 URL。',
    );
  });
});
