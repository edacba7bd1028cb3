/**
 * Unit tests written from the HTML Living Standard, "Parsing an event stream" and
 * "Interpreting an event stream", one rule per test.
 */
import { describe, expect, it } from 'vitest';
import { createSseParser, DEFAULT_MAX_EVENT_BYTES, SseEventTooLargeError, type SseEvent } from '../../src/sse/index.ts';
import { byteByByte, bytes, enc, ev, parse, parseChunks, splitAt } from './helpers.ts';

/** Every way to cut `b` into two chunks, plus one byte per chunk. */
function everySplit(b: Uint8Array): Uint8Array[][] {
  const out: Uint8Array[][] = [];
  for (let i = 0; i <= b.length; i++) out.push(splitAt(b, [i]));
  out.push(byteByByte(b));
  return out;
}

/** Every way to cut `b` into three chunks. */
function everyDoubleSplit(b: Uint8Array): Uint8Array[][] {
  const out: Uint8Array[][] = [];
  for (let i = 0; i <= b.length; i++) for (let j = i; j <= b.length; j++) out.push(splitAt(b, [i, j]));
  return out;
}

describe('UTF-8 decoding', () => {
  const samples: [string, string][] = [
    ['a 2-byte character', 'é'],
    ['a 3-byte character', '€'],
    ['a 3-byte CJK character', '你'],
    ['a 4-byte character (emoji)', '😀'],
  ];
  for (const [label, ch] of samples) {
    it(`joins ${label} split at every byte across chunks`, () => {
      const b = enc(`data: x${ch}y\n\n`);
      for (const chunks of everySplit(b)) {
        const r = parseChunks(chunks);
        expect(r.events).toEqual([ev(`x${ch}y`)]);
        expect(r.incomplete).toBe(false);
      }
    });
  }

  it('joins a mix of 1-, 2-, 3- and 4-byte characters fed one byte at a time', () => {
    const text = 'aé€😀你𝄞z';
    expect(parseChunks(byteByByte(enc(`data:${text}\n\n`))).events).toEqual([ev(text)]);
  });

  it('joins a multi-byte character in a field name and a comment split across chunks', () => {
    const b = enc(':ping ✓\nevent: ü\ndata: 1\n\n');
    for (const chunks of everySplit(b)) {
      const r = parseChunks(chunks);
      expect(r.comments).toEqual(['ping ✓']);
      expect(r.events).toEqual([ev('1', 'ü')]);
    }
  });

  const invalid: [string, number[], string][] = [
    ['a lone continuation byte', [0x80], '\uFFFD'],
    ['a 0xFF byte', [0xff], '\uFFFD'],
    ['an overlong encoding of "/"', [0xc0, 0xaf], '\uFFFD\uFFFD'],
    ['an encoded surrogate', [0xed, 0xa0, 0x80], '\uFFFD\uFFFD\uFFFD'],
    ['a truncated 3-byte sequence followed by ASCII', [0xe2, 0x82, 0x41], '\uFFFDA'],
    ['a truncated 4-byte sequence followed by ASCII', [0xf0, 0x9f, 0x98, 0x41], '\uFFFDA'],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80], '\uFFFD\uFFFD\uFFFD\uFFFD'],
  ];
  for (const [label, seq, expected] of invalid) {
    it(`replaces ${label} with U+FFFD, however the bytes are chunked`, () => {
      const b = bytes('data: <', seq, '>\n\n');
      for (const chunks of everySplit(b)) {
        expect(parseChunks(chunks).events).toEqual([ev(`<${expected}>`)]);
      }
    });
  }

  it('turns a truncated multi-byte sequence at end of stream into U+FFFD and reports incomplete', () => {
    const r = parseChunks([bytes('data: a\n\ndata: ', [0xe4, 0xbd])]);
    expect(r.events).toEqual([ev('a')]);
    expect(r.incomplete).toBe(true);
  });

  it('treats a truncated sequence before a string chunk as U+FFFD', () => {
    const r = parseChunks([bytes('data: a', [0xe4, 0xbd]), 'b\n\n']);
    expect(r.events).toEqual([ev('a\uFFFDb')]);
  });

  it('treats invalid bytes inside a line terminator position as ordinary characters, not line ends', () => {
    // 0x8A looks like LF (0x0A) with the high bit set; it must not end the line.
    expect(parse(bytes('data: a', [0x8a], 'b\n\n')).events).toEqual([ev('a\uFFFDb')]);
  });
});

