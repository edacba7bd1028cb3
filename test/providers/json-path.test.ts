/**
 * Paths into custom endpoint events: dot paths read exactly as before JSONPath existed, the
 * JSONPath subset (names, quoted names with escapes, indexes, negative indexes), refusals
 * of what it does not read, and lookups that never reach a prototype.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPath, getPath, isJsonPath, lookup, parseDotPath, parsePath, type PathSegment } from '../../src/providers/json-path.ts';

/** The dot-path reader as it was before JSONPath (src/providers/custom.ts at 95871a6). */
function legacyParsePath(path: string): (string | number)[] {
  const normalized = path
    .trim()
    .replace(/\[(\d+)\]/g, '.$1')
    .replace(/^\./, '');
  if (normalized === '') return [];
  return normalized.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}
function legacyGetPath(value: unknown, path: readonly (string | number)[]): unknown {
  let v = value;
  for (const segment of path) {
    if (v === null || typeof v !== 'object') return undefined;
    if (Array.isArray(v)) {
      if (typeof segment !== 'number') return undefined;
      v = v[segment];
    } else {
      const key = String(segment);
      if (!Object.hasOwn(v, key)) return undefined;
      v = (v as Record<string, unknown>)[key];
    }
  }
  return v;
}

const ok = (path: string): PathSegment[] => {
  const parsed = parsePath(path);
  if (!parsed.ok) throw new Error(`${path}: ${JSON.stringify(parsed.error)}`);
  return parsed.segments;
};
const error = (path: string) => {
  const parsed = parsePath(path);
  if (parsed.ok) throw new Error(`${path} parsed`);
  return parsed.error;
};

const event = {
  choices: [{ delta: { content: 'hi', role: 'assistant' } }, { delta: { content: 'second' } }],
  output: { text: 'out', 'my.text': 'dotted', "it's": 'quoted', 'a"b': 'double', '': 'empty key', '0': 'zero key' },
  list: ['a', 'b', 'c'],
};

describe('which syntax', () => {
  it('reads $, $. and $[ as JSONPath, everything else as a dot path', () => {
    for (const path of ['$', '$.a', '$[0]', '  $.a  ', "$['a']"]) expect(isJsonPath(path), path).toBe(true);
    for (const path of ['', 'a', '$a', 'a.$', '.$', 'choices[0]', '$$']) expect(isJsonPath(path), path).toBe(false);
    expect(parsePath('$a')).toEqual({ ok: true, syntax: 'dot', segments: ['$a'] });
  });
});

describe('dot paths', () => {
  it('parse as before: numeric segments, brackets, a leading dot, the empty path', () => {
    expect(parseDotPath('choices.0.delta.content')).toEqual(['choices', 0, 'delta', 'content']);
    expect(parseDotPath('choices[0].delta')).toEqual(['choices', 0, 'delta']);
    expect(parseDotPath('.output.text')).toEqual(['output', 'text']);
    expect(parseDotPath(' output.text ')).toEqual(['output', 'text']);
    expect(parseDotPath('')).toEqual([]);
    expect(parseDotPath('a..b')).toEqual(['a', '', 'b']);
  });

  it('parse and look up exactly as the old reader did, for any path and value (property)', () => {
    const segment = fc.oneof(
      fc.constantFrom('0', '1', '007', 'a', 'choices', '', '[0]', '[1]', '__proto__', 'constructor'),
      fc.string(),
    );
    const path = fc.array(segment, { maxLength: 5 }).map((parts) => parts.join('.'));
    fc.assert(
      fc.property(path, fc.jsonValue(), (p, value) => {
        const parsed = parsePath(p);
        if (isJsonPath(p)) return; // `$.…` is JSONPath now (documented)
        expect(parsed).toEqual({ ok: true, syntax: 'dot', segments: legacyParsePath(p) });
        expect(getPath(value, legacyParsePath(p))).toEqual(legacyGetPath(value, legacyParsePath(p)));
      }),
      { numRuns: 500 },
    );
  });
});

