/**
 * Paths into a custom endpoint's event JSON. Two syntaxes, told apart by the first character:
 *
 * - **Dot paths**, read exactly as Aside always has: "output.text", "choices.0.delta.content",
 *   "choices[0].delta" (`[digits]` is `.digits`); an all-digit segment indexes an array (and
 *   names the key `String(Number(segment))` of an object); "" is the whole value.
 * - **JSONPath** (a path that is `$`, or starts with `$.` or `$[`): the singular queries of
 *   RFC 9535: `$` the whole value, `.name`, `['name']` or `["name"]` (escapes `\b \f \n \r \t
 *   \/ \\ \' \" \uXXXX`), `[0]` an array index, `[-1]` counted from the end. Bracket forms are
 *   strict (`['0']` names a key, `[0]` indexes an array); `.0` is read as in a dot path.
 *   Wildcards, descendants, filters, slices, unions and scripts are refused with the token.
 *
 * Pure. Nothing is evaluated, and a lookup reads own properties only: `constructor` or
 * `__proto__` find a key of that name in the JSON, never a prototype's member.
 */

/**
 * One step: a string is an object's key; a number (dot-path style) is an array's index or
 * an object's key; `{ index }` (JSONPath brackets) is an array's index only, negative from the end.
 */
export type PathSegment = string | number | { index: number };

export type PathSyntax = 'dot' | 'jsonpath';

export type PathError =
  /** A JSONPath feature Aside does not read: `token` is what the path wrote ("*", "..", "[?", ":", ",", "@", "("). */
  | { kind: 'unsupported'; token: string; column: number }
  /** Not a JSONPath: `column` (1-based, in the path as typed) is where reading stopped. */
  | { kind: 'syntax'; column: number };

export type ParsedPath = { ok: true; syntax: PathSyntax; segments: PathSegment[] } | { ok: false; error: PathError };

/** Whether `path` is read as JSONPath (else as a dot path). */
export function isJsonPath(path: string): boolean {
  const s = path.trim();
  return s === '$' || s.startsWith('$.') || s.startsWith('$[');
}