describe('Byte order mark', () => {
  const BOM = [0xef, 0xbb, 0xbf];

  it('removes one leading BOM of the stream', () => {
    expect(parse(bytes(BOM, 'data: x\n\n')).events).toEqual([ev('x')]);
  });

  it('removes a leading BOM split byte by byte', () => {
    expect(parseChunks(byteByByte(bytes(BOM, 'data: x\n\n'))).events).toEqual([ev('x')]);
  });

  it('removes a leading BOM split at every position', () => {
    for (const chunks of everyDoubleSplit(bytes(BOM, 'data: x\n\n'))) {
      expect(parseChunks(chunks).events).toEqual([ev('x')]);
    }
  });

  it('removes a leading BOM that arrives after empty chunks', () => {
    expect(parseChunks([new Uint8Array(0), '', bytes(BOM, 'data: x\n\n')]).events).toEqual([ev('x')]);
  });

  it('removes only the first of two BOMs: the second makes the first line an unknown field', () => {
    const r = parse(bytes(BOM, BOM, 'data: x\n\ndata: y\n\n'));
    expect(r.events).toEqual([ev('y')]);
  });

  it('removes only the first of two BOMs fed byte by byte', () => {
    const r = parseChunks(byteByByte(bytes(BOM, BOM, 'data: x\n\ndata: y\n\n')));
    expect(r.events).toEqual([ev('y')]);
  });

  it('keeps a BOM that is not at the start of the stream', () => {
    const r = parse(bytes('data: a\n\n', BOM, 'data: b\n\ndata: ', BOM, 'c\n\n'));
    expect(r.events).toEqual([ev('a'), ev('\uFEFFc')]);
  });

  it('keeps a BOM that follows a first chunk of ordinary text', () => {
    const r = parseChunks([enc('d'), bytes(BOM, 'ata: a\n\n')]);
    expect(r.events).toEqual([]);
  });

  it('removes a leading U+FEFF from a string-fed stream, once', () => {
    expect(parseChunks(['\uFEFFdata: x\n\n']).events).toEqual([ev('x')]);
    expect(parseChunks(['\uFEFF\uFEFFdata: x\n\n']).events).toEqual([]);
  });

  it('does not treat a partial BOM followed by other bytes as a BOM', () => {
    const r = parse(bytes([0xef, 0xbb], 'data: x\n\ndata: y\n\n'));
    // EF BB is a truncated sequence: one U+FFFD, which spoils the first field name.
    expect(r.events).toEqual([ev('y')]);
  });
});

