// @vitest-environment happy-dom
/**
 * Streaming is invisible in the end: random markdown cut into random deltas, streamed through
 * update() (frames at random moments) and end(), gives the DOM of the same text rendered at
 * once by a fresh renderer.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { highlightingSettled } from '../../../src/panel/markdown/highlight.ts';
import { createStreamingRenderer } from '../../../src/panel/markdown/index.ts';
import { browserSpeaks } from '../../i18n/catalogs.ts';
import { manualFrames, newContainer, renderAll } from './helpers.ts';

const word = fc.constantFrom(
  'fox',
  'dog',
  'jumps',
  'over',
  'a',
  'lazy',
  'music',
  '狐狸',
  '跳过',
  '懒狗',
  '🦊',
  '👩‍👩‍👧',
  '🇫🇷',
  'é',
  'x_y',
  '1.',
  '2)',
);
const sentence = fc.array(word, { minLength: 1, maxLength: 8 }).map((words) => words.join(' '));
const inlinePiece = fc.oneof(
  sentence,
  sentence.map((s) => `**${s}**`),
  sentence.map((s) => `_${s}_`),
  sentence.map((s) => `~~${s}~~`),
  sentence.map((s) => `\`${s}\``),
  sentence.map((s) => `[${s}](https://example.test/${s.length})`),
  sentence.map((s) => `![${s}](https://img.example/${s.length}.png)`),
  sentence.map((s) => `[${s}][ref]`),
  fc.constant('<b onclick=x>raw</b>'),
  fc.constant('&amp; &#106; &copy;'),
  fc.constant('https://auto.example/path www.example.com'),
  fc.constant('**open'),
  fc.constant('`open'),
  fc.constant('a\\*b'),
  fc.integer({ min: 1, max: 5000 }).map((n) => '漢字かなカナ한글'.repeat(Math.ceil(n / 9)).slice(0, n)),
  fc.integer({ min: 1, max: 3000 }).map((n) => 'word '.repeat(n)),
);
const inlineLine = fc.array(inlinePiece, { minLength: 1, maxLength: 4 }).map((pieces) => pieces.join(' '));
const block = fc.oneof(
  { weight: 4, arbitrary: inlineLine },
  { weight: 1, arbitrary: fc.tuple(inlineLine, inlineLine).map(([a, b]) => `${a}\n${b}`) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: 6 }), sentence).map(([n, s]) => `${'#'.repeat(n)} ${s}`) },
  { weight: 1, arbitrary: fc.array(inlineLine, { minLength: 1, maxLength: 4 }).map((items) => items.map((i) => `- ${i}`).join('\n')) },
  {
    weight: 1,
    arbitrary: fc
      .array(sentence, { minLength: 1, maxLength: 4 })
      .map((items) => items.map((i, n) => `${n + 1}. ${i}\n   - nested ${i}`).join('\n')),
  },
  {
    weight: 1,
    arbitrary: fc
      .array(fc.boolean(), { minLength: 1, maxLength: 3 })
      .map((done) => done.map((d, n) => `- [${d ? 'x' : ' '}] task ${n}`).join('\n')),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('js', 'python', '', 'unknownlang'), fc.array(sentence, { maxLength: 4 }))
      .map(([lang, lines]) => `\`\`\`${lang}\n${lines.join('\n')}\n\`\`\``),
  },
  {
    weight: 1,
    arbitrary: fc
      .array(fc.tuple(sentence, inlineLine), { minLength: 1, maxLength: 3 })
      .map((rows) => `| a | b |\n|:-|--:|\n${rows.map(([x, y]) => `| ${x} | ${y} |`).join('\n')}`),
  },
  { weight: 1, arbitrary: inlineLine.map((l) => `> ${l}\n> more`) },
  { weight: 1, arbitrary: fc.constant('[ref]: https://ref.example/ "Ref"') },
  { weight: 1, arbitrary: fc.constant('---') },
  { weight: 1, arbitrary: fc.constant('<div onclick="x">\nraw html\n</div>') },
  { weight: 1, arbitrary: sentence.map((s) => `${s}\n===`) },
  // Lines that look like a new block for a moment, then join the one before.
  { weight: 1, arbitrary: fc.tuple(sentence, sentence).map(([a, b]) => `1. ${a}\n\n2. ${b}`) },
  { weight: 1, arbitrary: fc.tuple(sentence, sentence).map(([a, b]) => `${a}\n#${b}\n-${b}`) },
);
const separator = fc.constantFrom('\n\n', '\n', '\n\n\n', '\r\n\r\n');
const markdown = fc
  .array(fc.tuple(block, separator), { minLength: 1, maxLength: 8 })
  .map((parts) => parts.map(([b, s]) => b + s).join(''))
  .chain((text) => fc.tuple(fc.constant(text), fc.boolean()).map(([t, trim]) => (trim ? t.trimEnd() : t)));

/** Cuts `text` into deltas at random places (inside surrogate pairs too: the renderer must cope). */
const withDeltas = markdown.chain((text) =>
  fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, text.length - 1) }), { maxLength: Math.min(60, text.length) }).map((cuts) => {
    const sorted = [...cuts].sort((a, b) => a - b);
    const deltas: string[] = [];
    let last = 0;
    for (const cut of sorted) {
      deltas.push(text.slice(last, cut));
      last = cut;
    }
    deltas.push(text.slice(last));
    return { text, deltas: deltas.filter((d) => d !== '') };
  }),
);

let frames: ReturnType<typeof manualFrames>;
beforeEach(async () => {
  await browserSpeaks('en');
  frames = manualFrames();
});
afterEach(() => {
  frames.restore();
  document.body.replaceChildren();
});

describe('streamed = rendered at once', () => {
  it('for random markdown in random deltas', async () => {
    await fc.assert(
      fc.asyncProperty(
        withDeltas,
        fc.array(fc.boolean(), { minLength: 60, maxLength: 60 }).chain((b) => fc.oneof(fc.constant(b), fc.constant(b.map(() => true)))),
        async ({ text, deltas }, frameAfter) => {
          const container = newContainer();
          const renderer = createStreamingRenderer(container);
          let sofar = '';
          deltas.forEach((delta, i) => {
            sofar += delta;
            renderer.update(sofar, delta);
            if (frameAfter[i % frameAfter.length]) frames.run();
          });
          renderer.end(text);
          const whole = renderAll(text);
          await highlightingSettled();
          expect(container.innerHTML).toBe(whole.innerHTML);
          container.remove();
          whole.remove();
        },
      ),
      { numRuns: 300 },
    );
  }, 120_000);

  it('for one huge CJK paragraph streamed in small deltas (the frozen-prefix path)', async () => {
    const text = `${'漢字かなカナ한글'.repeat(3000)} **bold** 末尾${'字'.repeat(500)}\n\nnext`;
    const container = newContainer();
    const renderer = createStreamingRenderer(container);
    for (let i = 0; i < text.length; i += 97) {
      renderer.update(text.slice(0, i + 97), text.slice(i, i + 97));
      frames.run();
    }
    renderer.end(text);
    expect(container.innerHTML).toBe(renderAll(text).innerHTML);
  });
});
