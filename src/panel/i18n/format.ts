/**
 * How a catalog message becomes text, exactly as @wxt-dev/i18n's `i18n.t` does it (so a
 * message reads the same from browser.i18n and from a loaded catalog): a plural message is
 * its forms joined by " | " (one form: always it; two: 1 / other; three: 0 / 1 / other),
 * chosen by the `count` param; then each `{name}` is replaced by its param, and a name
 * without a param is left as it is. Pure: no browser.
 */

export type Params = Readonly<Record<string, string | number>>;

const NAMED = /\{([A-Za-z0-9_]+)\}/g;

export function pickPlural(message: string, count: number): string {
  const forms = message.split(' | ');
  if (forms.length === 2) return forms[count === 1 ? 0 : 1]!;
  if (forms.length === 3) return forms[count === 0 || count === 1 ? count : 2]!;
  return forms[0]!;
}

/** `format` formats a number param (digit grouping in the UI language). */
export function substitute(message: string, params: Params = {}, format: (n: number) => string = String): string {
  const count = params.count;
  const text = typeof count === 'number' ? pickPlural(message, count) : message;
  return text.replace(NAMED, (match, name: string) => {
    if (!Object.prototype.hasOwnProperty.call(params, name)) return match;
    const value = params[name]!;
    return typeof value === 'number' ? format(value) : value;
  });
}

/** The `{name}`s a message uses, each once, in order (all plural forms together). */
export function placeholdersOf(message: string): string[] {
  return [...new Set(Array.from(message.matchAll(NAMED), (match) => match[1]!))];
}

/**
 * A message cut at its `{name}`s, for text with an element inside it (a <code>): the
 * pieces in order, each either text or the name of the part that goes there.
 */
export function splitAtPlaceholders(message: string): ({ text: string } | { part: string })[] {
  const pieces: ({ text: string } | { part: string })[] = [];
  let last = 0;
  for (const match of message.matchAll(NAMED)) {
    if (match.index > last) pieces.push({ text: message.slice(last, match.index) });
    pieces.push({ part: match[1]! });
    last = match.index + match[0].length;
  }
  if (last < message.length) pieces.push({ text: message.slice(last) });
  return pieces;
}