describe('Line endings', () => {
  it('accepts LF line endings', () => {
    expect(parse('data: a\ndata: b\n\n').events).toEqual([ev('a\nb')]);
  });

  it('accepts CRLF line endings', () => {
    expect(parse('data: a\r\ndata: b\r\n\r\n').events).toEqual([ev('a\nb')]);
  });

  it('accepts a CR-only stream', () => {
    const r = parse('event: e\rdata: a\rdata: b\r\rid: 1\rdata: c\r\r');
    expect(r.events).toEqual([ev('a\nb', 'e'), ev('c', 'message', '1')]);
    expect(r.incomplete).toBe(false);
  });

  it('accepts CR, LF and CRLF mixed in one stream', () => {
    const r = parse('data: a\rdata: b\ndata: c\r\n\ndata: d\n\r\r\n');
    // "\n\r" after "d" is an LF then a CR (a blank line); "\r\n" is then another blank line.
    expect(r.events).toEqual([ev('a\nb\nc'), ev('d')]);
  });

  it('treats LF followed by CR as two line ends', () => {
    expect(parse('data: a\n\rdata: b\n\n').events).toEqual([ev('a'), ev('b')]);
  });

  it('treats CR CR as a line end and a blank line', () => {
    expect(parse('data: a\r\rdata: b\r\r').events).toEqual([ev('a'), ev('b')]);
  });

  it('treats a CRLF split across two chunks as one line end, at every split position', () => {
    const b = enc('data: a\r\ndata: b\r\n\r\ndata: c\r\n\r\n');
    for (const chunks of everySplit(b)) {
      expect(parseChunks(chunks).events).toEqual([ev('a\nb'), ev('c')]);
    }
    for (const chunks of everyDoubleSplit(b)) {
      expect(parseChunks(chunks).events).toEqual([ev('a\nb'), ev('c')]);
    }
  });

  it('does not swallow an LF that follows a CR-terminated line after an empty chunk', () => {
    const r = parseChunks([enc('data: a\r'), new Uint8Array(0), enc('\ndata: b\r\n\r\n')]);
    expect(r.events).toEqual([ev('a\nb')]);
  });

  it('swallows only one LF after a CR at a chunk boundary', () => {
    const r = parseChunks(['data: a\r', '\n\ndata: b\n\n']);
    expect(r.events).toEqual([ev('a'), ev('b')]);
  });

  it('treats a CR at the end of a chunk followed by a non-LF as a complete line end', () => {
    const r = parseChunks(['data: a\r', 'data: b\r', '\r']);
    expect(r.events).toEqual([ev('a\nb')]);
  });

  it('dispatches on a CR blank line at the end of a chunk without waiting for the next chunk', () => {
    const seen: SseEvent[] = [];
    const p = createSseParser({ onEvent: (e) => seen.push(e) });
    p.feed(enc('data: a\r\r'));
    expect(seen).toEqual([ev('a')]);
    p.feed(enc('\ndata: b\r\n'));
    // The LF after the final CR is part of that CRLF, not a second blank line.
    expect(seen).toEqual([ev('a')]);
    p.feed(enc('\r\n'));
    expect(seen).toEqual([ev('a'), ev('b')]);
    expect(p.end().incomplete).toBe(false);
  });

  it('dispatches on a CRLF blank line whose LF completes the chunk', () => {
    const seen: SseEvent[] = [];
    const p = createSseParser({ onEvent: (e) => seen.push(e) });
    p.feed(enc('data: a\r\n\r'));
    expect(seen).toEqual([ev('a')]);
  });

  it('keeps a line split over many chunks whole', () => {
    expect(parseChunks(['da', 'ta', ':', ' ', 'h', 'i', '\n', '\n']).events).toEqual([ev('hi')]);
  });
});

