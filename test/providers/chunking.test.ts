/**
 * Every provider fixture, replayed whole, split at every byte offset, one byte at a time
 * and in random chunkings: the accumulated ChatResult must not change. Truncated copies
 * must never claim to be complete, and their text must be a prefix of the full text.
 */
import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accumulateChat, readChatStream, type ChatDelta } from '../../src/providers/index.ts';
import { cutAt, loadFixture, PROVIDER_FIXTURES, PROVIDER_STREAMS_DIR, readChunks } from '../helpers/provider-fixtures.ts';

describe('provider fixtures', () => {
  it('has an expectation for every fixture file', () => {
    const listed = PROVIDER_FIXTURES.filter((f) => f.dir === PROVIDER_STREAMS_DIR)
      .map((f) => f.name)
      .sort();
    expect(
      readdirSync(PROVIDER_STREAMS_DIR)
        .filter((f) => f.endsWith('.sse'))
        .sort(),
    ).toEqual(listed);
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

// ---------------------------------------------------------------------------------------
// readChatStream behaves as an async generator over the body.
// ---------------------------------------------------------------------------------------

const enc = new TextEncoder();
const textEvent = (text: string): string => `data: ${JSON.stringify({ delta: text })}\n\n`;
const FORMAT = { kind: 'custom', textPath: 'delta' } as const;

/** A body that yields `chunks` (one per pull) and records whether it was cancelled. */
function trackedBody(chunks: string[], options: { hang?: boolean } = {}) {
  const state = { cancelled: false, reason: undefined as unknown, pulls: 0 };
  let i = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      state.pulls++;
      const chunk = chunks[i++];
      if (chunk !== undefined) controller.enqueue(enc.encode(chunk));
      else if (!options.hang) controller.close();
      else return new Promise<void>(() => {});
    },
    cancel(reason) {
      state.cancelled = true;
      state.reason = reason;
    },
  });
  return { body, state };
}

describe('readChatStream as an async generator', () => {
  it('reads nothing until the first next()', async () => {
    const { body, state } = trackedBody([textEvent('a')]);
    const gen = readChatStream(FORMAT, body);
    await Promise.resolve();
    expect(body.locked).toBe(false);
    expect(state.pulls).toBeLessThanOrEqual(1); // the stream's own start-up pull only
    expect(await gen.next()).toEqual({ done: false, value: { type: 'text', text: 'a' } });
    expect(body.locked).toBe(true);
  });

  it('releases the body at its natural end and then stays done', async () => {
    const { body, state } = trackedBody([textEvent('a'), textEvent('b')]);
    const gen = readChatStream(FORMAT, body);
    const out: ChatDelta[] = [];
    for await (const d of gen) out.push(d);
    expect(out).toEqual([
      { type: 'text', text: 'a' },
      { type: 'text', text: 'b' },
    ]);
    expect(body.locked).toBe(false);
    expect(state.cancelled).toBe(false);
    expect(await gen.next()).toEqual({ done: true, value: undefined });
  });

  it('cancels the body after the end marker and ignores what follows in the same chunk', async () => {
    const { body, state } = trackedBody([textEvent('a') + 'data: [DONE]\n\n' + textEvent('late'), textEvent('later')], { hang: true });
    const result = await accumulateChat(readChatStream(FORMAT, body));
    expect(result).toMatchObject({ text: 'a', complete: true });
    expect(state.cancelled).toBe(true);
  });

  it('cancels the body on break, return() and throw()', async () => {
    const first = trackedBody([textEvent('a') + textEvent('b')], { hang: true });
    for await (const _ of readChatStream(FORMAT, first.body)) break;
    expect(first.state.cancelled).toBe(true);

    const second = trackedBody([textEvent('a')], { hang: true });
    const gen = readChatStream(FORMAT, second.body);
    await gen.next();
    expect(await gen.return(undefined)).toEqual({ done: true, value: undefined });
    expect(second.state.cancelled).toBe(true);
    expect(await gen.next()).toEqual({ done: true, value: undefined });

    const third = trackedBody([textEvent('a')], { hang: true });
    const gen3 = readChatStream(FORMAT, third.body);
    await gen3.next();
    await expect(gen3.throw(new Error('enough'))).rejects.toThrow('enough');
    expect(third.state.cancelled).toBe(true);
  });

  it('serves concurrent next() calls in order', async () => {
    const { body } = trackedBody(['data: {"delta":"1"}\n', '\ndata: {"delta":"2"}\n\n', textEvent('3')]);
    const gen = readChatStream(FORMAT, body);
    const results = await Promise.all([gen.next(), gen.next(), gen.next(), gen.next()]);
    expect(results).toEqual([
      { done: false, value: { type: 'text', text: '1' } },
      { done: false, value: { type: 'text', text: '2' } },
      { done: false, value: { type: 'text', text: '3' } },
      { done: true, value: undefined },
    ]);
  });

  it('rejects with the abort reason between deltas of one received chunk, and cancels the body', async () => {
    const { body, state } = trackedBody([textEvent('a') + textEvent('b') + textEvent('c')], { hang: true });
    const controller = new AbortController();
    const gen = readChatStream(FORMAT, body, { signal: controller.signal });
    expect((await gen.next()).value).toEqual({ type: 'text', text: 'a' });
    const reason = new Error('Stop pressed');
    controller.abort(reason);
    await expect(gen.next()).rejects.toBe(reason);
    expect(state.cancelled).toBe(true);
    expect(await gen.next()).toEqual({ done: true, value: undefined });

    // The same when accumulateChat takes the rest of the chunk in one batch.
    const again = trackedBody([textEvent('a') + textEvent('b') + textEvent('c')], { hang: true });
    const controller2 = new AbortController();
    const gen2 = readChatStream(FORMAT, again.body, { signal: controller2.signal });
    await gen2.next();
    controller2.abort(reason);
    await expect(accumulateChat(gen2)).rejects.toBe(reason);
    expect(again.state.cancelled).toBe(true);
  });

  it('rejects with the abort reason while waiting for the body, and accumulateChat rejects too', async () => {
    const { body, state } = trackedBody([textEvent('a')], { hang: true });
    const controller = new AbortController();
    const pending = accumulateChat(readChatStream(FORMAT, body, { signal: controller.signal }));
    await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort(new Error('aborted while waiting'));
    await expect(pending).rejects.toThrow('aborted while waiting');
    expect(state.cancelled).toBe(true);
  });

  it('lets accumulateChat take over after some deltas were read with next()', async () => {
    const { body } = trackedBody([textEvent('a') + textEvent('b'), textEvent('c'), 'data: [DONE]\n\n']);
    const gen = readChatStream(FORMAT, body);
    expect((await gen.next()).value).toEqual({ type: 'text', text: 'a' });
    expect(await accumulateChat(gen)).toMatchObject({ text: 'bc', complete: true });
  });

  it('gives a body error to the reader', async () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(enc.encode(textEvent('a')));
        controller.error(new Error('connection reset'));
      },
    });
    await expect(accumulateChat(readChatStream(FORMAT, body))).rejects.toThrow('connection reset');
  });
});
