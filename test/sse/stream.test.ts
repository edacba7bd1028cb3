import { describe, expect, it } from 'vitest';
import { parseSseStream, SseEventTooLargeError, type SseEvent } from '../../src/sse/index.ts';
import { enc, ev, manualBody, streamOf } from './helpers.ts';

describe('parseSseStream', () => {
  it('yields an event as soon as its blank line arrives, before the body ends', async () => {
    const m = manualBody();
    const it = parseSseStream(m.body);
    m.push('data: one\n\nda');
    expect(await it.next()).toEqual({ done: false, value: ev('one') });
    m.push('ta: two\n\n');
    expect(await it.next()).toEqual({ done: false, value: ev('two') });
    m.close();
    expect(await it.next()).toEqual({ done: true, value: { incomplete: false } });
  });

  it('returns { incomplete: true } when the body ends inside an event', async () => {
    const it = parseSseStream(streamOf([enc('data: a\n\ndata: trunc')]));
    expect((await it.next()).value).toEqual(ev('a'));
    expect(await it.next()).toEqual({ done: true, value: { incomplete: true } });
  });

  it('yields all events of one chunk in order', async () => {
    const out: SseEvent[] = [];
    for await (const e of parseSseStream(streamOf([enc('data: 1\n\ndata: 2\n\nid: x\ndata: 3\n\n')]))) out.push(e);
    expect(out).toEqual([ev('1'), ev('2'), ev('3', 'message', 'x')]);
  });

  it('cancels the body when the consumer stops early', async () => {
    const m = manualBody();
    m.push('data: 1\n\ndata: 2\n\n');
    for await (const e of parseSseStream(m.body)) {
      expect(e).toEqual(ev('1'));
      break;
    }
    expect(m.state.cancelled).toBe(true);
  });

  it('throws the abort reason and cancels the body when aborted while waiting for data', async () => {
    const m = manualBody();
    const ac = new AbortController();
    const it = parseSseStream(m.body, { signal: ac.signal });
    m.push('data: 1\n\n');
    expect((await it.next()).value).toEqual(ev('1'));
    const pending = it.next();
    const reason = new Error('stop');
    ac.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(m.state.cancelled).toBe(true);
  });

  it('throws an AbortError when aborted between events of one chunk', async () => {
    const m = manualBody();
    const ac = new AbortController();
    const it = parseSseStream(m.body, { signal: ac.signal });
    m.push('data: 1\n\ndata: 2\n\n');
    expect((await it.next()).value).toEqual(ev('1'));
    ac.abort();
    await expect(it.next()).rejects.toMatchObject({ name: 'AbortError' });
    expect(m.state.cancelled).toBe(true);
  });

  it('throws at once for an already aborted signal', async () => {
    const m = manualBody();
    const it = parseSseStream(m.body, { signal: AbortSignal.abort() });
    await expect(it.next()).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('throws SseEventTooLargeError and cancels the body for an oversized event', async () => {
    const m = manualBody();
    const it = parseSseStream(m.body, { maxEventBytes: 16 });
    m.push('data: 0123456789abcdefghij\n\n');
    await expect(it.next()).rejects.toBeInstanceOf(SseEventTooLargeError);
    expect(m.state.cancelled).toBe(true);
  });

  it('propagates an error of the body', async () => {
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        c.error(new Error('network down'));
      },
    });
    await expect(parseSseStream(body).next()).rejects.toThrow('network down');
  });

  it('releases the body lock after a clean end', async () => {
    const body = streamOf([enc('data: a\n\n')]);
    for await (const _ of parseSseStream(body)) void _;
    expect(body.locked).toBe(false);
  });

  it('serves concurrent next() calls in stream order', async () => {
    const m = manualBody();
    const it = parseSseStream(m.body);
    const a = it.next();
    const b = it.next();
    const c = it.next();
    m.push('data: 1\n\ndata: 2\n');
    m.push('\ndata: 3\n\n');
    m.close();
    expect(await Promise.all([a, b, c, it.next()])).toEqual([
      { done: false, value: ev('1') },
      { done: false, value: ev('2') },
      { done: false, value: ev('3') },
      { done: true, value: { incomplete: false } },
    ]);
    expect(await it.next()).toEqual({ done: true, value: undefined });
  });

  it('does not touch the body until the first next(), like a generator', async () => {
    const m = manualBody();
    const it = parseSseStream(m.body);
    expect(m.body.locked).toBe(false);
    expect(await it.return(undefined)).toEqual({ done: true, value: undefined });
    expect(m.state.cancelled).toBe(false);
    expect(await it.next()).toEqual({ done: true, value: undefined });
  });

  it('cancels the body on return() and ends the iteration', async () => {
    const m = manualBody();
    const it = parseSseStream(m.body);
    m.push('data: 1\n\ndata: 2\n\n');
    expect((await it.next()).value).toEqual(ev('1'));
    expect(await it.return(undefined)).toEqual({ done: true, value: undefined });
    expect(m.state.cancelled).toBe(true);
    expect(await it.next()).toEqual({ done: true, value: undefined });
  });

  it('rejects with the given error on throw() and cancels the body', async () => {
    const m = manualBody();
    const it = parseSseStream(m.body);
    m.push('data: 1\n\n');
    await it.next();
    const boom = new Error('boom');
    await expect(it.throw(boom)).rejects.toBe(boom);
    expect(m.state.cancelled).toBe(true);
  });

  it('is its own async iterator', () => {
    const it = parseSseStream(streamOf([]));
    expect(it[Symbol.asyncIterator]()).toBe(it);
  });
});
