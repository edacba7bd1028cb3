/**
 * The render benchmark's page (bundled by build.ts, loaded in Chromium by ../render.ts).
 * `window.renderBench.stream(...)` streams one answer into #answer with one variant and
 * resolves with per-frame costs.
 *
 * Frame timing. Each animation frame runs, in this order (rAF callbacks run in the order
 * they were requested): our `start` callback (t0), then the renderer's own rAF callback
 * (ours coalesces updates into one per frame; it was requested by last frame's update()),
 * then our `feed` callback, which hands the next batch of deltas to the variant, forces
 * style and layout (reading offsetHeight), and takes t1. Frame cost = t1 − t0: the
 * renderer's work, any microtasks it queued (highlighting), the synchronous variants' work,
 * and layout. Paint and compositing come after and are not in it; they are in the CDP
 * TaskDuration total that ../render.ts reads around the whole stream, and in long tasks.
 */
import { default_renderer, parser, parser_end, parser_write } from 'streaming-markdown';
import { createStreamingRenderer, warmUpRenderer } from '../../src/panel/markdown/index.ts';
import { renderAll } from './naive.ts';

export type VariantName = 'ours' | 'naive' | 'streaming-markdown' | 'floor';

export interface StreamResult {
  /** Cost of each frame in ms (the last one is the frame that called end()). */
  frames: number[];
  /** The forced style and layout's part of each frame, ms. */
  layout: number[];
  /** Characters handed to the variant by the end of each frame. */
  offsets: number[];
  /** Long tasks (> 50 ms) the page saw during the stream, in ms. */
  longTasks: number[];
  /** Characters streamed (less than the text when the time budget ran out). */
  fed: number;
  /** Wall time from the first frame to the end, ms. */
  wallMs: number;
  textContent: string;
  /** Elements in the container at the end (a sanity figure). */
  elements: number;
}

interface Variant {
  /** One delta (called deltasPerFrame times per frame). */
  feed(fullText: string, delta: string): void;
  /** Once per frame, after the frame's deltas. */
  frame?(fullText: string): void;
  end(fullText: string): void;
}

// The panel's words come from browser.i18n; a page has none, so the message key stands in.
(globalThis as unknown as { browser: unknown }).browser = {
  i18n: { getMessage: (key: string) => key },
  runtime: { getURL: (path: string) => path },
};

function variant(name: VariantName, container: HTMLElement): Variant {
  switch (name) {
    case 'ours': {
      // As markdown/load.ts does when the module loads, during the provider's round trip.
      warmUpRenderer();
      const renderer = createStreamingRenderer(container);
      return { feed: (full, delta) => renderer.update(full, delta), end: (full) => renderer.end(full) };
    }
    case 'naive':
      // Once per frame, the whole text so far.
      return { feed: () => {}, frame: (full) => renderAll(container, full), end: (full) => renderAll(container, full) };
    case 'floor':
      // No rendering at all: the frames' own cost (rAF, the slicing above, an empty layout).
      return { feed: () => {}, end: () => {} };
    case 'streaming-markdown': {
      const p = parser(default_renderer(container));
      return { feed: (_full, delta) => parser_write(p, delta), end: () => parser_end(p) };
    }
  }
}

/**
 * Streams `text`, cut at `cuts`, `deltasPerFrame` deltas a frame. Once `budgetMs` of wall
 * time has passed, the next frame calls end() with what was streamed so far instead.
 */
function stream(name: VariantName, text: string, cuts: number[], deltasPerFrame: number, budgetMs = Infinity): Promise<StreamResult> {
  const container = document.getElementById('answer')!;
  container.replaceChildren();
  const v = variant(name, container);
  const frames: number[] = [];
  const offsets: number[] = [];
  const layout: number[] = [];
  const longTasks: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longTasks.push(entry.duration);
  });
  observer.observe({ type: 'longtask' });

  return new Promise((resolve) => {
    let next = 0; // index into cuts of the next delta
    let fed = 0; // characters handed over so far
    let t0 = 0;
    let ended = false;
    const first = performance.now();
    const start = () => {
      t0 = performance.now();
      if (!ended) requestAnimationFrame(start);
    };
    const feed = () => {
      if (next < cuts.length && performance.now() - first < budgetMs) {
        for (const stop = Math.min(cuts.length, next + deltasPerFrame); next < stop; next++) {
          const end = cuts[next]!;
          v.feed(text.slice(0, end), text.slice(fed, end));
          fed = end;
        }
        v.frame?.(text.slice(0, fed));
      } else {
        if (next === cuts.length) fed = text.length;
        v.end(text.slice(0, fed));
        ended = true;
      }
      const t1 = performance.now();
      void container.offsetHeight;
      const t2 = performance.now();
      frames.push(t2 - t0);
      layout.push(t2 - t1);
      offsets.push(fed);
      if (!ended) {
        requestAnimationFrame(feed);
        return;
      }
      // One more frame so the last frame's paint is done before CDP reads the totals.
      requestAnimationFrame(() =>
        setTimeout(() => {
          observer.takeRecords().forEach((entry) => longTasks.push(entry.duration));
          observer.disconnect();
          resolve({
            frames,
            offsets,
            layout,
            longTasks,
            fed,
            wallMs: performance.now() - first,
            textContent: container.textContent,
            elements: container.getElementsByTagName('*').length,
          });
        }, 0),
      );
    };
    requestAnimationFrame(start);
    requestAnimationFrame(feed);
  });
}

declare global {
  interface Window {
    renderBench: { stream: typeof stream };
  }
}

window.renderBench = { stream };
