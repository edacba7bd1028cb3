import { describe, expect, it } from 'vitest';
import { highlightParts, snippetAround } from '../../../src/panel/history/highlight.ts';

const marked = (text: string, query: string) =>
  highlightParts(text, query)
    .filter((part) => part.match)
    .map((part) => part.text);

describe('highlightParts', () => {
  it('cuts the text into parts that join back to it, the matches marked', () => {
    const parts = highlightParts('The Fox and the fox-hole', 'fox');
    expect(parts.map((part) => part.text).join('')).toBe('The Fox and the fox-hole');
    expect(parts.filter((part) => part.match).map((part) => part.text)).toEqual(['Fox', 'fox']);
  });

  it('marks the start of a longer word for the last search word, once it is long enough', () => {
    expect(marked('Foxes are quick', 'fox')).toEqual(['Fox']);
    // "qu" is too short to be a prefix: only whole words.
    expect(marked('quick qu', 'qu')).toEqual(['qu']);
  });

  it('earlier search words match whole words only, as the search does', () => {
    expect(marked('quick brown foxes; quickly brown', 'quick brown')).toEqual(['quick', 'brown', 'brown']);
  });

  it('ignores case, width and diacritics', () => {
    expect(marked('Un résumé ＦＯＸ', 'resume fox')).toEqual(['résumé', 'ＦＯＸ']);
  });

  it('marks words of unspaced scripts where they occur', () => {
    expect(marked('关于数据流的问题', '数据流')).toEqual(['数据流']);
  });

  it('no query, or nothing found: one unmarked part', () => {
    expect(highlightParts('Hello', '')).toEqual([{ text: 'Hello', match: false }]);
    expect(highlightParts('Hello', 'zebra')).toEqual([{ text: 'Hello', match: false }]);
    expect(highlightParts('', 'zebra')).toEqual([]);
  });

  it('does not treat the query as a pattern', () => {
    expect(marked('a (b) [c] .* d', '.* (b)')).toEqual(['b']);
  });
});

describe('snippetAround', () => {
  it('shows the words around the first match of a long text, cut at spaces', () => {
    const text = `${'lorem ipsum '.repeat(30)}the orchestra tunes ${'dolor sit '.repeat(30)}`;
    const snippet = snippetAround(text, 'orchestra', 30)!;
    expect(snippet).toContain('the orchestra tunes');
    expect(snippet.startsWith('…')).toBe(true);
    expect(snippet.endsWith('…')).toBe(true);
    expect(snippet.length).toBeLessThan(90);
    expect(snippet).not.toMatch(/…\S*ipsu…|…rem /);
  });

  it('is null when nothing matches', () => {
    expect(snippetAround('nothing here', 'zebra')).toBeNull();
  });
});
