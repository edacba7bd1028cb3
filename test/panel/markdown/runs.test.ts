// @vitest-environment happy-dom
/**
 * Long paragraphs in runs (src/panel/markdown/runs.ts): the text is the answer's exactly,
 * runs never split a grapheme, a paragraph that later gets markdown still renders it, and a
 * streamed paragraph ends as the same DOM as the same text rendered at once.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStreamingRenderer } from '../../../src/panel/markdown/index.ts';
import { groupRuns, RUN_PIECES, runBoundaries } from '../../../src/panel/markdown/runs.ts';
import { isSafeCut, MAX_TEXT_NODE, splitText } from '../../../src/panel/markdown/text.ts';
import { browserSpeaks } from '../../i18n/catalogs.ts';
import { manualFrames, newContainer, renderAll } from './helpers.ts';

let frames: ReturnType<typeof manualFrames>;
beforeEach(async () => {
  await browserSpeaks('en');
  frames = manualFrames();
});
afterEach(() => {
  frames.restore();
  document.body.replaceChildren();
});

const CJK = '漢字かなカナ한글中文段落';
const CLUSTERS = ['🦊', '👩‍👩‍👧', '🇫🇷', '👍🏽', '❤️', 'é', '，', '。'];

/**
 * `length` UTF-16 units of CJK with emoji, and a grapheme of more than one unit straddling
 * every place near a multiple of MAX_TEXT_NODE where a plain split would cut.
 */
function cjkText(length: number, seed = 1): string {
  let state = seed;
  const next = () => (state = (state * 48271) % 2147483647) / 2147483647;
  let text = '';
  while (text.length < length) {
    const toBoundary = MAX_TEXT_NODE - (text.length % MAX_TEXT_NODE);
    const straddle = toBoundary <= 3 && next() < 0.7;
    text += straddle || next() < 0.08 ? CLUSTERS[Math.floor(next() * CLUSTERS.length)]! : CJK[Math.floor(next() * CJK.length)]!;
  }
  return text;
}

/**
 * Streams `text` in deltas of `size` units (one frame each; `size` may depend on where the
 * delta starts); calls `check` after every frame.
 */
function stream(
  text: string,
  size: number | ((at: number) => number),
  check?: (sofar: string, container: HTMLElement) => void,
): HTMLElement {
  const container = newContainer();
  const renderer = createStreamingRenderer(container);
  for (let at = 0; at < text.length;) {
    const to = at + (typeof size === 'number' ? size : size(at));
    const sofar = text.slice(0, to);
    renderer.update(sofar, text.slice(at, to));
    frames.run();
    check?.(sofar, container);
    at = to;
  }
  renderer.end(text);
  return container;
}

function textNodes(root: Node): Text[] {
  const out: Text[] = [];
  const walker = document.createTreeWalker(root, 4 /* NodeFilter.SHOW_TEXT */);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) out.push(node as Text);
  return out;
}

/** Every place one text node or run ends and the next begins keeps graphemes whole. */
function expectWholeGraphemes(p: Element): void {
  const all = p.textContent;
  let at = 0;
  for (const node of textNodes(p)) {
    expect(isSafeCut(all, at), `cut at ${at}`).toBe(true);
    at += node.data.length;
  }
}

describe('runs', () => {
  it('groups RUN_PIECES pieces a run, the last group inline, and only where a line break keeps graphemes whole', () => {
    const pieces = splitText(cjkText(10 * MAX_TEXT_NODE + 300));
    const grouped = groupRuns(pieces);
    const runs = grouped.filter((v) => typeof v !== 'string');
    expect(runs.length).toBeGreaterThanOrEqual(4);
    for (const run of runs) {
      expect(run.attrs).toEqual({ class: 'md-run' });
      expect(run.children.length).toBeGreaterThanOrEqual(RUN_PIECES);
    }
    expect(typeof grouped.at(-1)).toBe('string');
    const flat = grouped.flatMap((v) => (typeof v === 'string' ? [v] : (v.children as string[])));
    expect(flat).toEqual(pieces);
    // A run boundary between a ZWJ and what it joins would show two emoji: never.
    const zwj = ['字'.repeat(1000), '漢'.repeat(999) + '👩\u200d', '👧' + '漢'.repeat(998), '字'.repeat(1000), '字'];
    expect(runBoundaries(zwj)).toEqual([3]);
    expect(runBoundaries(['字'.repeat(1000), '漢'.repeat(1000), '字'.repeat(1000), '字'])).toEqual([2]);
  });

  it('a sequence that grows keeps its run boundaries', () => {
    const pieces = splitText(cjkText(12 * MAX_TEXT_NODE));
    const whole = runBoundaries(pieces);
    for (let n = 1; n <= pieces.length; n++) {
      expect(whole.filter((k) => k < n)).toEqual(runBoundaries(pieces.slice(0, n)));
    }
  });

  it('after other inline content, the first group of a long sequence stays inline', () => {
    const p = renderAll(`**bold** ${cjkText(6 * MAX_TEXT_NODE)}`).querySelector('p')!;
    expect(p.firstElementChild!.tagName).toBe('STRONG');
    expect(p.childNodes[1]!.nodeType).toBe(3);
    expect(p.querySelectorAll('.md-run').length).toBeGreaterThan(0);
  });

  it('a short paragraph has no runs', () => {
    expect(renderAll(cjkText(RUN_PIECES * MAX_TEXT_NODE - 10)).querySelector('.md-run')).toBeNull();
  });
});

