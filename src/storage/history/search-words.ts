/**
 * The words a conversation is found by, and the words of a search. Both sides cut text the
 * same way: lower case, NFKC (full-width letters and ligatures match their plain forms),
 * diacritics kept (a search for "resume" should not be blind to "résumé", so both are
 * indexed: with and without marks). Scripts written without spaces (Han, kana, Hangul) are
 * cut into overlapping pairs of characters, the usual way to index them without a dictionary.
 *
 * A search word matches an indexed word it starts ("fox" finds "foxes"), so words are
 * looked up as key ranges of a multiEntry index.
 */

/** Longer words are cut: nobody searches for the 80th letter of a hash. */
export const MAX_WORD_CHARS = 24;
/** The most words one conversation is indexed by (a 200 KB answer has far fewer distinct words). */
export const MAX_WORDS_PER_CONVERSATION = 20_000;

const WORD = /[\p{L}\p{N}]+/gu;
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const MARKS = /\p{M}+/gu;

function* piecesOf(text: string): Generator<string> {
  for (const [match] of text.normalize('NFKC').toLowerCase().matchAll(WORD)) {
    if (!UNSPACED.test(match)) {
      yield match.slice(0, MAX_WORD_CHARS);
      const bare = match.normalize('NFD').replace(MARKS, '').normalize('NFC');
      if (bare !== match) yield bare.slice(0, MAX_WORD_CHARS);
      continue;
    }
    // Mixed runs ("api接口"): spaced letters stay words, unspaced ones become pairs.
    let spaced = '';
    const chars = [...match];
    for (let i = 0; i < chars.length; i++) {
      const char = chars[i]!;
      if (!UNSPACED.test(char)) {
        spaced += char;
        continue;
      }
      if (spaced) yield spaced.slice(0, MAX_WORD_CHARS);
      spaced = '';
      const next = chars[i + 1];
      yield next !== undefined && UNSPACED.test(next) ? char + next : char;
    }
    if (spaced) yield spaced.slice(0, MAX_WORD_CHARS);
  }
}

/** The distinct words of a text, at most `max`, in the order they first appear. */
export function searchWords(text: string, max = MAX_WORDS_PER_CONVERSATION): string[] {
  const words = new Set<string>();
  for (const word of piecesOf(text)) {
    words.add(word);
    if (words.size >= max) break;
  }
  return [...words];
}

/**
 * The words of a search: each must match (a word's start). A lone CJK character searches
 * as itself; pairs are what was indexed, so "数据流" looks for "数据" and "据流".
 */
export function queryWords(query: string): string[] {
  return searchWords(query, 16);
}
