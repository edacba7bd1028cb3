/**
 * A component loaded the first time it renders, so the panel's first paint does not carry
 * it (settings, the actions editor: the conversation is what most opens show). `fallback`
 * shows for the moment it takes to load from the extension's own files, and stays, told
 * `failed`, when the load fails (an extension updated under an open panel); a later render
 * tries again.
 */
import type { ComponentChild, ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export function lazyComponent<P extends object>(
  load: () => Promise<ComponentType<P>>,
  fallback: (failed: boolean) => ComponentChild = () => null,
): ComponentType<P> & { preload(): void } {
  let loading: Promise<ComponentType<P>> | null = null;
  const loadOnce = () =>
    (loading ??= load().catch((error: unknown) => {
      loading = null; // a later render tries again
      throw error;
    }));
  function Lazy(props: P) {
    const [Loaded, setLoaded] = useState<ComponentType<P> | null>(null);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      let live = true;
      loadOnce().then(
        (component) => live && setLoaded(() => component),
        () => live && setFailed(true),
      );
      return () => {
        live = false;
      };
    }, []);
    return Loaded ? <Loaded {...props} /> : fallback(failed);
  }
  /** Starts loading before the first render (when it is likely to be needed soon). */
  Lazy.preload = () => void loadOnce().catch(() => {});
  return Lazy;
}
