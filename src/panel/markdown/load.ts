/**
 * The markdown renderer and its parser (marked, about 15 KB gzipped) load when an answer first
 * needs them, not with the panel: a panel that opens to an empty composer or a settings page
 * does not wait for them. The load starts as soon as a question is sent, so it runs during the
 * provider's round trip and the first token never waits for it.
 */
import type { createStreamingRenderer } from './index.ts';
import type { markdownToPlainText } from './plain-text.ts';

export interface Markdown {
  createStreamingRenderer: typeof createStreamingRenderer;
  markdownToPlainText: typeof markdownToPlainText;
}

let loaded: Markdown | null = null;
let loading: Promise<Markdown> | null = null;

/** Loads the renderer once; a failed load (an extension updated under an open panel) may be tried again. */
export function loadMarkdown(): Promise<Markdown> {
  loading ??= Promise.all([import('./index.ts'), import('./plain-text.ts')]).then(
    ([renderer, plain]) => {
      // Compiled now, while the provider thinks, rather than in the first token's frame.
      try {
        renderer.warmUpRenderer();
      } catch {
        // only a head start: the real answer renders the same without it
      }
      return (loaded = { createStreamingRenderer: renderer.createStreamingRenderer, markdownToPlainText: plain.markdownToPlainText });
    },
    (error: unknown) => {
      loading = null;
      throw error;
    },
  );
  return loading;
}

/** The renderer if it has loaded, for code that cannot wait (a render). */
export function loadedMarkdown(): Markdown | null {
  return loaded;
}
