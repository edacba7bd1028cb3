// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import {
  ACTION_PROVIDERS,
  addEntry,
  changeEntry,
  deleteEntry,
  listIssues,
  moveEntry,
  previewPrompt,
} from '../../../src/panel/actions/editor.ts';
import { actionKeyIndex } from '../../../src/panel/actions/use-action-keys.ts';
import { DEFAULT_ACTION_LIST } from '../../../src/shared/actions.ts';

const ids = (list: typeof DEFAULT_ACTION_LIST) => list.entries.map((entry) => entry.id);

describe('the actions editor', () => {
  it('moves entries one place, and not past either end', () => {
    expect(ids(moveEntry(DEFAULT_ACTION_LIST, 1, -1)).slice(0, 2)).toEqual(['explain', 'summarize']);
    expect(ids(moveEntry(DEFAULT_ACTION_LIST, 0, 1)).slice(0, 2)).toEqual(['explain', 'summarize']);
    expect(moveEntry(DEFAULT_ACTION_LIST, 0, -1)).toBe(DEFAULT_ACTION_LIST);
    expect(moveEntry(DEFAULT_ACTION_LIST, 5, 1)).toBe(DEFAULT_ACTION_LIST);
  });

  it('adds, changes and deletes a user action; built-in ones can only be turned off', () => {
    const added = addEntry(DEFAULT_ACTION_LIST, 'New', 'Q: {{selection}}');
    const id = added.entries.at(-1)!.id;
    expect(id).toMatch(/^u-[a-z0-9]+$/);
    const changed = changeEntry(added, id, { name: 'Renamed', provider: undefined, model: '' });
    expect(changed.entries.at(-1)).toEqual({ kind: 'custom', id, name: 'Renamed', template: 'Q: {{selection}}', enabled: true });
    expect(deleteEntry(changed, id).entries).toHaveLength(6);
    expect(deleteEntry(changed, 'summarize').entries).toHaveLength(7);
    expect(changeEntry(DEFAULT_ACTION_LIST, 'explain', { enabled: false, name: 'x' }).entries[1]).toEqual({
      kind: 'builtin',
      id: 'explain',
      enabled: false,
    });
  });

  it('lists the issues of each user action that has some', () => {
    const added = addEntry(DEFAULT_ACTION_LIST, '', '{{oops}}');
    const id = added.entries.at(-1)!.id;
    expect([...listIssues(added)]).toEqual([[id, [{ code: 'name-empty' }, { code: 'unknown-placeholder', name: 'oops', at: 0 }]]]);
  });

  it('previews the filled prompt with a sample selection', () => {
    expect(previewPrompt('In {{language}}: {{selection}}', { text: 'Sample', title: 'T' }, 'French')).toMatch(
      /^In French: <selected_text-([0-9a-f]{16}) source="https:\/\/example\.com\/article" title="T">\nSample\n<\/selected_text-\1>$/,
    );
  });

  it('offers providers that need no endpoint of their own', () => {
    expect(ACTION_PROVIDERS).toContain('openai');
    expect(ACTION_PROVIDERS).not.toContain('custom-sse');
    expect(ACTION_PROVIDERS).not.toContain('openai-compatible');
  });
});

describe('number keys', () => {
  const key = (k: string, target: EventTarget | null = document.body, mods: Partial<KeyboardEvent> = {}) =>
    actionKeyIndex({ key: k, altKey: false, ctrlKey: false, metaKey: false, isComposing: false, target, ...mods });

  it('1 to 9 pick the first nine actions', () => {
    expect(key('1')).toBe(0);
    expect(key('9')).toBe(8);
    expect(key('0')).toBeNull();
    expect(key('a')).toBeNull();
  });

  it('do nothing while typing in a field or with a modifier', () => {
    expect(key('1', document.createElement('textarea'))).toBeNull();
    expect(key('1', document.createElement('input'))).toBeNull();
    const box = document.createElement('input');
    box.type = 'checkbox';
    expect(key('1', box)).toBe(0);
    expect(key('1', document.body, { ctrlKey: true })).toBeNull();
  });
});
