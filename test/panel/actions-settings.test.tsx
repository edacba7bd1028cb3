// @vitest-environment happy-dom
/**
 * Settings › Actions, rendered: the built-in actions listed, a new action added with focus on
 * its name, a bad template reported (and Save refused) until fixed, the preview filled live,
 * Save writing the list, moving a row keeping focus on its button, and a hostile import
 * refused with the reason.
 */
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { ActionsSettings } from '../../src/panel/components/ActionsSettings.tsx';
import { loadActions } from '../../src/storage/actions.ts';
import { browserSpeaks } from '../i18n/catalogs.ts';

let root: HTMLElement;
const $ = (testId: string) => root.querySelector<HTMLElement>(`[data-testid="${testId}"]`);
const $$ = (testId: string) => [...root.querySelectorAll<HTMLElement>(`[data-testid="${testId}"]`)];
const lastOf = (testId: string) => $$(testId).at(-1)!;

async function type(element: HTMLElement, value: string) {
  await act(() => {
    (element as HTMLInputElement).value = value;
    element.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

async function click(element: HTMLElement) {
  await act(() => element.click());
}

beforeEach(async () => {
  fakeBrowser.reset();
  await browserSpeaks('en');
  root = document.createElement('div');
  document.body.append(root);
  await act(() => render(<ActionsSettings />, root));
  await act(() => new Promise((resolve) => setTimeout(resolve, 10)));
});

afterEach(() => {
  render(null, root);
  root.remove();
});

describe('Settings › Actions', () => {
  it('offers no editing until the stored actions are read (editing the defaults would save over them)', async () => {
    render(null, root);
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const get = browser.storage.local.get.bind(browser.storage.local);
    const held = ((...args: Parameters<typeof get>) => gate.then(() => get(...args))) as typeof get;
    // eslint-disable-next-line @typescript-eslint/no-misused-promises -- storage.get's promise form is what the store calls
    const spy = vi.spyOn(browser.storage.local, 'get').mockImplementation(held);
    try {
      await act(() => render(<ActionsSettings />, root));
      expect($('actions-loading')).not.toBeNull();
      expect($('action-add')).toBeNull();
      expect($$('action-row')).toEqual([]);
      await act(async () => {
        release();
        await new Promise((resolve) => setTimeout(resolve, 10));
      });
      expect($('actions-loading')).toBeNull();
      expect($('action-add')).not.toBeNull();
    } finally {
      spy.mockRestore();
    }
  });

  it('lists the built-in actions with accessible controls', () => {
    expect($$('action-row').map((row) => row.getAttribute('data-action-id'))).toEqual([
      'summarize',
      'explain',
      'translate',
      'simplify',
      'key-points',
      'ask',
    ]);
    expect($$('action-enabled')[0]?.getAttribute('aria-label')).toBe('Show “Summarize” in the menu and the panel');
    expect($$('action-move-up')[0]?.hasAttribute('disabled')).toBe(true);
    expect($$('action-delete')).toHaveLength(0);
    expect($('translate-to')).not.toBeNull();
  });

  it('adds an action, reports a bad template until fixed, previews it, and saves it', async () => {
    await click($('action-add')!);
    expect(document.activeElement).toBe(lastOf('action-name'));
    await type(lastOf('action-name'), 'Haiku');
    await type(lastOf('action-template'), 'Haiku {{selecton}}');
    expect($('action-issues')?.textContent).toContain('“selecton” is not a placeholder');
    expect(lastOf('action-template').getAttribute('aria-invalid')).toBe('true');
    await click($('action-save')!);
    expect($('actions-status')?.getAttribute('data-kind')).toBe('problem');
    expect((await loadActions()).entries).toHaveLength(6);

    await type(lastOf('action-template'), 'Haiku about {{selection}} ({{title}})');
    expect($('action-issues')).toBeNull();
    expect(lastOf('action-preview').textContent).toMatch(
      /^Haiku about <selected_text-([0-9a-f]{16}) source="https:\/\/example\.com\/article" title="The page title">\nThe text you select on the page\.\n<\/selected_text-\1> \(The page title\)$/,
    );
    await click($('action-save')!);
    await vi.waitFor(() => expect($('actions-status')?.getAttribute('data-kind')).toBe('saved'));
    const saved = (await loadActions()).entries.at(-1);
    expect(saved).toMatchObject({ kind: 'custom', name: 'Haiku', template: 'Haiku about {{selection}} ({{title}})', enabled: true });
  });

  it('keeps focus on a moved row’s button', async () => {
    await click($$('action-move-down')[0]!);
    expect(
      $$('action-row')
        .map((row) => row.getAttribute('data-action-id'))
        .slice(0, 2),
    ).toEqual(['explain', 'summarize']);
    expect(document.activeElement).toBe(root.querySelector('[data-action-id="summarize"] [data-testid="action-move-down"]'));
  });

  it('refuses a hostile import with the reason, and imports a good one', async () => {
    const input = $('actions-import-file') as HTMLInputElement;
    const pick = async (text: string) => {
      Object.defineProperty(input, 'files', { value: [new File([text], 'a.json')], configurable: true });
      await act(() => void input.dispatchEvent(new Event('change', { bubbles: true })));
      await act(() => new Promise((resolve) => setTimeout(resolve, 10)));
    };
    await pick('{"format":"aside-actions","version":9,"actions":[]}');
    expect($('actions-status')?.textContent).toBe('Not imported: the file is version 9; this Aside reads version 1.');
    await pick(
      '{"format":"aside-actions","version":1,"__proto__":{"x":1},"actions":[{"kind":"custom","id":"u-a","name":"A","template":"{{selection}}","enabled":true}]}',
    );
    expect($('actions-status')?.getAttribute('data-kind')).toBe('imported');
    expect($$('action-row').at(-1)?.getAttribute('data-action-id')).toBe('u-a');
  });
});
