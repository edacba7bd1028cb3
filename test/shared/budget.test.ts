import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assessBudget,
  boundaryBefore,
  ESTIMATE_MARGIN,
  estimateRequestTokens,
  estimateTokens,
  firstPart,
  headingAt,
  sectionsOf,
  splitParts,
  summaryOfSummariesPrompt,
} from '../../src/shared/budget.ts';

const paragraph = (n: number) => `Paragraph ${n} says something. It has two sentences.`;
const article = Array.from({ length: 40 }, (_, i) => paragraph(i)).join('\n\n');

const isLoneSurrogateCut = (text: string, at: number) =>
  at > 0 && at < text.length && /[\uD800-\uDBFF]/.test(text[at - 1]!) && /[\uDC00-\uDFFF]/.test(text[at]!);

describe('estimateTokens', () => {
  it('counts Latin text at about 4 characters a token', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('abcd')).toBe(1);
    expect(estimateTokens('abcde')).toBe(2);
    expect(estimateTokens('x'.repeat(4000))).toBe(1000);
  });

  it('counts CJK, kana and Hangul at a token a character, other scripts at two characters', () => {
    expect(estimateTokens('汉字文本')).toBe(4);
    expect(estimateTokens('ひらがなカタカナ')).toBe(8);
    expect(estimateTokens('한국어')).toBe(3);
    expect(estimateTokens('Привет')).toBe(3);
    expect(estimateTokens('Hello 世界')).toBe(Math.ceil(6 / 4 + 2));
  });

  it('counts a character outside the BMP (an emoji) once, as a whole token', () => {
    expect(estimateTokens('😀')).toBe(1);
    expect(estimateTokens('😀😀')).toBe(2);
  });

  it('is additive within rounding, so parts add up to the whole (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        const whole = estimateTokens(a + b);
        expect(whole).toBeLessThanOrEqual(estimateTokens(a) + estimateTokens(b));
        expect(whole).toBeGreaterThanOrEqual(estimateTokens(a) + estimateTokens(b) - 1);
      }),
    );
  });

  it('estimates a request: system prompt, messages and their framing', () => {
    expect(estimateRequestTokens('', [])).toBe(3);
    expect(estimateRequestTokens('abcd', [{ content: 'abcdabcd' }])).toBe(3 + 1 + 4 + 2 + 4);
  });
});

describe('assessBudget', () => {
  const base = { exact: false, maxOutputTokens: 1000, selectionEstimate: 5000 };

  it('is unknown without a window, and invents no warning', () => {
    expect(assessBudget({ ...base, inputTokens: 9e9, requestEstimate: 9e9, contextWindow: null })).toEqual({
      kind: 'unknown',
      inputTokens: 9e9,
      exact: false,
    });
  });

  it('fits when input plus the answer room is within the window, and is over otherwise', () => {
    expect(assessBudget({ ...base, inputTokens: 6000, requestEstimate: 6000, contextWindow: 7000 }).kind).toBe('fits');
    const over = assessBudget({ ...base, inputTokens: 6001, requestEstimate: 6001, contextWindow: 7000 });
    expect(over).toMatchObject({ kind: 'over', needed: 7001, contextWindow: 7000 });
  });

  it('gives the room for the page text, with a margin for estimates', () => {
    // 2000 window - 1000 answer - (1500 - 1000 others) = 500 for the text; 90 % of it.
    const budget = assessBudget({ ...base, selectionEstimate: 1000, inputTokens: 1500, requestEstimate: 1500, contextWindow: 2000 });
    expect(budget.kind === 'over' && budget.room).toBe(Math.floor(500 * ESTIMATE_MARGIN));
  });

  it('scales a counted request back to estimate units, without the margin', () => {
    // Counted at twice the estimate: the 1000 window tokens left hold 500 estimated ones.
    const budget = assessBudget({
      exact: true,
      maxOutputTokens: 1000,
      selectionEstimate: 1000,
      requestEstimate: 1100,
      inputTokens: 2200,
      contextWindow: 2000 + 200,
    });
    expect(budget).toMatchObject({ kind: 'over', room: 500 });
  });

  it('has no room when the rest of the request alone is over', () => {
    const budget = assessBudget({ ...base, selectionEstimate: 10, inputTokens: 5000, requestEstimate: 5000, contextWindow: 4000 });
    expect(budget.kind === 'over' && budget.room).toBeLessThanOrEqual(0);
  });
});

describe('boundaryBefore', () => {
  it('prefers a paragraph break, then a line, a sentence, a space', () => {
    expect(boundaryBefore('aaaa aaaa\n\nbbbb bbbb', 0, 16)).toBe(11);
    expect(boundaryBefore('aaaa aaaa\nbbbb bbbb', 0, 16)).toBe(10);
    expect(boundaryBefore('Aaaa aaaa. Bbbb bbbb', 0, 17)).toBe(11);
    expect(boundaryBefore('aaaa aaaa bbbb bbbb', 0, 17)).toBe(15);
    expect(boundaryBefore('一二三。四五六七八', 0, 6)).toBe(4);
  });

  it('cuts hard when no boundary keeps half of what fits, never inside a surrogate pair', () => {
    expect(boundaryBefore('abcdefghij', 0, 4)).toBe(4);
    expect(boundaryBefore('ab😀cd', 0, 3)).toBe(2);
    expect(boundaryBefore('😀😀', 0, 1)).toBe(2); // progress: a whole character
  });
});

