/**
 * Which parts of a text a search matched, for the history view to mark. The same rules as
 * the search itself (src/storage/history/search-words.ts and db.ts): case, width and
 * diacritics do not matter; the last search word, once long enough, also matches words it
 * starts ("fox" marks the "fox" of "foxes"); the others match whole words; words of
 * scripts written without spaces match where they occur.
 */
import { MIN_PREFIX_CHARS } from '../../storage/history/db.ts';
import { queryWords } from '../../storage/history/search-words.ts';

export interface TextPart {
  text: string;
  match: boolean;
}

const WORD = /[\p{L}\p{N}]+/gu;
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const MARKS = /\p{M}+/gu;

const normal = (word: string) => word.normalize('NFKC').toLowerCase();
const bare = (word: string) => normal(word).normalize('NFD').replace(MARKS, '').normalize('NFC');

interface Needle {
  word: string;
  prefix: boolean;
}

function needlesOf(query: string): { spaced: Needle[]; unspaced: string[] } {
  const words = queryWords(query);
  const spaced: Needle[] = [];
  const unspaced: string[] = [];
  words.forEach((word, i) => {
    if (UNSPACED.test(word)) unspaced.push(word);
    else spaced.push({ word, prefix: i === words.length - 1 && word.length >= MIN_PREFIX_CHARS });
  });
  return { spaced, unspaced };
}

/** How many characters at the start of `word` (as written) the needle matches; 0: none. */
function matchLength(word: string, needle: Needle): number {
  for (const form of new Set([normal(word), bare(word)])) {
    if (needle.prefix ? form.startsWith(needle.word) : form === needle.word) {
      // Normalizing kept the length: mark just the matched start; otherwise the whole word.
      return form.length === word.length ? needle.word.length : word.length;
    }
  }
  return 0;
}

/** The text cut into parts, matched or not, in order; joined, they are the text again. */
export function highlightParts(text: string, query: string): TextPart[] {
  const { spaced, unspaced } = needlesOf(query);
  if (text === '' || (spaced.length === 0 && unspaced.length === 0)) return text === '' ? [] : [{ text, match: false }];
  const marked = new Uint8Array(text.length);
  const mark = (from: number, length: number) => marked.fill(1, from, from + length);
  for (const found of text.matchAll(WORD)) {
    const word = found[0];
    const at = found.index;
    for (const needle of spaced) {
      const length = matchLength(word, needle);
      if (length > 0) mark(at, length);
    }
  }
  const lower = text.toLowerCase();
  for (const word of unspaced) {
    for (let at = lower.indexOf(word); at >= 0; at = lower.indexOf(word, at + 1)) mark(at, word.length);
  }
  const parts: TextPart[] = [];
  let start = 0;
  for (let i = 1; i <= text.length; i++) {
    if (i === text.length || marked[i] !== marked[start]) {
      parts.push({ text: text.slice(start, i), match: marked[start] === 1 });
      start = i;
    }
  }
  return parts;
}

/**
 * A short piece of a long text around its first match, for a search result (an answer's
 * matching sentence, not its first line). `null` when nothing in it matches.
 */
export function snippetAround(text: string, query: string, radius = 80): string | null {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  const parts = highlightParts(oneLine, query);
  let at = 0;
  for (const part of parts) {
    if (part.match) {
      const from = Math.max(0, at - radius);
      const to = Math.min(oneLine.length, at + part.text.length + radius);
      // Cut at spaces where there are any, so no word is shown in half.
      const start = from === 0 ? 0 : oneLine.indexOf(' ', from) + 1 || from;
      const endSpace = to === oneLine.length ? -1 : oneLine.lastIndexOf(' ', to);
      const end = endSpace > at + part.text.length ? endSpace : to;
      return `${start > 0 ? '…' : ''}${oneLine.slice(start, end)}${end < oneLine.length ? '…' : ''}`;
    }
    at += part.text.length;
  }
  return null;
}
