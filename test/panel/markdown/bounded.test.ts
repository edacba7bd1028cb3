// @vitest-environment happy-dom
/** The cost of an update does not grow with the answer: bounded children, finished blocks untouched. */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { BLOCKS_PER_CHUNK, createStreamingRenderer } from '../../../src/panel/markdown/index.ts';
import { RUN_PIECES } from '../../../src/panel/markdown/runs.ts';
import { MAX_TEXT_NODE } from '../../../src/panel/markdown/text.ts';
import { browserSpeaks } from '../../i18n/catalogs.ts';
import { manualFrames, newContainer } from './helpers.ts';

let frames: ReturnType<typeof manualFrames>;
beforeEach(async () => {
  await browserSpeaks('en');
  frames = manualFrames();
});
afterEach(() => {
  frames.restore();
  document.body.replaceChildren();
});

it('2,000 streamed paragraphs: few children, and no mutation inside a finished block', async () => {
  const container = newContainer();
  const renderer = createStreamingRenderer(container);
  const finished = new Set<Element>();
  let touched = 0;
  const observer = new MutationObserver((records) => {
    for (const record of records) {
      let node: Node | null = record.target;
      while (node && node !== container) {
        if (node instanceof Element && finished.has(node)) {
          touched++;
          break;
        }
        node = node.parentNode;
      }
    }
  });
  observer.observe(container, { subtree: true, childList: true, characterData: true, attributes: true });
  let text = '';
  let maxChildren = 0;
  for (let i = 0; i < 2000; i++) {
    for (const delta of [`Paragraph ${i} `, 'with **bold', '** text', ' and more.\n\n']) {
      text += delta;
      renderer.update(text, delta);
      frames.run();
      await Promise.resolve(); // deliver mutation records
      maxChildren = Math.max(maxChildren, container.childElementCount);
    }
    // Everything but the last block (the open one) is finished now.
    const chunks = container.querySelectorAll('.md-chunk');
    const recent = [...[...chunks].slice(-2).flatMap((chunk) => [...chunk.children])];
    for (const block of recent.slice(0, -1)) finished.add(block);
  }
  renderer.end(text);
  await Promise.resolve();
  observer.disconnect();
  expect(container.querySelectorAll('.md-chunk p')).toHaveLength(2000);
  expect(maxChildren).toBeLessThanOrEqual(2);
  expect(Math.max(...[...container.querySelectorAll('.md-chunk')].map((c) => c.childElementCount))).toBe(BLOCKS_PER_CHUNK);
  expect(finished.size).toBeGreaterThanOrEqual(1990);
  expect(touched).toBe(0);
}, 60_000);

it('a huge paragraph streams into bounded text nodes and runs; a run, once made, is never touched', async () => {
  const container = newContainer();
  const renderer = createStreamingRenderer(container);
  const piece = '漢字かなカナ한글🦊'.repeat(20);
  let text = '';
  const removed: Node[] = [];
  let insideRuns = 0;
  const observer = new MutationObserver((records) => {
    for (const record of records) {
      removed.push(...record.removedNodes);
      const target = record.target instanceof Element ? record.target : record.target.parentElement;
      if (target?.closest('.md-run')) insideRuns++;
    }
  });
  observer.observe(container, { subtree: true, childList: true, characterData: true });
  for (let i = 0; i < 1500; i++) {
    text += piece;
    renderer.update(text, piece);
    frames.run();
  }
  renderer.end(text);
  await Promise.resolve();
  observer.disconnect();
  const p = container.querySelector('p')!;
  expect(p.textContent).toBe(text);
  const runs = p.querySelectorAll(':scope > .md-run');
  expect(runs.length).toBeGreaterThanOrEqual(text.length / (RUN_PIECES * MAX_TEXT_NODE) - 2);
  const texts: Text[] = [];
  for (const child of p.childNodes) texts.push(...(child instanceof Text ? [child] : ([...child.childNodes] as Text[])));
  expect(texts.map((t) => t.data).join('')).toBe(text);
  expect(Math.max(...texts.map((t) => t.data.length))).toBeLessThanOrEqual(MAX_TEXT_NODE);
  for (const node of texts) expect(/^[\udc00-\udfff]/.test(node.data)).toBe(false);
  // Never a rebuilt paragraph or run: only the live tail's text nodes are replaced, one as each run is made.
  expect(insideRuns).toBe(0);
  expect(removed.every((node) => node instanceof Text)).toBe(true);
  expect(removed.length).toBeLessThanOrEqual(runs.length);
});
