/** Rendering helpers for the markdown tests: a container, a manual animation-frame queue. */
import { createStreamingRenderer, type StreamingRenderer } from '../../../src/panel/markdown/index.ts';

/** requestAnimationFrame replaced by a queue the test flushes (`frames.run()`). */
export function manualFrames(win: Window = window) {
  let next = 1;
  const queue = new Map<number, FrameRequestCallback>();
  const original = { raf: win.requestAnimationFrame, caf: win.cancelAnimationFrame };
  win.requestAnimationFrame = (callback: FrameRequestCallback) => {
    queue.set(next, callback);
    return next++;
  };
  win.cancelAnimationFrame = (id: number) => void queue.delete(id);
  return {
    get pending() {
      return queue.size;
    },
    run() {
      const callbacks = [...queue.values()];
      queue.clear();
      for (const callback of callbacks) callback(0);
      return callbacks.length;
    },
    restore() {
      win.requestAnimationFrame = original.raf;
      win.cancelAnimationFrame = original.caf;
    },
  };
}

export function newContainer(): HTMLElement {
  const container = document.createElement('div');
  document.body.append(container);
  return container;
}

/** The whole text at once, through a fresh renderer's end(). */
export function renderAll(markdown: string): HTMLElement {
  const container = newContainer();
  createStreamingRenderer(container).end(markdown);
  return container;
}

/** Streams `deltas` (one animation frame after each `framesEvery` updates), then end(). */
export function streamDeltas(
  deltas: readonly string[],
  frames: ReturnType<typeof manualFrames>,
  options: { framesEvery?: number; container?: HTMLElement; onFrame?: (renderer: StreamingRenderer) => void } = {},
): HTMLElement {
  const container = options.container ?? newContainer();
  const renderer = createStreamingRenderer(container);
  let text = '';
  deltas.forEach((delta, i) => {
    text += delta;
    renderer.update(text, delta);
    if ((i + 1) % (options.framesEvery ?? 1) === 0) {
      frames.run();
      options.onFrame?.(renderer);
    }
  });
  renderer.end(text);
  return container;
}
