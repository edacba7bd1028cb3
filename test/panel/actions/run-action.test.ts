import { describe, expect, it } from 'vitest';
import { pageFallsBack, withPage } from '../../../src/panel/actions/run-action.ts';
import type { TurnAction } from '../../../src/shared/actions.ts';
import type { PageSelection } from '../../../src/shared/schemas.ts';

const text = (t: string, source: 'selection' | 'page' = 'selection'): PageSelection => ({
  text: t,
  url: 'https://example.com/',
  title: 'Example',
  originalLength: t.length,
  truncated: false,
  source,
});
const action = (template: string): TurnAction => ({ id: 'u-abc', template, language: 'English' });

describe('the page for {{page}}', () => {
  const staged = { selection: text('sel'), selectionPage: text('whole page', 'page') };

  it('goes with an action whose template uses {{page}}', () => {
    expect(withPage(action('{{page}} {{selection}}'), staged).page).toEqual(staged.selectionPage);
    expect(pageFallsBack(action('{{page}}'), staged)).toBe(false);
  });

  it('stays out of an action that does not use it', () => {
    expect(withPage(action('{{selection}}'), staged).page).toBeUndefined();
    expect(pageFallsBack(action('{{selection}}'), { ...staged, selectionPage: null })).toBe(false);
  });

  it('falls back to the selection, and says so, when the page was not read', () => {
    const unread = { ...staged, selectionPage: null };
    expect(withPage(action('{{page}}'), unread).page).toBeUndefined();
    expect(pageFallsBack(action('{{page}}'), unread)).toBe(true);
  });

  it('is the staged text itself when the whole page is staged', () => {
    const whole = { selection: text('whole page', 'page'), selectionPage: null };
    expect(withPage(action('{{page}}'), whole).page).toBeUndefined();
    expect(pageFallsBack(action('{{page}}'), whole)).toBe(false);
  });
});
