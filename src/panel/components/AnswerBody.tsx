import { useEffect, useRef } from 'preact/hooks';
import { createStreamingRenderer, type StreamingRenderer } from '../markdown/index.ts';

/**
 * An answer's text as markdown. The DOM inside is the renderer's, not Preact's: Preact renders
 * an empty <div> and never touches its children. While the answer streams, each new text is
 * handed over with its delta (the renderer applies it at the next animation frame); once it no
 * longer streams, end() renders what is there at once (so a complete answer appears at mount).
 */
export function AnswerBody(props: { text: string; streaming: boolean }) {
  const element = useRef<HTMLDivElement>(null);
  const renderer = useRef<{ instance: StreamingRenderer; text: string; ended: boolean } | null>(null);

  useEffect(() => {
    return () => {
      renderer.current?.instance.dispose();
      renderer.current = null;
    };
  }, []);

  useEffect(() => {
    if (!element.current) return;
    renderer.current ??= { instance: createStreamingRenderer(element.current), text: '', ended: false };
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
  }, [props.text, props.streaming]);

  return <div class="answer-text md" data-testid="answer-text" ref={element} />;
}