describe('a long paragraph streamed', () => {
  it('shows exactly the text streamed at every frame, in bounded nodes and runs, graphemes whole', () => {
    const text = cjkText(60_000);
    let checked = 0;
    const container = stream(text, 731, (sofar, c) => {
      if (c.textContent !== sofar) expect(c.textContent).toBe(sofar);
      checked++;
    });
    expect(checked).toBeGreaterThan(80);
    expect(container.textContent).toBe(text);
    const p = container.querySelector('p')!;
    expect(container.querySelectorAll('p')).toHaveLength(1);
    expect(p.querySelectorAll('.md-run').length).toBeGreaterThanOrEqual(60_000 / MAX_TEXT_NODE / RUN_PIECES - 2);
    for (const node of textNodes(p)) expect(node.data.length).toBeLessThanOrEqual(MAX_TEXT_NODE);
    expectWholeGraphemes(p);
    expect(container.innerHTML).toBe(renderAll(text).innerHTML);
  });

  it('keeps line endings: CRLF split across deltas is one line break, the text that of the same text at once', () => {
    const first = cjkText(30_000, 7);
    const text = `${first}\r\n${cjkText(20_000, 8)}\r\n\r\n${cjkText(12_000, 9)}`;
    const container = newContainer();
    const renderer = createStreamingRenderer(container);
    const cut = first.length + 1; // between "\r" and "\n"
    for (const [from, to] of [
      [0, 10_000],
      [10_000, cut],
      [cut, 40_000],
      [40_000, text.length],
    ] as const) {
      renderer.update(text.slice(0, to), text.slice(from, to));
      frames.run();
    }
    renderer.end(text);
    const normalized = text.replace(/\r\n/g, '\n');
    const whole = renderAll(text);
    expect(container.querySelectorAll('p')).toHaveLength(2);
    expect(container.textContent).toBe(whole.textContent);
    expect(container.textContent).toBe(normalized.replace('\n\n', ''));
    expect(container.innerHTML).toBe(whole.innerHTML);
  });

  it('renders markdown that comes after 100 KB of plain text', () => {
    const plain = cjkText(100_000, 3);
    const text = `${plain} **粗体 bold** 末尾${cjkText(3000, 4)}`;
    let sawOpenBold = false;
    const container = stream(
      text,
      (at) => (at < plain.length ? Math.min(997, plain.length - at) : 3),
      (sofar, c) => {
        if (sofar.includes('**粗') && !sofar.includes('bold**')) {
          // The open bold is shown bold already, its markers not as text.
          expect(c.querySelector('p strong')?.textContent.startsWith('粗')).toBe(true);
          expect(c.textContent.includes('**')).toBe(false);
          sawOpenBold = true;
        }
      },
    );
    expect(sawOpenBold).toBe(true);
    const p = container.querySelector('p')!;
    expect(p.querySelector('strong')!.textContent).toBe('粗体 bold');
    expect(p.textContent).toBe(text.replace(/\*\*/g, ''));
    expect(p.querySelectorAll('.md-run').length).toBeGreaterThan(40);
    expect(container.innerHTML).toBe(renderAll(text).innerHTML);
  });

  it('becomes two paragraphs when a blank line comes, and a heading when a setext underline does', () => {
    const two = `${cjkText(50_000, 5)}\n\n${cjkText(9_000, 6)}`;
    const container = stream(two, 1201);
    expect(container.querySelectorAll('p')).toHaveLength(2);
    expect(container.querySelectorAll('p')[0]!.textContent).toBe(two.split('\n\n')[0]);
    expect(container.innerHTML).toBe(renderAll(two).innerHTML);

    const heading = `${cjkText(20_000, 7)}\n===\n\nafter`;
    const h = stream(heading, 1201);
    expect(h.querySelector('h1')!.textContent).toBe(heading.split('\n')[0]);
    expect(h.innerHTML).toBe(renderAll(heading).innerHTML);
  });

  it('end() early, in the middle of a run, gives the DOM of the same text at once', () => {
    for (const length of [8_500, 20_001, 33_333]) {
      const text = cjkText(length, length);
      const container = newContainer();
      const renderer = createStreamingRenderer(container);
      for (let at = 0; at < text.length; at += 613) {
        renderer.update(text.slice(0, at + 613), text.slice(at, at + 613));
        frames.run();
      }
      renderer.end(text);
      expect(container.textContent).toBe(text);
      expect(container.innerHTML).toBe(renderAll(text).innerHTML);
    }
  });
});
