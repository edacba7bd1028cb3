import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import {
  actionForMenuItem,
  createdMenuEntries,
  menuEntries,
  rebuildContextMenus,
  resetContextMenusForTests,
} from '../../src/background/context-menu.ts';
import { DEFAULT_ACTION_LIST, type ActionList, type CustomAction } from '../../src/shared/actions.ts';
import { saveActions } from '../../src/storage/actions.ts';
import { settle } from '../fake-port.ts';
import { startTestBackground, type BackgroundHarness } from '../helpers/background.ts';

const haiku: CustomAction = { kind: 'custom', id: 'u-haiku', name: 'Haiku & more', template: 'A haiku: {{selection}}', enabled: true };

function menus(_bg: BackgroundHarness) {
  const contextMenus = (
    fakeBrowser as unknown as { contextMenus: { create: ReturnType<typeof vi.fn>; removeAll: ReturnType<typeof vi.fn> } }
  ).contextMenus;
  return contextMenus;
}

/** The menu as the browser has it: every create since the last removeAll. */
function shownMenu(bg: BackgroundHarness): { id: string; title: string; contexts: string[] }[] {
  const { create, removeAll } = menus(bg);
  const lastRemove = Math.max(...removeAll.mock.invocationCallOrder);
  return create.mock.calls
    .filter((_, i) => create.mock.invocationCallOrder[i]! > lastRemove)
    .map((call) => call[0] as { id: string; title: string; contexts: string[] });
}

let bg: BackgroundHarness;
beforeEach(async () => {
  resetContextMenusForTests();
  bg = startTestBackground();
  // fakeBrowser has no catalog: a title is its message's name.
  fakeBrowser.i18n.getMessage = (name: string) => name;
  await rebuildContextMenus();
});

describe('the context menu', () => {
  it('starts with the built-in actions, keeping the ids it always had', () => {
    expect(shownMenu(bg).map((item) => item.id)).toEqual([
      'aside-summarize',
      'aside-explain',
      'aside-translate',
      'aside-simplify',
      'aside-key-points',
      'aside-ask',
    ]);
    expect(shownMenu(bg).map((item) => item.title)).toEqual([
      'menu_summarize',
      'menu_explain',
      'menu_translate',
      'menu_simplify',
      'menu_key_points',
      'menu_ask',
    ]);
    expect(shownMenu(bg).every((item) => item.contexts.join() === 'selection')).toBe(true);
    expect(createdMenuEntries().map((entry) => entry.actionId)).toEqual(DEFAULT_ACTION_LIST.entries.map((entry) => entry.id));
  });

  it('is rebuilt when the actions change: a new action appears, in order; an action turned off goes', async () => {
    const list: ActionList = {
      entries: [haiku, ...DEFAULT_ACTION_LIST.entries.map((entry) => (entry.id === 'explain' ? { ...entry, enabled: false } : entry))],
      translateTo: '',
    };
    await saveActions(list);
    await vi.waitFor(() => expect(shownMenu(bg)[0]?.id).toBe('aside-u-haiku'));
    await settle();
    const shown = shownMenu(bg);
    expect(shown.map((item) => item.id)).toEqual([
      'aside-u-haiku',
      'aside-summarize',
      'aside-translate',
      'aside-simplify',
      'aside-key-points',
      'aside-ask',
    ]);
    // Firefox reads a single & as an access key.
    expect(shown[0]?.title).toBe('Haiku && more');
    expect(createdMenuEntries()[0]).toEqual({ id: 'aside-u-haiku', title: 'Haiku && more', actionId: 'u-haiku' });
  });

  it('a user action whose name has "%s" shows it as typed, not the selected text in its place', async () => {
    await saveActions({ entries: [{ ...haiku, name: 'Rate 100%s' }, ...DEFAULT_ACTION_LIST.entries], translateTo: '' });
    await vi.waitFor(() => expect(shownMenu(bg)[0]?.id).toBe('aside-u-haiku'));
    const title = shownMenu(bg)[0]!.title;
    expect(title).not.toContain('%s');
    expect(title.replace(/\u200b/g, '')).toBe('Rate 100%s');
  });

  it('never interleaves two rebuilds', async () => {
    const first = rebuildContextMenus({ entries: [haiku], translateTo: '' });
    const second = rebuildContextMenus(DEFAULT_ACTION_LIST);
    await Promise.all([first, second]);
    expect(shownMenu(bg).map((item) => item.id)).toHaveLength(6);
  });

  it('maps a menu id to its action, refusing anything that is not ours', () => {
    expect(actionForMenuItem('aside-summarize')).toBe('summarize');
    expect(actionForMenuItem('aside-u-haiku')).toBe('u-haiku');
    expect(actionForMenuItem('aside-teapot')).toBeNull();
    expect(actionForMenuItem('other-summarize')).toBeNull();
    expect(actionForMenuItem(7)).toBeNull();
  });

  it('lists only enabled entries, with titles in the browser language for built-in ones', () => {
    const entries = menuEntries({
      entries: [
        { kind: 'builtin', id: 'translate', enabled: true },
        { ...haiku, enabled: false },
      ],
      translateTo: '',
    });
    expect(entries).toEqual([{ id: 'aside-translate', title: 'menu_translate', actionId: 'translate' }]);
  });
});

describe('a click on a user action', () => {
  it('hands the selection over with the action id', async () => {
    bg.executeScript.mockResolvedValue([{ frameId: 0, result: { text: 'Fox', url: 'https://e.test/', title: 'E' } }]);
    bg.menuClicked.fire(
      { menuItemId: 'aside-u-haiku', selectionText: 'Fox' },
      { id: 3, windowId: 1, url: 'https://e.test/', title: 'E' },
    );
    expect(bg.sidePanelOpen).toHaveBeenCalledWith({ windowId: 1 });
    await settle();
    const { claimPendingSelection } = await import('../../src/background/selection-handoff.ts');
    const pending = await claimPendingSelection(1);
    expect(pending?.message).toMatchObject({ type: 'selection', action: 'u-haiku', selection: { text: 'Fox' } });
  });
});
