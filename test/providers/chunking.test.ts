/**
 * Every provider fixture, replayed whole, split at every byte offset, one byte at a time
 * and in random chunkings: the accumulated ChatResult must not change. Truncated copies
 * must never claim to be complete, and their text must be a prefix of the full text.
 */
import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cutAt,
  loadFixture,
  PROVIDER_FIXTURES,
  PROVIDER_STREAMS_DIR,
  readChunks,
} from '../helpers/provider-fixtures.ts';

describe('provider fixtures', () => {
  it('has an expectation for every fixture file', () => {
    const listed = PROVIDER_FIXTURES.filter((f) => f.dir === PROVIDER_STREAMS_DIR).map((f) => f.name).sort();
    expect(readdirSync(PROVIDER_STREAMS_DIR).filter((f) => f.endsWith('.sse')).sort()).toEqual(listed);
  });

  for (const fixture of PROVIDER_FIXTURES) {
    describe(fixture.name, () => {
      const bytes = loadFixture(fixture);

      it('accumulates to the documented result', async () => {
        expect(await readChunks(fixture.format, [bytes])).toEqual(fixture.expected);
      });

      it('gives the same result when split into two chunks at every byte offset', async () => {
        const differing: number[] = [];
        for (let i = 0; i <= bytes.length; i++) {
          const result = await readChunks(fixture.format, cutAt(bytes, [i]));
          if (JSON.stringify(result) !== JSON.stringify(fixture.expected)) differing.push(i);
        }
        expect(differing).toEqual([]);
      });

      it('gives the same result when fed one byte at a time', async () => {
        const offsets = Array.from({ length: bytes.length }, (_, i) => i);
        expect(await readChunks(fixture.format, cutAt(bytes, offsets))).toEqual(fixture.expected);
      });

      it('gives the same result for random chunkings', async () => {
        await fc.assert(
          fc.asyncProperty(fc.array(fc.nat({ max: bytes.length }), { maxLength: 40 }), async (offsets) => {
            expect(await readChunks(fixture.format, cutAt(bytes, offsets))).toEqual(fixture.expected);
          }),
          { numRuns: 150 },
        );
      });

      it('never reports a truncated copy as complete, and its text is a prefix of the full text', async () => {
        const wrong: { cut: number; complete: boolean; text: string; thinking: string }[] = [];
        // Up to 2 bytes short: a CR-terminated stream may dispatch its last event on the final CR.
        for (let cut = 0; cut <= bytes.length - 2; cut++) {
          const { complete, text, thinking } = await readChunks(fixture.format, [bytes.subarray(0, cut)]);
          if (complete || !fixture.expected.text.startsWith(text) || !fixture.expected.thinking.startsWith(thinking)) {
            wrong.push({ cut, complete, text, thinking });
          }
        }
        expect(wrong).toEqual([]);
      });
    });
  }
});