describe('Field parsing', () => {
  it('passes comment lines to onComment and dispatches nothing for them', () => {
    const r = parse(':hello\n: world\n:\n\n');
    expect(r.comments).toEqual(['hello', 'world', '']);
    expect(r.events).toEqual([]);
  });

  it('removes only one leading space from a comment', () => {
    expect(parse(':  two\n').comments).toEqual([' two']);
  });

  it('lets comments appear inside an event without interrupting it', () => {
    const r = parse('data: a\n: keep-alive\ndata: b\n\n');
    expect(r.events).toEqual([ev('a\nb')]);
    expect(r.comments).toEqual(['keep-alive']);
  });

  it('works without an onComment handler', () => {
    const seen: SseEvent[] = [];
    const p = createSseParser({ onEvent: (e) => seen.push(e) });
    p.feed(':x\ndata: y\n\n');
    expect(seen).toEqual([ev('y')]);
  });

  it('treats a line without a colon as a field name with an empty value', () => {
    expect(parse('data\n\n').events).toEqual([ev('')]);
    expect(parse('data\ndata\n\n').events).toEqual([ev('\n')]);
    expect(parse('event\ndata: x\n\n').events).toEqual([ev('x')]);
  });

  it('removes one single leading space of the value, no more', () => {
    expect(parse('data:  two spaces\n\n').events).toEqual([ev(' two spaces')]);
    expect(parse('data:no space\n\n').events).toEqual([ev('no space')]);
    expect(parse('data: \n\n').events).toEqual([ev('')]);
    expect(parse('event:  x\ndata: y\n\n').events).toEqual([ev('y', ' x')]);
  });

  it('does not remove a leading tab or a trailing space', () => {
    expect(parse('data:\tx \n\n').events).toEqual([ev('\tx ')]);
  });

  it('splits the line at the first colon only', () => {
    expect(parse('data: a:b: c\n\n').events).toEqual([ev('a:b: c')]);
  });

  it('compares field names literally: case and surrounding spaces matter', () => {
    expect(parse('Data: x\n\n').events).toEqual([]);
    expect(parse(' data: x\n\n').events).toEqual([]);
    expect(parse('data : x\n\n').events).toEqual([]);
    expect(parse('datas: x\n\n').events).toEqual([]);
  });

  it('joins data lines with LF and removes exactly one trailing LF', () => {
    expect(parse('data: a\ndata:\n\n').events).toEqual([ev('a\n')]);
    expect(parse('data:\ndata:\ndata:\n\n').events).toEqual([ev('\n\n')]);
  });

  it('dispatches an event whose single data line is empty', () => {
    expect(parse('data:\n\n').events).toEqual([ev('')]);
  });

  it('keeps NUL and other control characters in data', () => {
    expect(parse('data: a\0b\x01\n\n').events).toEqual([ev('a\0b\x01')]);
  });

  it('uses "message" as the type when no event field was given', () => {
    expect(parse('data: x\n\n').events[0]?.event).toBe('message');
  });

  it('uses "message" as the type when the event field is empty', () => {
    expect(parse('event:\ndata: x\n\n').events).toEqual([ev('x')]);
  });

  it('lets the last event field of a block win', () => {
    expect(parse('event: a\nevent: b\ndata: x\n\n').events).toEqual([ev('x', 'b')]);
  });

  it('resets the event type after each dispatch', () => {
    expect(parse('event: a\ndata: 1\n\ndata: 2\n\n').events).toEqual([ev('1', 'a'), ev('2')]);
  });

  it('dispatches nothing for a block with an empty data buffer, but resets its type', () => {
    const r = parse('event: lonely\n\ndata: x\n\n');
    expect(r.events).toEqual([ev('x')]);
  });

  it('dispatches nothing for blank lines alone', () => {
    expect(parse('\n\n\r\n\r\r').events).toEqual([]);
  });

  it('sets the last event ID and keeps it for later events', () => {
    const r = parse('id: 1\ndata: a\n\ndata: b\n\nid: 2\ndata: c\n\n');
    expect(r.events).toEqual([ev('a', 'message', '1'), ev('b', 'message', '1'), ev('c', 'message', '2')]);
  });

  it('reports an empty id until one arrives', () => {
    expect(parse('data: a\n\n').events[0]?.id).toBe('');
  });

  it('lets an empty id field reset the last event ID', () => {
    const r = parse('id: 1\ndata: a\n\nid\ndata: b\n\nid: 2\ndata: c\n\nid:\ndata: d\n\n');
    expect(r.events.map((e) => e.id)).toEqual(['1', '', '2', '']);
  });

  it('ignores an id containing NULL and keeps the previous one', () => {
    const r = parse('id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\n');
    expect(r.events).toEqual([ev('a', 'message', '1'), ev('b', 'message', '1')]);
  });

  it('updates the last event ID from a block with an id but no data', () => {
    const r = parse('id: 7\n\ndata: a\n\n');
    expect(r.events).toEqual([ev('a', 'message', '7')]);
  });

  it('takes an id given after the data lines of the same block', () => {
    expect(parse('data: a\nid: 3\n\n').events).toEqual([ev('a', 'message', '3')]);
  });

  it('keeps the id value verbatim apart from one leading space', () => {
    expect(parse('id:  x y \ndata: a\n\n').events[0]?.id).toBe(' x y ');
  });

  it('accepts a retry value of ASCII digits, reports it and attaches it to the event', () => {
    const r = parse('retry: 1500\ndata: a\n\n');
    expect(r.retries).toEqual([1500]);
    expect(r.events).toEqual([{ ...ev('a'), retry: 1500 }]);
  });

  it('reads retry "007" as 7', () => {
    const r = parse('retry: 007\ndata: a\n\n');
    expect(r.retries).toEqual([7]);
    expect(r.events[0]?.retry).toBe(7);
  });

  it('accepts retry 0', () => {
    expect(parse('retry:0\n').retries).toEqual([0]);
  });

  for (const bad of ['1.5', '-1', '+5', '', ' 5', '5 ', '1e3', '0x10', '١٢', 'abc', '10ms']) {
    it(`ignores the retry value ${JSON.stringify(bad)}`, () => {
      const r = parse(`retry: ${bad}\ndata: a\n\n`);
      expect(r.retries).toEqual([]);
      expect(r.events).toEqual([ev('a')]);
      expect('retry' in (r.events[0] as SseEvent)).toBe(false);
    });
  }

  it('ignores a retry field without a colon', () => {
    expect(parse('retry\ndata: a\n\n').retries).toEqual([]);
  });

  it('reports every accepted retry in stream order, even in blocks without data', () => {
    const r = parse('retry: 1\n\nretry: 2\nretry: x\nretry: 3\ndata: a\n\nretry: 4\n');
    expect(r.retries).toEqual([1, 2, 3, 4]);
    expect(r.events).toEqual([{ ...ev('a'), retry: 3 }]);
  });

  it('reports a retry before the event of its block', () => {
    const r = parse('data: a\nretry: 5\n\n');
    expect(r.log.map((i) => i.kind)).toEqual(['retry', 'event']);
  });

  it('attaches retry only to the event of the block that had it', () => {
    const r = parse('retry: 9\ndata: a\n\ndata: b\n\n');
    expect(r.events).toEqual([{ ...ev('a'), retry: 9 }, ev('b')]);
    expect(Object.keys(r.events[1] as SseEvent)).toEqual(['event', 'data', 'id']);
  });

  it('does not carry a retry from a data-less block to the next event', () => {
    const r = parse('retry: 9\n\ndata: b\n\n');
    expect(r.events).toEqual([ev('b')]);
  });

  it('ignores unknown fields', () => {
    const r = parse('foo: bar\ndata: a\nevents: x\nDATA: y\nid2: 3\n\n');
    expect(r.events).toEqual([ev('a')]);
  });

  it('handles a 100k-character line, whole and split into small chunks', () => {
    const long = 'x'.repeat(50_000) + '你'.repeat(50_000);
    const b = enc(`data: ${long}\n\n`);
    expect(parse(b).events).toEqual([ev(long)]);
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < b.length; i += 7) chunks.push(b.subarray(i, i + 7));
    expect(parseChunks(chunks).events).toEqual([ev(long)]);
  });

  it('handles a 100k-character line fed one byte at a time', () => {
    const long = 'y'.repeat(100_000);
    expect(parseChunks(byteByByte(enc(`data:${long}\n\n`))).events).toEqual([ev(long)]);
  });

  it('joins a 1,000-line event', () => {
    const lines = Array.from({ length: 1000 }, (_, i) => `line ${i} ✓`);
    const text = lines.map((l) => `data: ${l}\n`).join('') + '\n';
    expect(parse(text).events).toEqual([ev(lines.join('\n'))]);
    const b = enc(text);
    expect(parseChunks(splitAt(b, [1, 100, 5000, b.length - 1])).events).toEqual([ev(lines.join('\n'))]);
  });

  it('dispatches many events from one chunk in order', () => {
    const text = Array.from({ length: 500 }, (_, i) => `id: ${i}\nevent: e${i % 3}\ndata: ${i}\n\n`).join('');
    const r = parse(text);
    expect(r.events.length).toBe(500);
    expect(r.events[499]).toEqual(ev('499', 'e1', '499'));
  });
});

