/** The action list from storage, kept current when it changes (in settings, or another panel). */
import { useEffect, useState } from 'preact/hooks';
import { DEFAULT_ACTION_LIST, type ActionList } from '../../shared/actions.ts';
import { loadActions, watchActions } from '../../storage/actions.ts';

/** The stored list; null until it has been read (an editor must not start from the defaults). */
export function useStoredActions(): ActionList | null {
  const [list, setList] = useState<ActionList | null>(null);
  useEffect(() => {
    let live = true;
    void loadActions().then((loaded) => live && setList(loaded));
    const stop = watchActions((changed) => live && setList(changed));
    return () => {
      live = false;
      stop();
    };
  }, []);
  return list;
}

/** The stored list, or the built-in actions until it has been read (enough for buttons and keys). */
export function useActions(): ActionList {
  return useStoredActions() ?? DEFAULT_ACTION_LIST;
}
