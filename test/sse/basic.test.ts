import { describe, expect, it } from 'vitest';
import { createSseParser, parseSseStream, type SseEvent } from '../../src/sse/index.ts';
import { enc, ev, parse, parseChunks, streamOf } from './helpers.ts';

describe('createSseParser basics', () => {
  it('dispatches a single data event with type "message" and an empty id', () => {
    expect(parse('data: hello\n\n').events).toEqual([ev('hello')]);
  });

  it('uses the event field as the type and joins data lines with LF', () => {
    const r = parse('event: delta\ndata: a\ndata: b\n\n');
    expect(r.events).toEqual([ev('a\nb', 'delta')]);
  });

  it('dispatches an event as soon as its blank line arrives, within the same feed', () => {
    const seen: SseEvent[] = [];
    const p = createSseParser({ onEvent: (e) => seen.push(e) });
    p.feed(enc('data: one\n'));
    expect(seen).toEqual([]);
    p.feed(enc('\n'));
    expect(seen).toEqual([ev('one')]);
    expect(p.end()).toEqual({ incomplete: false });
  });

  it('accepts strings as well as bytes', () => {
    expect(parseChunks(['data: x', 'y\n', '\n']).events).toEqual([ev('xy')]);
  });

  it('reports an unterminated trailing event as incomplete and does not dispatch it', () => {
    const r = parse('data: a\n\ndata: b\n');
    expect(r.events).toEqual([ev('a')]);
    expect(r.incomplete).toBe(true);
  });
});

describe('parseSseStream basics', () => {
  it('yields the events of a byte stream split into small chunks', async () => {
    const b = enc('event: a\ndata: 1\n\ndata: 2\nid: 7\n\n');
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < b.length; i += 3) chunks.push(b.subarray(i, i + 3));
    const out: SseEvent[] = [];
    for await (const e of parseSseStream(streamOf(chunks))) out.push(e);
    expect(out).toEqual([ev('1', 'a'), ev('2', 'message', '7')]);
  });

  it('works over a Response body', async () => {
    const res = new Response('data: hi\r\n\r\n');
    const out: SseEvent[] = [];
    for await (const e of parseSseStream(res.body!)) out.push(e);
    expect(out).toEqual([ev('hi')]);
  });
});
