/** The action list from storage, kept current when it changes (in settings, or another panel). */
import { useEffect, useState } from 'preact/hooks';
import { DEFAULT_ACTION_LIST, type ActionList } from '../../shared/actions.ts';
import { loadActions, watchActions } from '../../storage/actions.ts';

export function useActions(): ActionList {
  const [list, setList] = useState<ActionList>(DEFAULT_ACTION_LIST);
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
