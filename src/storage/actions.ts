/**
 * The action list (built-in actions' order and whether each is on, the user's own
 * actions, Translate's language), in `storage.local`. The background reads it to build
 * the context menu, and rebuilds the menu when it changes; the panel reads and writes it.
 *
 * Version 1. With no item yet (every install before actions could be written), the list is
 * the built-in actions in their default order.
 */
import { ActionListSchema, DEFAULT_ACTION_LIST, withAllBuiltins, type ActionList } from '../shared/actions.ts';
import { defineVersionedItem } from './item.ts';

export const ACTIONS_STORAGE_KEY = 'actions';

const actionsItem = defineVersionedItem<ActionList>({
  key: `local:${ACTIONS_STORAGE_KEY}`,
  version: 1,
  schema: ActionListSchema,
  fallback: DEFAULT_ACTION_LIST,
});

/** The stored list, every built-in action in it; the defaults when there is none or it is unusable. Never throws. */
export async function loadActions(): Promise<ActionList> {
  return withAllBuiltins(await actionsItem.getValue());
}

/** Throws when the list is invalid (the editor checks first) or storage fails. */
export async function saveActions(list: ActionList): Promise<void> {
  await actionsItem.setValue(withAllBuiltins(list));
}

/** Calls back with the new list whenever it is written (from any context); returns the unsubscribe. */
export function watchActions(onChange: (list: ActionList) => void): () => void {
  const listener = (changes: Record<string, unknown>, area: string) => {
    if (area === 'local' && ACTIONS_STORAGE_KEY in changes) void loadActions().then(onChange);
  };
  browser.storage.onChanged.addListener(listener);
  return () => browser.storage.onChanged.removeListener(listener);
}
