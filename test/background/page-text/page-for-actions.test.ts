import { describe, expect, it } from 'vitest';
import { actionsNeedPage } from '../../../src/background/page-text/page-for-actions.ts';
import { DEFAULT_ACTION_LIST, type ActionList } from '../../../src/shared/actions.ts';

const list = (template: string, enabled = true): ActionList => ({
  ...DEFAULT_ACTION_LIST,
  entries: [...DEFAULT_ACTION_LIST.entries, { kind: 'custom', id: 'u-page', name: 'Page', template, enabled }],
});

describe('actionsNeedPage', () => {
  it('reads the page for a user action that uses {{page}}, and not for one that does not', () => {
    expect(actionsNeedPage(list('About {{page}}'), 'u-page')).toBe(true);
    expect(actionsNeedPage(list('About {{selection}}'), 'u-page')).toBe(false);
    expect(actionsNeedPage(list('About {{page}}'), 'summarize')).toBe(false);
  });

  it('with no action chosen yet, reads it when any enabled action uses {{page}}', () => {
    expect(actionsNeedPage(list('About {{page}}'), null)).toBe(true);
    expect(actionsNeedPage(list('About {{page}}', false), null)).toBe(false);
    expect(actionsNeedPage(DEFAULT_ACTION_LIST, null)).toBe(false);
  });
});
