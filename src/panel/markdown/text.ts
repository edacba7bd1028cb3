/**
 * Text helpers for the answer renderer: entity decoding (marked leaves `&amp;` in text
 * tokens), and splitting long runs into bounded pieces so that no text node is huge
 * (Chromium shapes a long text node as one item: appending to a 100k-character node
 * re-lays all of it; with bounded nodes only the last one changes).
 */

/** The most characters one text node holds. */
export const MAX_TEXT_NODE = 1000;

const NAMED: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  copy: '©',
  reg: '®',
  trade: '™',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  laquo: '«',
  raquo: '»',
  times: '×',
  divide: '÷',
  deg: '°',
  plusmn: '±',
  middot: '·',
  bull: '•',
  euro: '€',
  pound: '£',
  yen: '¥',
  cent: '¢',
  sect: '§',
  para: '¶',
  larr: '←',
  rarr: '→',
  uarr: '↑',
  darr: '↓',
  harr: '↔',
  le: '≤',
  ge: '≥',
  ne: '≠',
  infin: '∞',
  colon: ':',
  Tab: '\t',
  NewLine: '\n',
  lpar: '(',
  rpar: ')',
  sol: '/',
  bsol: '\\',
  num: '#',
  excl: '!',
  quest: '?',
  period: '.',
  comma: ',',
  semi: ';',
  equals: '=',
  plus: '+',
  percnt: '%',
  commat: '@',
  lowbar: '_',
  ast: '*',
  grave: '`',
  Hat: '^',
  verbar: '|',
  lsqb: '[',
  rsqb: ']',
  lcub: '{',
  rcub: '}',
};

const ENTITY = /&(?:#[xX]([0-9a-fA-F]{1,6})|#([0-9]{1,7})|([A-Za-z][A-Za-z0-9]{1,31}));/g;

function fromCodePoint(code: number): string {
  // CommonMark: 0 and anything invalid become U+FFFD.
  if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd';
  return String.fromCodePoint(code);
}

/** `&amp;`, `&#106;`, `&#x6A;` → the character; unknown named entities stay as they are. */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(ENTITY, (whole, hex: string | undefined, dec: string | undefined, name: string | undefined) => {
    if (hex !== undefined) return fromCodePoint(parseInt(hex, 16));
    if (dec !== undefined) return fromCodePoint(parseInt(dec, 10));
    return (name !== undefined && NAMED[name]) || whole;
  });
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/** Code points that belong to the character before them: marks, joiners, selectors, modifiers, tags. */
const MARK = /^\p{M}/u;
function continues(point: string): boolean {
  const code = point.codePointAt(0) ?? 0;
  return (
    code === 0x200c ||
    code === 0x200d ||
    (code >= 0xfe00 && code <= 0xfe0f) ||
    (code >= 0xe0100 && code <= 0xe01ef) ||
    (code >= 0x1f3fb && code <= 0x1f3ff) ||
    (code >= 0xe0020 && code <= 0xe007f) ||
    MARK.test(point)
  );
}
function isRegional(point: string): boolean {
  const code = point.codePointAt(0) ?? 0;
  return code >= 0x1f1e6 && code <= 0x1f1ff;
}

/** The code point at `i` (a whole surrogate pair) as a string. */
function pointAt(text: string, i: number): string {
  const unit = text.charCodeAt(i);
  return isHighSurrogate(unit) && i + 1 < text.length ? text.slice(i, i + 2) : text.charAt(i);
}

/** The code point ending just before `i`. */
function pointBefore(text: string, i: number): string {
  const unit = text.charCodeAt(i - 1);
  return isLowSurrogate(unit) && i >= 2 && isHighSurrogate(text.charCodeAt(i - 2)) ? text.slice(i - 2, i) : text.charAt(i - 1);
}

/**
 * Whether a cut at `i` (between text[i-1] and text[i]) keeps every grapheme whole: never
 * inside a surrogate pair, never before a combining mark / ZWJ / variation selector / skin
 * tone / tag, never after a ZWJ, never between two regional indicators (a flag).
 * It reads only text[i-2 .. i+1].
 */
export function isSafeCut(text: string, i: number): boolean {
  if (i <= 0 || i >= text.length) return true;
  if (isLowSurrogate(text.charCodeAt(i)) && isHighSurrogate(text.charCodeAt(i - 1))) return false;
  const after = pointAt(text, i);
  if (continues(after)) return false;
  const before = pointBefore(text, i);
  if (before === '\u200d') return false;
  if (isRegional(after) && isRegional(before)) return false;
  return true;
}

/**
 * Splits a run into pieces of at most `max` UTF-16 units, each cut at a safe place
 * (see isSafeCut; if none is found in the last half of a piece, at least never inside a
 * surrogate pair). The cuts depend only on the text around them, so the pieces of a run
 * that grows are the pieces it had, plus new ones.
 */
export function splitText(text: string, max = MAX_TEXT_NODE): string[] {
  if (text.length <= max) return text === '' ? [] : [text];
  const pieces: string[] = [];
  let start = 0;
  while (text.length - start > max) {
    let cut = start + max;
    const floor = start + (max >> 1);
    while (cut > floor && !isSafeCut(text, cut)) cut--;
    if (cut === floor) {
      cut = start + max;
      if (isLowSurrogate(text.charCodeAt(cut)) && isHighSurrogate(text.charCodeAt(cut - 1))) cut--;
    }
    pieces.push(text.slice(start, cut));
    start = cut;
  }
  pieces.push(text.slice(start));
  return pieces;
}