describe('End of stream', () => {
  it('does not dispatch a pending event without its blank line and reports it incomplete', () => {
    const r = parse('data: a\n\ndata: b\ndata: c\n');
    expect(r.events).toEqual([ev('a')]);
    expect(r.incomplete).toBe(true);
  });

  it('reports an unterminated last line as incomplete', () => {
    const r = parse('data: a\n\ndata: b');
    expect(r.events).toEqual([ev('a')]);
    expect(r.incomplete).toBe(true);
  });

  it('reports an unterminated comment line as incomplete', () => {
    expect(parse('data: a\n\n:pin').incomplete).toBe(true);
  });

  it('reports a stream that ends after its blank line as complete', () => {
    expect(parse('data: a\n\n').incomplete).toBe(false);
    expect(parse('data: a\r\r').incomplete).toBe(false);
    expect(parse('data: a\r\n\r\n').incomplete).toBe(false);
  });

  it('reports an empty stream as complete', () => {
    const r = parseChunks([]);
    expect(r).toMatchObject({ events: [], incomplete: false });
  });

  it('reports a trailing comment line as complete: comments are not events', () => {
    expect(parse('data: a\n\n: ping\n').incomplete).toBe(false);
  });

  it('reports a trailing id-only block without its blank line as incomplete', () => {
    expect(parse('data: a\n\nid: 5\n').incomplete).toBe(true);
  });

  it('reports a trailing retry or unknown field without its blank line as incomplete', () => {
    expect(parse('retry: 5\n').incomplete).toBe(true);
    expect(parse('foo: 5\n').incomplete).toBe(true);
  });

  it('does not process an unterminated last line at all', () => {
    // "retry: 5" never got its line end: it is discarded, so no retry is reported.
    expect(parse('data: a\n\nretry: 5').retries).toEqual([]);
  });

  it('resets on end() so the parser can parse a new stream', () => {
    const seen: SseEvent[] = [];
    const p = createSseParser({ onEvent: (e) => seen.push(e) });
    p.feed('id: 1\nevent: x\ndata: partial');
    expect(p.end()).toEqual({ incomplete: true });
    p.feed(bytes([0xef, 0xbb, 0xbf], 'data: fresh\n\n'));
    expect(p.end()).toEqual({ incomplete: false });
    expect(seen).toEqual([ev('fresh')]);
  });
});

