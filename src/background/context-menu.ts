/**
 * The page's context menu: one entry per enabled action, in the list's order, rebuilt
 * whenever the list changes. Built-in entries keep the ids they always had
 * (`aside-summarize`, `aside-explain`, `aside-ask`); a user action's entry is
 * `aside-<its id>`, so a click is understood even by a worker that was restarted since
 * the menu was made (Chrome keeps menus across restarts, not our memory).
 *
 * Chrome has no API to read the menu back: the entries last created are kept here (for
 * the e2e tests, see e2e-hooks.ts).
 */
import { i18n } from '#i18n';
import * as v from 'valibot';
import {
  ActionIdSchema,
  enabledEntries,
  type ActionEntry,
  type ActionId,
  type ActionList,
  type BuiltinActionId,
} from '../shared/actions.ts';
import { loadActions, watchActions } from '../storage/actions.ts';

export interface MenuEntry {
  id: string;
  title: string;
  actionId: ActionId;
}

const MENU_PREFIX = 'aside-';

/** Titles are in the browser's language (locales/<lang>.yml, read through browser.i18n). */
const BUILTIN_TITLES: Record<BuiltinActionId, () => string> = {
  summarize: () => i18n.t('menu_summarize'),
  explain: () => i18n.t('menu_explain'),
  translate: () => i18n.t('menu_translate'),
  simplify: () => i18n.t('menu_simplify'),
  'key-points': () => i18n.t('menu_key_points'),
  ask: () => i18n.t('menu_ask'),
};

function titleOf(entry: ActionEntry): string {
  if (entry.kind === 'builtin') return BUILTIN_TITLES[entry.id]();
  // Firefox reads `&` as an access key marker; `&&` is a literal one. Both browsers put the
  // selected text in place of `%s`, and neither has an escape for it: a zero-width space
  // keeps a name's own "%s" as it was typed.
  return entry.name.trim().replace(/&/g, '&&').replace(/%s/g, '%\u200bs');
}

/** The menu for a list: its enabled actions, in order. */
export function menuEntries(list: ActionList): MenuEntry[] {
  return enabledEntries(list).map((entry) => ({ id: `${MENU_PREFIX}${entry.id}`, title: titleOf(entry), actionId: entry.id }));
}

/** The action a menu entry runs, or null for an entry that is not ours. */
export function actionForMenuItem(menuItemId: string | number): ActionId | null {
  if (typeof menuItemId !== 'string' || !menuItemId.startsWith(MENU_PREFIX)) return null;
  const parsed = v.safeParse(ActionIdSchema, menuItemId.slice(MENU_PREFIX.length));
  return parsed.success ? parsed.output : null;
}

let created: MenuEntry[] = [];
let queue: Promise<void> = Promise.resolve();

/** The entries the last rebuild created, in order. */
export function createdMenuEntries(): readonly MenuEntry[] {
  return created;
}

async function rebuild(list: ActionList): Promise<void> {
  const entries = menuEntries(list);
  await browser.contextMenus.removeAll();
  for (const entry of entries) {
    // The callback reads lastError, so a failure (an id still being removed) is not an
    // "unchecked" error in the console; the next rebuild makes the menu right.
    browser.contextMenus.create({ id: entry.id, title: entry.title, contexts: ['selection'] }, () => void browser.runtime.lastError);
  }
  created = entries;
}

/** Makes the menu match the stored list. Rebuilds run one after another, never interleaved. */
export function rebuildContextMenus(list?: ActionList): Promise<void> {
  queue = queue.then(async () => rebuild(list ?? (await loadActions()))).catch(() => {});
  return queue;
}

/** Builds the menu now and after every change of the list. */
export function startContextMenus(): void {
  void rebuildContextMenus();
  watchActions((list) => void rebuildContextMenus(list));
}

/** For tests. */
export function resetContextMenusForTests(): void {
  created = [];
  queue = Promise.resolve();
}