describe('firstPart', () => {
  it('keeps what fits, cut at a paragraph, and says the last words before the cut', () => {
    const part = firstPart(article, 100);
    expect(part.start).toBe(0);
    expect(part.tokens).toBeLessThanOrEqual(100);
    expect(article.slice(0, part.end).endsWith('\n\n')).toBe(true);
    expect(part.lastWords.endsWith('It has two sentences.')).toBe(true);
    expect(part.lastWords.length).toBeLessThanOrEqual(60);
  });

  it('keeps the whole text when it fits', () => {
    expect(firstPart('short', 100)).toMatchObject({ end: 5, tokens: 2 });
  });

  it('never exceeds the tokens (but for one heavy character) nor splits a pair (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.integer({ min: 1, max: 80 }), (text, tokens) => {
        const part = firstPart(text, tokens);
        expect(part.tokens).toBeLessThanOrEqual(Math.max(tokens, 1));
        expect(isLoneSurrogateCut(text, part.end)).toBe(false);
        if (text.length > 0) expect(part.end).toBeGreaterThan(0);
      }),
    );
  });
});

describe('splitParts', () => {
  it('splits at paragraph breaks into parts within the budget', () => {
    const parts = splitParts(article, 100);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts.slice(0, -1)) expect(article.slice(part.start, part.end).endsWith('\n\n')).toBe(true);
    expect(parts.map((p) => article.slice(p.start, p.end)).join('')).toBe(article);
  });

  it('gives no parts for empty text', () => {
    expect(splitParts('', 10)).toEqual([]);
  });

  it('covers the text exactly, in order, each part within the budget, no pair split (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), fc.integer({ min: 1, max: 60 }), (text, tokens) => {
        const parts = splitParts(text, tokens);
        let at = 0;
        for (const part of parts) {
          expect(part.start).toBe(at);
          expect(part.end).toBeGreaterThan(part.start);
          expect(part.tokens).toBeLessThanOrEqual(tokens);
          expect(part.tokens).toBe(estimateTokens(text.slice(part.start, part.end)));
          expect(isLoneSurrogateCut(text, part.end)).toBe(false);
          at = part.end;
        }
        expect(at).toBe(text.length);
      }),
    );
  });
});

describe('sectionsOf', () => {
  const text = 'Intro text.\nOne\nFirst body.\nTwo\nSecond body, longer than the first.';
  const headings = [
    { level: 2, text: 'Two', offset: text.indexOf('Two') },
    { level: 2, text: 'One', offset: text.indexOf('One') },
  ];

  it('cuts the text at its headings, in order, with the text before the first, and each size', () => {
    const sections = sectionsOf(text, headings);
    expect(sections.map((s) => s.heading?.text ?? null)).toEqual([null, 'One', 'Two']);
    expect(sections.map((s) => text.slice(s.start, s.end))).toEqual([
      'Intro text.\n',
      'One\nFirst body.\n',
      'Two\nSecond body, longer than the first.',
    ]);
    for (const s of sections) {
      expect(s.chars).toBe(s.end - s.start);
      expect(s.tokens).toBe(estimateTokens(text.slice(s.start, s.end)));
    }
  });

  it('ignores headings outside the text and duplicates; no headings: one section', () => {
    expect(sectionsOf('abc', [{ level: 1, text: 'x', offset: 99 }])).toMatchObject([{ heading: null, start: 0, end: 3 }]);
    expect(sectionsOf('abc', [])).toHaveLength(1);
    expect(sectionsOf('', [])).toEqual([]);
    const twice = sectionsOf(text, [...headings, { level: 3, text: 'dup', offset: headings[0]!.offset }]);
    expect(twice).toHaveLength(3);
  });

  it('covers the text exactly for any headings (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 200 }),
        fc.array(fc.record({ level: fc.integer({ min: 1, max: 6 }), text: fc.string(), offset: fc.nat(250) }), { maxLength: 10 }),
        (body, hs) => {
          const sections = sectionsOf(body, hs);
          expect(sections.map((s) => body.slice(s.start, s.end)).join('')).toBe(body);
        },
      ),
    );
  });

  it('finds the heading a cut falls in', () => {
    expect(headingAt(headings, text.indexOf('First'))?.text).toBe('One');
    expect(headingAt(headings, 3)).toBeNull();
    expect(headingAt(headings, text.length)?.text).toBe('Two');
  });
});

describe('summaryOfSummariesPrompt', () => {
  it('numbers the answers and ends with the question', () => {
    const prompt = summaryOfSummariesPrompt('Summarize.', [' A. ', 'B.']);
    expect(prompt).toContain('Part 1 of 2:\nA.');
    expect(prompt).toContain('Part 2 of 2:\nB.');
    expect(prompt.endsWith('Summarize.')).toBe(true);
  });
});
