import { describe, expect, it } from 'vitest';
import { MAX_WORD_CHARS, queryWords, searchWords } from '../../../src/storage/history/search-words.ts';
import { newConversationId, titleOf } from '../../../src/storage/history/schema.ts';

describe('searchWords', () => {
  it('lower-cases, splits on anything but letters and digits, and keeps each word once', () => {
    expect(searchWords('The fox, the FOX; 42 foxes!')).toEqual(['the', 'fox', '42', 'foxes']);
  });

  it('indexes accented words with and without their marks, and full-width letters as plain ones', () => {
    expect(searchWords('Résumé ＡＢＣ')).toEqual(['résumé', 'resume', 'abc']);
  });

  it('cuts Han, kana and Hangul into overlapping pairs, keeping spaced letters inside as words', () => {
    expect(searchWords('数据流')).toEqual(['数据', '据流', '流']);
    expect(searchWords('api接口')).toEqual(['api', '接口', '口']);
    expect(searchWords('한국어')).toEqual(['한국', '국어', '어']);
  });

  it('bounds word length and word count', () => {
    expect(searchWords('x'.repeat(100))).toEqual(['x'.repeat(MAX_WORD_CHARS)]);
    expect(searchWords('a b c d e', 3)).toEqual(['a', 'b', 'c']);
  });

  it('a query is cut the same way', () => {
    expect(queryWords('  Fox  数据 ')).toEqual(['fox', '数据', '据']);
  });
});

describe('conversation ids and titles', () => {
  it('ids sort by creation time', () => {
    const ids = [1_000, 2_000_000_000_000, 30].map((t) => newConversationId(t, () => 0.5));
    expect([...ids].sort()).toEqual([ids[2], ids[0], ids[1]]);
  });

  it('the title is the user’s, else the first question, else the selection, else the page', () => {
    const page = { title: 'Page title', url: 'https://e.test/' };
    const selection = { text: 'Selected   words', url: '', title: '', originalLength: 16, truncated: false };
    expect(titleOf({ title: 'Mine', turns: [{ role: 'user', text: 'Q' }], page })).toBe('Mine');
    expect(titleOf({ turns: [{ role: 'user', text: '  First\nquestion ' }], page })).toBe('First question');
    expect(titleOf({ turns: [{ role: 'user', text: '', selection }], page })).toBe('Selected words');
    expect(titleOf({ turns: [], page })).toBe('Page title');
    expect([...titleOf({ turns: [{ role: 'user', text: 'y'.repeat(500) }] })]).toHaveLength(120);
  });
});
