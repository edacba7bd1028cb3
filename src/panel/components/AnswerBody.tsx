import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { StreamingRenderer } from '../markdown/index.ts';
import { loadedMarkdown, loadMarkdown, type Markdown } from '../markdown/load.ts';

/**
 * An answer's text as markdown. The DOM inside is the renderer's, not Preact's: Preact renders
 * an empty <div> and never touches its children. While the answer streams, each new text is
 * handed over with its delta (the renderer applies it at the next animation frame); once it no
 * longer streams, end() renders what is there at once (so a complete answer appears at mount).
 *
 * The renderer loads lazily (markdown/load.ts). Until it has loaded the box stays empty: it is a
 * local chunk that arrives within a frame or two, and drawing the raw text first would flash
 * markdown syntax (and lay out a long CJK run whole). If it cannot load, the text is shown plain.
 */
export function AnswerBody(props: { text: string; streaming: boolean }) {
  const element = useRef<HTMLDivElement>(null);
  const renderer = useRef<{ instance: StreamingRenderer; text: string; ended: boolean } | null>(null);
  const [markdown, setMarkdown] = useState<Markdown | 'failed' | null>(loadedMarkdown);

  useEffect(() => {
    if (markdown === null) loadMarkdown().then(setMarkdown, () => setMarkdown('failed'));
  }, [markdown]);

  useEffect(() => {
    return () => {
      renderer.current?.instance.dispose();
      renderer.current = null;
    };
  }, []);

  // A layout effect, not an effect: Preact runs effects after the next frame is drawn, which
  // would hold every delta back a frame before the renderer even schedules its own frame
  // (bench/latency.ts measured ~20 ms more from the network to the screen).
  useLayoutEffect(() => {
    if (!element.current || markdown === null) return;
    if (markdown === 'failed') {
      element.current.textContent = props.text;
      return;
    }
    renderer.current ??= { instance: markdown.createStreamingRenderer(element.current), text: '', ended: false };
    const state = renderer.current;
    if (props.streaming) {
      if (props.text === state.text && !state.ended) return;
      const delta = props.text.startsWith(state.text) ? props.text.slice(state.text.length) : props.text;
      state.instance.update(props.text, delta);
      state.ended = false;
    } else {
      if (props.text === state.text && state.ended) return;
      state.instance.end(props.text);
      state.ended = true;
    }
    state.text = props.text;
  }, [props.text, props.streaming, markdown]);

  return <div class={markdown === 'failed' ? 'answer-text' : 'answer-text md'} data-testid="answer-text" ref={element} />;
}
