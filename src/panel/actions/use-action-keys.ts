/**
 * Number keys 1 to 9 run the first nine enabled actions, while a selection waits to be
 * asked about and focus is not where digits are typed (a text field, a select, an editor).
 */
import { useEffect } from 'preact/hooks';
import { MAX_ACTION_KEYS } from '../../shared/limits.ts';

function typingInto(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(target.type);
}

/** The action a key runs: its index among the enabled ones, or null. */
export function actionKeyIndex(
  event: Pick<KeyboardEvent, 'key' | 'altKey' | 'ctrlKey' | 'metaKey' | 'isComposing' | 'target'>,
): number | null {
  if (event.altKey || event.ctrlKey || event.metaKey || event.isComposing || typingInto(event.target)) return null;
  if (!/^[1-9]$/.test(event.key)) return null;
  const index = Number(event.key) - 1;
  return index < MAX_ACTION_KEYS ? index : null;
}

export function useActionKeys(active: boolean, ids: readonly string[], run: (id: string) => void): void {
  useEffect(() => {
    if (!active) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented) return;
      const index = actionKeyIndex(event);
      const id = index === null ? undefined : ids[index];
      if (id === undefined) return;
      event.preventDefault();
      run(id);
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [active, ids.join('|'), run]);
}
