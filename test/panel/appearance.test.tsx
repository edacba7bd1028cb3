// @vitest-environment happy-dom
/** The theme and text size: applied to <html> before the panel renders, at once when chosen, and saved. */
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import {
  applyAppearance,
  chooseAppearance,
  currentAppearance,
  followSavedAppearance,
  restoreAppearance,
} from '../../src/panel/appearance.ts';
import { AppearanceSettings } from '../../src/panel/components/AppearanceSettings.tsx';
import { loadPreferences, saveLanguage, savePreferences } from '../../src/storage/preferences.ts';
import { browserSpeaks } from '../i18n/catalogs.ts';

const HINT_KEY = 'aside:appearance';
const html = () => document.documentElement;

beforeEach(async () => {
  fakeBrowser.reset();
  localStorage.clear();
  await browserSpeaks('en');
  applyAppearance({ theme: 'system', fontSize: 'default' });
  localStorage.clear();
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('restoreAppearance', () => {
  it('applies the saved theme and size, and keeps them as the hint for the next open', async () => {
    await savePreferences({ theme: 'dark', fontSize: 'large' });
    await restoreAppearance();
    expect(html().dataset).toMatchObject({ theme: 'dark', fontSize: 'large' });
    expect(currentAppearance()).toEqual({ theme: 'dark', fontSize: 'large' });
    expect(JSON.parse(localStorage.getItem(HINT_KEY)!)).toEqual({ theme: 'dark', fontSize: 'large' });
  });

  it('a choice whose save had not finished when the panel closed is kept at the next open, and saved then', async () => {
    await savePreferences({ theme: 'dark', fontSize: 'default' });
    // The panel closed right after the user chose light: storage never took the write.
    vi.spyOn(fakeBrowser.storage.local, 'set').mockImplementationOnce(() => new Promise<void>(() => {}) as never);
    void chooseAppearance({ theme: 'light' });
    expect(JSON.parse(localStorage.getItem(HINT_KEY)!)).toMatchObject({ theme: 'light', unsaved: true });
    vi.restoreAllMocks();
    // The next open: the hint is newer than storage.
    await restoreAppearance();
    expect(html().dataset.theme).toBe('light');
    expect((await loadPreferences()).theme).toBe('light');
    expect(JSON.parse(localStorage.getItem(HINT_KEY)!)).toEqual({ theme: 'light', fontSize: 'default' });
  });

  it('applies the hint synchronously, before storage.local has answered', async () => {
    localStorage.setItem(HINT_KEY, JSON.stringify({ theme: 'dark', fontSize: 'small' }));
    await savePreferences({ theme: 'light', fontSize: 'larger' });
    const restoring = restoreAppearance();
    // Nothing awaited yet: this is what the first paint would show.
    expect(html().dataset).toMatchObject({ theme: 'dark', fontSize: 'small' });
    await restoring;
    // storage.local is the truth.
    expect(html().dataset).toMatchObject({ theme: 'light', fontSize: 'larger' });
  });

  it('ignores a hint it cannot use, and shows the defaults when nothing is saved', async () => {
    localStorage.setItem(HINT_KEY, JSON.stringify({ theme: 'sepia', fontSize: 'default' }));
    const restoring = restoreAppearance();
    expect(html().dataset.theme).toBe('system');
    await restoring;
    expect(html().dataset).toMatchObject({ theme: 'system', fontSize: 'default' });

    localStorage.setItem(HINT_KEY, '{not json');
    await expect(restoreAppearance()).resolves.toBeUndefined();
    expect(html().dataset.theme).toBe('system');
  });
});

describe('chooseAppearance', () => {
  it('applies at once and saves, keeping the language and the other setting', async () => {
    await saveLanguage('zh_CN');
    const saving = chooseAppearance({ theme: 'dark' });
    expect(html().dataset.theme).toBe('dark');
    await saving;
    await chooseAppearance({ fontSize: 'larger' });
    expect(html().dataset).toMatchObject({ theme: 'dark', fontSize: 'larger' });
    expect(await loadPreferences()).toEqual({ language: 'zh_CN', theme: 'dark', fontSize: 'larger' });
  });

  it('keeps the choice for this session when it cannot be saved', async () => {
    vi.spyOn(fakeBrowser.storage.local, 'set').mockRejectedValue(new Error('quota'));
    await expect(chooseAppearance({ theme: 'light' })).resolves.toBeUndefined();
    expect(html().dataset.theme).toBe('light');
  });
});

describe('followSavedAppearance', () => {
  it('applies a theme and size saved by another panel, and stops when unwatched', async () => {
    const unwatch = followSavedAppearance();
    // As another window's panel would: a save through storage, not through this page's state.
    await savePreferences({ theme: 'dark', fontSize: 'large' });
    await vi.waitFor(() => expect(html().dataset).toMatchObject({ theme: 'dark', fontSize: 'large' }));
    unwatch();
    await savePreferences({ theme: 'light' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(html().dataset.theme).toBe('dark');
  });

  it('never flips this panel back to an older saved value while its own quick choices are being saved', async () => {
    const unwatch = followSavedAppearance();
    // Three quick choices, applied at once; their saves follow one after another.
    const saving = Promise.all([
      chooseAppearance({ theme: 'light' }),
      chooseAppearance({ theme: 'dark' }),
      chooseAppearance({ fontSize: 'larger' }),
    ]);
    const seen: string[] = [];
    const observer = new MutationObserver(() => seen.push(`${html().dataset.theme}/${html().dataset.fontSize}`));
    observer.observe(html(), { attributes: true, attributeFilter: ['data-theme', 'data-font-size'] });
    await saving;
    await new Promise((resolve) => setTimeout(resolve, 30));
    observer.disconnect();
    unwatch();
    // Nothing flipped back to light or the default size while the saves went through.
    expect(seen.filter((state) => state !== 'dark/larger')).toEqual([]);
    expect(html().dataset).toMatchObject({ theme: 'dark', fontSize: 'larger' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(html().dataset.theme).toBe('dark');
  });
});

describe('AppearanceSettings', () => {
  let root: HTMLElement;
  beforeEach(() => {
    root = document.createElement('div');
    document.body.append(root);
  });
  afterEach(() => {
    render(null, root);
    root.remove();
  });

  const choose = async (testId: string, value: string) => {
    await act(async () => {
      const select = root.querySelector<HTMLSelectElement>(`[data-testid="${testId}"]`)!;
      select.value = value;
      select.dispatchEvent(new Event('change', { bubbles: true }));
    });
  };

  it('shows what is applied, in words, and a change applies at once and is saved', async () => {
    applyAppearance({ theme: 'light', fontSize: 'small' });
    await act(async () => render(<AppearanceSettings />, root));
    const theme = root.querySelector<HTMLSelectElement>('[data-testid="theme-select"]')!;
    const size = root.querySelector<HTMLSelectElement>('[data-testid="font-size-select"]')!;
    expect(theme.value).toBe('light');
    expect(size.value).toBe('small');
    expect([...theme.options].map((o) => o.textContent)).toEqual(['System', 'Light', 'Dark']);
    expect([...size.options].map((o) => o.textContent)).toEqual(['Small', 'Default', 'Large', 'Larger']);
    expect(root.querySelector('legend')!.textContent).toBe('Appearance');

    await choose('theme-select', 'dark');
    expect(html().dataset.theme).toBe('dark');
    await choose('font-size-select', 'large');
    expect(html().dataset.fontSize).toBe('large');
    await vi.waitFor(async () => expect(await loadPreferences()).toMatchObject({ theme: 'dark', fontSize: 'large' }));
    expect(theme.value).toBe('dark');
  });
});