describe('JSONPath', () => {
  it('reads the examples of issue 10', () => {
    expect(getPath(event, ok('$.choices[0].delta.content'))).toBe('hi');
    expect(getPath({ output: { text: 'yes' } }, ok("$['output']['text']"))).toBe('yes');
    expect(getPath(event, ok('$["output"]["text"]'))).toBe('out');
  });

  it('is the whole value at $, and reads names a dot path cannot', () => {
    expect(getPath('whole', ok('$'))).toBe('whole');
    expect(getPath(event, ok("$.output['my.text']"))).toBe('dotted');
    expect(getPath(event, ok("$.output['it\\'s']"))).toBe('quoted');
    expect(getPath(event, ok('$.output["it\'s"]'))).toBe('quoted');
    expect(getPath(event, ok('$.output["a\\"b"]'))).toBe('double');
    expect(getPath(event, ok("$.output['']"))).toBe('empty key');
    expect(getPath(event, ok("$.output['0']"))).toBe('zero key');
    expect(getPath(event, ok('$.output[ "text" ]'))).toBe('out');
  });

  it('decodes escapes, \\u ones and surrogate pairs included', () => {
    expect(ok("$['\\b\\f\\n\\r\\t\\/\\\\']")).toEqual(['\b\f\n\r\t/\\']);
    expect(ok("$['\\u00e9\\u4e2d\\ud83d\\ude00']")).toEqual(['é中😀']);
    expect(ok("$['中文'].名字")).toEqual(['中文', '名字']);
  });

  it('indexes arrays, negative indexes from the end; bracket forms are strict', () => {
    expect(getPath(event, ok('$.list[0]'))).toBe('a');
    expect(getPath(event, ok('$.list[-1]'))).toBe('c');
    expect(getPath(event, ok('$.list[-3]'))).toBe('a');
    expect(getPath(event, ok('$.list[-4]'))).toBeUndefined();
    expect(getPath(event, ok('$.list[3]'))).toBeUndefined();
    expect(getPath(event, ok('$.choices[-1].delta.content'))).toBe('second');
    // [0] indexes arrays only, ['0'] names object keys only; `.0` is read as in a dot path.
    expect(getPath(event, ok('$.output[0]'))).toBeUndefined();
    expect(getPath(event, ok("$.list['0']"))).toBeUndefined();
    expect(getPath(event, ok('$.list.1'))).toBe('b');
    expect(getPath(event, ok('$.output.0'))).toBe('zero key');
  });

  it('refuses wildcards, descendants, filters, slices, unions and scripts, naming the token and where', () => {
    expect(error('$.choices[*].text')).toEqual({ kind: 'unsupported', token: '*', column: 11 });
    expect(error('$.*')).toEqual({ kind: 'unsupported', token: '*', column: 3 });
    expect(error('$..text')).toEqual({ kind: 'unsupported', token: '..', column: 2 });
    expect(error('$.a[?(@.x)]')).toMatchObject({ kind: 'unsupported', token: '[?' });
    expect(error('$.a[0:2]')).toMatchObject({ kind: 'unsupported', token: ':' });
    expect(error('$.a[:2]')).toMatchObject({ kind: 'unsupported', token: ':' });
    expect(error('$.a[0,1]')).toMatchObject({ kind: 'unsupported', token: ',' });
    expect(error("$.a['x','y']")).toMatchObject({ kind: 'unsupported', token: ',' });
    expect(error('$.a[(@.length-1)]')).toMatchObject({ kind: 'unsupported', token: '(' });
    expect(error('$.a.length()')).toMatchObject({ kind: 'unsupported', token: '(' });
    expect(error('$.a[@]')).toMatchObject({ kind: 'unsupported', token: '@' });
  });

  it('says where a malformed path stops, counting the spaces typed before it', () => {
    expect(error('$.')).toEqual({ kind: 'syntax', column: 3 });
    expect(error('$.a.')).toEqual({ kind: 'syntax', column: 5 });
    expect(error('  $.a.')).toEqual({ kind: 'syntax', column: 7 });
    expect(error('$[')).toEqual({ kind: 'syntax', column: 3 });
    expect(error("$['a'")).toEqual({ kind: 'syntax', column: 6 });
    expect(error("$['a]")).toEqual({ kind: 'syntax', column: 6 });
    expect(error('$[a]')).toEqual({ kind: 'syntax', column: 3 });
    expect(error('$.a b')).toEqual({ kind: 'syntax', column: 4 });
    expect(error("$.a'")).toEqual({ kind: 'syntax', column: 4 });
    expect(error('$.a]')).toEqual({ kind: 'syntax', column: 4 });
    expect(error('$[01]')).toEqual({ kind: 'syntax', column: 3 });
    expect(error('$[-0]')).toEqual({ kind: 'syntax', column: 3 });
    expect(error('$[-]')).toEqual({ kind: 'syntax', column: 3 });
    expect(error('$[9007199254740993]')).toEqual({ kind: 'syntax', column: 3 });
    expect(error("$['\\x']")).toEqual({ kind: 'syntax', column: 4 });
    expect(error("$['\\u12']")).toEqual({ kind: 'syntax', column: 4 });
    expect(error("$['a\nb']")).toEqual({ kind: 'syntax', column: 5 });
    expect(error('$[0')).toEqual({ kind: 'syntax', column: 4 });
    expect(parsePath('$x.a')).toMatchObject({ ok: true, syntax: 'dot' });
  });

  it('never throws, whatever is typed after $ (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('$', '.', '[', ']', "'", '"', '\\', '0', '-', 'a', '*', ' ', ':', ',', '?', 'u') }),
        (tail) => {
          const parsed = parsePath(`$${tail}`);
          if (!parsed.ok) expect(parsed.error.column).toBeGreaterThanOrEqual(1);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('writes a parsed path back as a JSONPath that reads the same (property)', () => {
    const step = fc.oneof(
      fc.string(),
      fc.nat({ max: 1000 }),
      fc.integer({ min: -1000, max: 1000 }).map((index) => ({ index })),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 6 }), (segments) => {
        const written = formatPath('jsonpath', segments);
        expect(parsePath(written)).toEqual({ ok: true, syntax: 'jsonpath', segments });
      }),
      { numRuns: 1000 },
    );
  });
});