/** A dot path, parsed as Aside always has (it never fails). */
export function parseDotPath(path: string): (string | number)[] {
  const normalized = path
    .trim()
    .replace(/\[(\d+)\]/g, '.$1')
    .replace(/^\./, '');
  if (normalized === '') return [];
  return normalized.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** Characters that end a `.name` shorthand, or make it something Aside does not read. */
const UNSUPPORTED_IN_NAME: Record<string, string> = { '*': '*', '(': '(', ')': '(', '@': '@' };
const NOT_IN_NAME = /[\s'"\]]/;
const ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', '/': '/', '\\': '\\', "'": "'", '"': '"' };

/** Thrown inside the parser only, to stop at the first problem. */
class Stop extends Error {
  readonly error: PathError;
  constructor(error: PathError) {
    super(error.kind);
    this.error = error;
  }
}

/** Parses a path in either syntax. */
export function parsePath(path: string): ParsedPath {
  if (!isJsonPath(path)) return { ok: true, syntax: 'dot', segments: parseDotPath(path) };
  const lead = path.length - path.trimStart().length;
  const s = path.trim();
  const syntax = (at: number) => new Stop({ kind: 'syntax', column: lead + at + 1 });
  const unsupported = (token: string, at: number) => new Stop({ kind: 'unsupported', token, column: lead + at + 1 });
  const segments: PathSegment[] = [];
  let i = 1;
  const skipBlanks = () => {
    while (i < s.length && /\s/.test(s[i]!)) i++;
  };

  /** A quoted name starting at s[i] (the quote); leaves i after the closing quote. */
  const quoted = (): string => {
    const quote = s[i]!;
    let out = '';
    i++;
    for (;;) {
      if (i >= s.length) throw syntax(i);
      const c = s[i]!;
      if (c === quote) {
        i++;
        return out;
      }
      if (c.charCodeAt(0) < 0x20) throw syntax(i);
      if (c !== '\\') {
        out += c;
        i++;
        continue;
      }
      const e = s[i + 1];
      if (e === 'u') {
        const hex = s.slice(i + 2, i + 6);
        if (!/^[0-9A-Fa-f]{4}$/.test(hex)) throw syntax(i);
        out += String.fromCharCode(parseInt(hex, 16));
        i += 6;
      } else if (e !== undefined && Object.hasOwn(ESCAPES, e)) {
        out += ESCAPES[e]!;
        i += 2;
      } else {
        throw syntax(i);
      }
    }
  };

  /** What follows a selector inside brackets: only `]` (a `,` would be a union). */
  const close = () => {
    skipBlanks();
    if (s[i] === ',') throw unsupported(',', i);
    if (s[i] === ':') throw unsupported(':', i);
    if (s[i] !== ']') throw syntax(i);
    i++;
  };

  try {
    while (i < s.length) {
      const c = s[i]!;
      if (c === '.') {
        if (s[i + 1] === '.') throw unsupported('..', i);
        const start = i + 1;
        let end = start;
        while (end < s.length && s[end] !== '.' && s[end] !== '[') {
          const n = s[end]!;
          if (Object.hasOwn(UNSUPPORTED_IN_NAME, n)) throw unsupported(UNSUPPORTED_IN_NAME[n]!, end);
          if (NOT_IN_NAME.test(n)) throw syntax(end);
          end++;
        }
        if (end === start) throw syntax(start);
        const name = s.slice(start, end);
        segments.push(/^\d+$/.test(name) ? Number(name) : name);
        i = end;
      } else if (c === '[') {
        i++;
        skipBlanks();
        const d = s[i];
        if (d === "'" || d === '"') {
          segments.push(quoted());
          close();
        } else if (d === '*') {
          throw unsupported('*', i);
        } else if (d === '?') {
          throw unsupported('[?', i - 1);
        } else if (d === '(' || d === '@') {
          throw unsupported(d, i);
        } else if (d === ':') {
          throw unsupported(':', i);
        } else if (d === '-' || (d !== undefined && d >= '0' && d <= '9')) {
          const start = i;
          if (d === '-') i++;
          while (i < s.length && s[i]! >= '0' && s[i]! <= '9') i++;
          const digits = s.slice(start, i);
          // RFC 9535 integers: no leading zeros, no "-0", within the exact range of a double.
          if (!/^(0|-?[1-9]\d*)$/.test(digits) || !Number.isSafeInteger(Number(digits))) {
            if (s[i] === ':') throw unsupported(':', i);
            throw syntax(start);
          }
          segments.push({ index: Number(digits) });
          close();
        } else {
          throw syntax(i);
        }
      } else {
        throw syntax(i);
      }
    }
  } catch (stop) {
    if (stop instanceof Stop) return { ok: false, error: stop.error };
    throw stop;
  }
  return { ok: true, syntax: 'jsonpath', segments };
}

export type Lookup = { found: true; value: unknown } | { found: false; depth: number };

/**
 * The value at a path, or how many steps were taken before one found nothing (`depth`).
 * Own properties only; array indexes within the array only.
 */
export function lookup(value: unknown, path: readonly PathSegment[]): Lookup {
  let v = value;
  for (let depth = 0; depth < path.length; depth++) {
    const segment = path[depth]!;
    if (v === null || typeof v !== 'object') return { found: false, depth };
    if (Array.isArray(v)) {
      if (typeof segment === 'string') return { found: false, depth };
      const raw = typeof segment === 'number' ? segment : segment.index;
      const at = raw < 0 ? v.length + raw : raw;
      if (at < 0 || at >= v.length || !Object.hasOwn(v, at)) return { found: false, depth };
      v = v[at];
    } else {
      if (typeof segment === 'object') return { found: false, depth };
      const key = String(segment);
      if (!Object.hasOwn(v, key)) return { found: false, depth };
      v = (v as Record<string, unknown>)[key];
    }
  }
  return { found: true, value: v };
}

/** The value at a path, or undefined when any step is missing. Own properties only. */
export function getPath(value: unknown, path: readonly PathSegment[]): unknown {
  const found = lookup(value, path);
  return found.found ? found.value : undefined;
}

const SHORTHAND = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** The first `depth` steps of a path, written in its syntax ("choices.0", "$.output['my.text']"). */
export function formatPath(syntax: PathSyntax, path: readonly PathSegment[], depth = path.length): string {
  const steps = path.slice(0, depth);
  if (syntax === 'dot') return steps.map(String).join('.');
  let out = '$';
  for (const step of steps) {
    if (typeof step === 'object') out += `[${step.index}]`;
    else if (typeof step === 'number') out += `.${step}`;
    else if (SHORTHAND.test(step)) out += `.${step}`;
    else
      out += `['${step.replace(/[\\']/g, (c) => `\\${c}`).replace(/\p{Cc}/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}']`;
  }
  return out;
}
