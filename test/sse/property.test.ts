import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { byteByByte, bytes, enc, parseChunks, splitAt } from './helpers.ts';
import { referenceParse } from './reference.ts';

/** Pieces that hit every rule: field names, separators, terminators, BOMs, multibyte text. */
const token = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.constantFrom('data', 'data:', 'data: ', 'event:', 'event: ', 'id:', 'id: ', 'retry:', 'retry: ', ':', ': '),
  },
  { weight: 10, arbitrary: fc.constantFrom('\n', '\r', '\r\n', '\n\n', '\r\r', '\r\n\r\n') },
  { weight: 8, arbitrary: fc.constantFrom('x', 'hello', ' ', '  ', 'é', '你好', '😀', '\u0000', '\uFEFF', 'ping', 'foo:', 'Data:') },
  { weight: 4, arbitrary: fc.constantFrom('0', '12', '007', '1.5', '-1', '+5', '99999') },
  { weight: 3, arbitrary: fc.string({ maxLength: 6 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 4 }) },
  // Raw bytes, including invalid UTF-8 and pieces of multibyte sequences.
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 4 }) },
  { weight: 1, arbitrary: fc.constantFrom(Uint8Array.of(0xef, 0xbb, 0xbf), Uint8Array.of(0xe4, 0xbd), Uint8Array.of(0xf0, 0x9f)) },
);

const stream = fc
  .array(token, { maxLength: 60 })
  .map((parts) => bytes(...parts.map((p) => (typeof p === 'string' ? p : Array.from(p)))));

/** A stream plus a chunking of it: sorted cut offsets, or one byte per chunk. */
const streamAndChunks = stream.chain((b) =>
  fc
    .oneof(
      fc.constant(byteByByte(b)),
      fc.array(fc.integer({ min: 0, max: b.length }), { maxLength: 12 }).map((cuts) => splitAt(b, cuts)),
    )
    .map((chunks) => ({ b, chunks })),
);

describe('property: chunking never changes the result', () => {
  it('gives the same events, retries, comments and incomplete flag for any chunking (down to one byte) as for one chunk', () => {
    fc.assert(
      fc.property(streamAndChunks, ({ b, chunks }) => {
        const whole = parseChunks([b]);
        const split = parseChunks(chunks);
        expect(split.log).toEqual(whole.log);
        expect(split.incomplete).toBe(whole.incomplete);
      }),
      { numRuns: 1500 },
    );
  });

  it('matches a naive whole-stream reference implementation of the spec', () => {
    fc.assert(
      fc.property(stream, (b) => {
        const ours = parseChunks([b]);
        const ref = referenceParse(b);
        expect(ours.log).toEqual(ref.log);
        expect(ours.incomplete).toBe(ref.incomplete);
      }),
      { numRuns: 1500 },
    );
  });

  it('gives the same result for a decoded string cut at any UTF-16 positions as for its bytes', () => {
    const textAndCuts = fc
      .array(
        token.filter((t): t is string => typeof t === 'string'),
        { maxLength: 40 },
      )
      .map((parts) => parts.join(''))
      .chain((s) => fc.tuple(fc.constant(s), fc.array(fc.integer({ min: 0, max: s.length }), { maxLength: 10 })));
    fc.assert(
      fc.property(textAndCuts, ([s, cuts]) => {
        const sorted = [0, ...[...cuts].sort((a, b) => a - b), s.length];
        const pieces = sorted.slice(1).map((end, i) => s.slice(sorted[i], end));
        // Lone surrogates encode to U+FFFD, so compare with the bytes of the well-formed string.
        const wellFormed = s.toWellFormed();
        if (wellFormed !== s) return;
        expect(parseChunks(pieces).log).toEqual(parseChunks([enc(s)]).log);
      }),
      { numRuns: 1000 },
    );
  });
});