describe('lookups', () => {
  it('read own properties only: constructor, __proto__ and toString find only keys of that name', () => {
    for (const path of [
      'constructor',
      '$.constructor',
      "$['__proto__']",
      '__proto__',
      'toString',
      '$.a.hasOwnProperty',
      'list.length',
    ]) {
      expect(getPath({ a: {}, list: [] }, ok(path)), path).toBeUndefined();
    }
    const parsed = JSON.parse('{"__proto__": {"text": "own"}, "constructor": "own too"}') as unknown;
    expect(getPath(parsed, ok("$['__proto__'].text"))).toBe('own');
    expect(getPath(parsed, ok('__proto__.text'))).toBe('own');
    expect(getPath(parsed, ok('$.constructor'))).toBe('own too');
    expect(getPath([1, 2], ok('$.length'))).toBeUndefined();
  });

  it('say how far the path got', () => {
    expect(lookup(event, ok('$.choices[0].delta.text'))).toEqual({ found: false, depth: 3 });
    expect(lookup(event, ok('choices.5.delta'))).toEqual({ found: false, depth: 1 });
    expect(lookup(event, ok('$.nothing'))).toEqual({ found: false, depth: 0 });
    expect(lookup('text', ok('$.a'))).toEqual({ found: false, depth: 0 });
    expect(lookup({ a: null }, ok('a'))).toEqual({ found: true, value: null });
    expect(formatPath('jsonpath', ok("$.choices[0]['my.text'].x"), 3)).toBe("$.choices[0]['my.text']");
    expect(formatPath('dot', ok('choices.0.delta'), 2)).toBe('choices.0');
  });

  it('treat holes in arrays as missing', () => {
    // eslint-disable-next-line no-sparse-arrays
    expect(lookup([, 'b'], [{ index: 0 }])).toEqual({ found: false, depth: 0 });
  });
});
