/**
 * A user action's {{page}} is the whole page, even when the action runs on a selection: the
 * page is read along with the selection, from the same gesture (the context menu's, the
 * keyboard command's, or the panel's click), but only when an action that would run on it
 * uses {{page}}, so a plain selection never costs a page read.
 */
import type { Browser } from 'wxt/browser';
import type { PageSelection, UserError } from '../../messaging/protocol.ts';
import { findEntry, usesPage, type ActionId, type ActionList } from '../../shared/actions.ts';
import { loadActions } from '../../storage/actions.ts';
import { readPageFromTab } from './read-page.ts';

/** `action`: the one to run (null: the user picks one in the panel, so any enabled one counts). */
export function actionsNeedPage(list: ActionList, action: ActionId | null): boolean {
  if (action !== null) {
    const entry = findEntry(list, action);
    return entry?.kind === 'custom' && entry.enabled && usesPage(entry.template);
  }
  return list.entries.some((entry) => entry.kind === 'custom' && entry.enabled && usesPage(entry.template));
}

/** The fields a selection message gets: the page, or why it could not be read. */
export async function pageForActions(
  tab: Pick<Browser.tabs.Tab, 'id' | 'url' | 'title'>,
  action: ActionId | null,
  selection: PageSelection,
): Promise<{ page?: PageSelection; pageError?: UserError }> {
  if (selection.source === 'page') return {};
  const list = await loadActions().catch(() => null);
  if (!list || !actionsNeedPage(list, action)) return {};
  const result = await readPageFromTab(tab);
  return result.ok ? { page: result.selection } : { pageError: result.error };
}