describe('maxEventBytes', () => {
  it('uses a default of 16 MiB', () => {
    expect(DEFAULT_MAX_EVENT_BYTES).toBe(16 * 1024 * 1024);
  });

  it('accepts an event whose data is exactly maxEventBytes', () => {
    const r = parseChunks([`data: ${'a'.repeat(100)}\n\n`], { maxEventBytes: 100 });
    expect(r.events).toEqual([ev('a'.repeat(100))]);
  });

  it('raises a clear error for data one byte over maxEventBytes', () => {
    expect(() => parseChunks([`data: ${'a'.repeat(101)}\n\n`], { maxEventBytes: 100 })).toThrow(SseEventTooLargeError);
    expect(() => parseChunks([`data: ${'a'.repeat(101)}\n\n`], { maxEventBytes: 100 })).toThrow(/exceeds maxEventBytes \(100 bytes\)/);
  });

  it('counts UTF-8 bytes, not characters', () => {
    // 34 CJK characters are 102 bytes.
    expect(() => parseChunks([`data: ${'你'.repeat(34)}\n\n`], { maxEventBytes: 100 })).toThrow(SseEventTooLargeError);
    expect(parseChunks([`data: ${'你'.repeat(33)}\n\n`], { maxEventBytes: 100 }).events.length).toBe(1);
    // A 4-byte emoji is 2 UTF-16 units but 4 bytes.
    expect(() => parseChunks([`data: ${'😀'.repeat(26)}\n\n`], { maxEventBytes: 100 })).toThrow(SseEventTooLargeError);
    expect(parseChunks([`data: ${'😀'.repeat(25)}\n\n`], { maxEventBytes: 100 }).events.length).toBe(1);
  });

  it('counts the LFs joining data lines', () => {
    const text = 'data: ' + 'a'.repeat(50) + '\ndata: ' + 'b'.repeat(50) + '\n\n';
    expect(() => parseChunks([text], { maxEventBytes: 100 })).toThrow(SseEventTooLargeError);
    expect(parseChunks([text], { maxEventBytes: 101 }).events.length).toBe(1);
  });

  it('raises the error for a line that never ends, fed in small chunks', () => {
    const p = createSseParser({ onEvent: () => {} }, { maxEventBytes: 1000 });
    expect(() => {
      for (let i = 0; i < 1000; i++) p.feed('data: xxxxxxxx');
    }).toThrow(SseEventTooLargeError);
  });

  it('raises the error for many data lines of one event before its end', () => {
    const p = createSseParser({ onEvent: () => {} }, { maxEventBytes: 10_000 });
    expect(() => {
      for (let i = 0; i < 10_000; i++) p.feed('data: 0123456789\n');
    }).toThrow(SseEventTooLargeError);
  });

  it('raises the error for an over-limit event split across two chunks, at any offset', () => {
    for (const text of [
      `data: ${'a'.repeat(101)}\n\n`,
      `data: ${'a'.repeat(50)}\ndata: ${'b'.repeat(50)}\n\n`,
      `data: ${'你'.repeat(34)}\n\n`,
    ]) {
      const b = enc(text);
      for (let i = 1; i < b.length; i++) {
        expect(() => parseChunks(splitAt(b, [i]), { maxEventBytes: 100 })).toThrow(SseEventTooLargeError);
      }
    }
  });

  it('limits each event separately, not the whole stream', () => {
    const text = `data: ${'a'.repeat(90)}\n\n`.repeat(100);
    expect(parseChunks([text], { maxEventBytes: 100 }).events.length).toBe(100);
  });

  it('does not count discarded lines such as comments toward the limit', () => {
    const text = `:${'c'.repeat(90)}\n`.repeat(10) + 'data: x\n\n';
    expect(parseChunks([text], { maxEventBytes: 100 }).events).toEqual([ev('x')]);
  });

  it('enforces the default limit of 16 MiB', () => {
    const p = createSseParser({ onEvent: () => {} });
    const chunk = 'z'.repeat(1 << 20);
    p.feed('data: ');
    expect(() => {
      for (let i = 0; i < 17; i++) p.feed(chunk);
    }).toThrow(SseEventTooLargeError);
  });

  it('keeps failing after the error instead of parsing the rest of the oversized event', () => {
    const p = createSseParser({ onEvent: () => {} }, { maxEventBytes: 10 });
    expect(() => p.feed('data: 0123456789abcdef')).toThrow(SseEventTooLargeError);
    expect(() => p.feed('\n\ndata: x\n\n')).toThrow(SseEventTooLargeError);
    expect(p.end()).toEqual({ incomplete: true });
  });
});

describe('String input', () => {
  it('gives the same events for a string as for its UTF-8 bytes', () => {
    const text = '\uFEFFevent: a\r\ndata: 你好\r\rid: 1\ndata: 😀\n:c\n\nretry: 10\ndata\n\n';
    const fromString = parseChunks([text]);
    const fromBytes = parse(enc(text));
    expect(fromString).toEqual(fromBytes);
    expect(fromString.events).toEqual([ev('你好', 'a'), ev('😀', 'message', '1'), { ...ev('', 'message', '1'), retry: 10 }]);
  });

  it('gives the same events for a string fed one character at a time', () => {
    const text = 'event: a\r\ndata: x\r\r\n';
    expect(parseChunks([...text])).toEqual(parseChunks([text]));
  });

  it('accepts bytes and strings interleaved', () => {
    const r = parseChunks([enc('data: a'), 'b\r', enc('\ndata: c\n'), '\n']);
    expect(r.events).toEqual([ev('ab\nc')]);
  });
});
