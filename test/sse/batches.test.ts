import { describe, expect, it } from 'vitest';
import { readSseBatches, SseEventTooLargeError, type SseEvent } from '../../src/sse/index.ts';
import { enc, ev, manualBody, streamOf } from './helpers.ts';

describe('readSseBatches', () => {
  it('yields one batch per body chunk with the events that chunk completed', async () => {
    const m = manualBody();
    const it = readSseBatches(m.body);
    m.push('data: 1\n\ndata: 2\n\nda');
    expect(await it.next()).toEqual({ done: false, value: [ev('1'), ev('2')] });
    m.push('ta: 3\n\n');
    expect(await it.next()).toEqual({ done: false, value: [ev('3')] });
    m.close();
    expect(await it.next()).toEqual({ done: true, value: { incomplete: false } });
    expect(m.body.locked).toBe(false);
    expect(m.state.cancelled).toBe(false);
    expect(await it.next()).toEqual({ done: true, value: undefined });
  });

  it('yields an empty batch for a chunk that completes no event (ping, partial line)', async () => {
    const m = manualBody();
    const it = readSseBatches(m.body);
    m.push(': ping\n');
    expect(await it.next()).toEqual({ done: false, value: [] });
    m.push('event: x\ndata: ha');
    expect(await it.next()).toEqual({ done: false, value: [] });
    m.push('lf\n');
    expect(await it.next()).toEqual({ done: false, value: [] });
    m.push('\n');
    expect(await it.next()).toEqual({ done: false, value: [ev('half', 'x')] });
    m.pushBytes(new Uint8Array(0));
    expect(await it.next()).toEqual({ done: false, value: [] });
    m.close();
    expect(await it.next()).toEqual({ done: true, value: { incomplete: false } });
  });

  it('joins a UTF-8 sequence split across chunks', async () => {
    const bytes = enc('data: é🎉\n\n');
    const chunks = Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
    const batches: SseEvent[][] = [];
    for await (const b of readSseBatches(streamOf(chunks))) batches.push(b);
    expect(batches).toHaveLength(bytes.length);
    expect(batches.slice(0, -1).every((b) => b.length === 0)).toBe(true);
    expect(batches.at(-1)).toEqual([ev('é🎉')]);
  });

  it('returns { incomplete: true } when the body ends inside an event', async () => {
    const partialLine = readSseBatches(streamOf([enc('data: a\n\ndata: trunc')]));
    expect(await partialLine.next()).toEqual({ done: false, value: [ev('a')] });
    expect(await partialLine.next()).toEqual({ done: true, value: { incomplete: true } });

    const fieldsAfterBlank = readSseBatches(streamOf([enc('data: a\n\n'), enc('data: b\n')]));
    await fieldsAfterBlank.next();
    expect(await fieldsAfterBlank.next()).toEqual({ done: false, value: [] });
    expect(await fieldsAfterBlank.next()).toEqual({ done: true, value: { incomplete: true } });

    const trailingComment = readSseBatches(streamOf([enc('data: a\n\n: bye\n')]));
    await trailingComment.next();
    expect(await trailingComment.next()).toEqual({ done: true, value: { incomplete: false } });
  });

  it('does not touch the body until the first next()', async () => {
    const m = manualBody();
    const it = readSseBatches(m.body);
    expect(m.body.locked).toBe(false);
    expect(await it.return({ incomplete: false })).toEqual({ done: true, value: { incomplete: false } });
    expect(m.body.locked).toBe(false);
    expect(m.state.cancelled).toBe(false);
  });

  it('rejects with the abort reason and cancels the body when aborted while a read is pending', async () => {
    const m = manualBody();
    const ac = new AbortController();
    const it = readSseBatches(m.body, { signal: ac.signal });
    m.push('data: 1\n\n');
    expect((await it.next()).value).toEqual([ev('1')]);
    const pending = it.next();
    const reason = new Error('stop');
    ac.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(m.state.cancelled).toBe(true);
    expect(m.state.reason).toBe(reason);
    expect(await it.next()).toEqual({ done: true, value: undefined });
  });

  it('rejects with the abort reason between chunks, even with a chunk already queued', async () => {
    const m = manualBody();
    const ac = new AbortController();
    const it = readSseBatches(m.body, { signal: ac.signal });
    m.push('data: 1\n\n');
    m.push('data: 2\n\n');
    expect((await it.next()).value).toEqual([ev('1')]);
    const reason = new Error('stop');
    ac.abort(reason);
    await expect(it.next()).rejects.toBe(reason);
    expect(m.state.cancelled).toBe(true);
  });

  it('rejects at once for an already aborted signal, and cancels the body', async () => {
    const m = manualBody();
    const reason = new Error('already');
    const it = readSseBatches(m.body, { signal: AbortSignal.abort(reason) });
    expect(m.body.locked).toBe(false);
    await expect(it.next()).rejects.toBe(reason);
    expect(m.state.cancelled).toBe(true);
  });

  it('cancels the body when the consumer stops early', async () => {
    const m = manualBody();
    m.push('data: 1\n\n');
    for await (const batch of readSseBatches(m.body)) {
      expect(batch).toEqual([ev('1')]);
      break;
    }
    expect(m.state.cancelled).toBe(true);
  });

  it('cancels the body on return() and ends the iteration', async () => {
    const m = manualBody();
    const it = readSseBatches(m.body);
    m.push('data: 1\n\n');
    await it.next();
    expect(await it.return({ incomplete: true })).toEqual({ done: true, value: { incomplete: true } });
    expect(m.state.cancelled).toBe(true);
    expect(await it.next()).toEqual({ done: true, value: undefined });
  });

  it('rejects with the given error on throw() and cancels the body', async () => {
    const m = manualBody();
    const it = readSseBatches(m.body);
    m.push('data: 1\n\n');
    await it.next();
    const boom = new Error('boom');
    await expect(it.throw(boom)).rejects.toBe(boom);
    expect(m.state.cancelled).toBe(true);
  });

  it('rejects with SseEventTooLargeError and cancels the body for an oversized event', async () => {
    const m = manualBody();
    const it = readSseBatches(m.body, { maxEventBytes: 16 });
    m.push('data: 0123456');
    expect(await it.next()).toEqual({ done: false, value: [] });
    m.push('789abcdefghij\n\n');
    await expect(it.next()).rejects.toBeInstanceOf(SseEventTooLargeError);
    expect(m.state.cancelled).toBe(true);
  });

  it('propagates an error of the body', async () => {
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        c.error(new Error('network down'));
      },
    });
    await expect(readSseBatches(body).next()).rejects.toThrow('network down');
  });

  it('serves concurrent next() calls in order', async () => {
    const m = manualBody();
    const it = readSseBatches(m.body);
    const a = it.next();
    const b = it.next();
    const c = it.next();
    m.push('data: 1\n\ndata: 2\n');
    m.push('\n');
    m.close();
    expect(await Promise.all([a, b, c])).toEqual([
      { done: false, value: [ev('1')] },
      { done: false, value: [ev('2')] },
      { done: true, value: { incomplete: false } },
    ]);
  });
});
