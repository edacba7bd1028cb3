import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseSseStream, type SseEvent } from '../../src/sse/index.ts';
import { byteByByte, parseChunks, splitAt, streamOf } from './helpers.ts';

const dir = fileURLToPath(new URL('../fixtures/streams/', import.meta.url));
const load = (name: string): Uint8Array => new Uint8Array(readFileSync(dir + name));

/** What each recorded stream must produce. */
const expected: Record<string, { types: string[]; check: (events: SseEvent[]) => void }> = {
  'anthropic-text.sse': {
    types: [
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ],
    check: (events) => {
      expect(joined(events, (d) => d.delta?.text)).toBe('Hello! Ça va? 你好，世界 🌍👩‍💻 Line one\nline two: "quoted".');
    },
  },
  'anthropic-tool-use.sse': {
    types: [
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      ...Array(9).fill('content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ],
    check: (events) => {
      expect(JSON.parse(joined(events, (d) => d.delta?.partial_json))).toEqual({
        location: 'San Francisco, CA',
        unit: 'fahrenheit',
      });
      expect(joined(events, (d) => d.delta?.text)).toBe("Okay, let's check the weather for San Francisco, CA:");
    },
  },
  'anthropic-thinking.sse': {
    types: [
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ],
    check: (events) => {
      expect(joined(events, (d) => d.delta?.thinking)).toContain('So the GCD is 21.');
      expect(joined(events, (d) => d.delta?.signature)).toMatch(/^EqQBCg/);
    },
  },
  'anthropic-error.sse': {
    types: ['message_start', 'content_block_start', 'content_block_delta', 'ping', 'error'],
    check: (events) => {
      expect(JSON.parse(events.at(-1)!.data)).toEqual({
        type: 'error',
        error: { type: 'overloaded_error', message: 'Overloaded' },
      });
    },
  },
  'openai-chat.sse': {
    types: Array(7).fill('message'),
    check: (events) => {
      expect(events.at(-1)!.data).toBe('[DONE]');
      const chunks = events.slice(0, -1).map((e) => JSON.parse(e.data));
      expect(chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('')).toBe('Hello! How can I help — 今日は 😊?');
      expect(chunks.at(-1).usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 12, total_tokens: 21 });
      expect(chunks.at(-1).choices).toEqual([]);
    },
  },
  'openai-tool-calls.sse': {
    types: Array(8).fill('message'),
    check: (events) => {
      const chunks = events.slice(0, -1).map((e) => JSON.parse(e.data));
      const args = chunks.map((c) => c.choices[0]?.delta?.tool_calls?.[0]?.function?.arguments ?? '').join('');
      expect(JSON.parse(args)).toEqual({ location: 'Paris, France' });
    },
  },
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function joined(events: SseEvent[], pick: (d: any) => string | undefined): string {
  return events.map((e) => (e.data.startsWith('{') ? (pick(JSON.parse(e.data)) ?? '') : '')).join('');
}

const toCrlf = (b: Uint8Array): Uint8Array => new TextEncoder().encode(new TextDecoder().decode(b).replaceAll('\n', '\r\n'));
const toCr = (b: Uint8Array): Uint8Array => new TextEncoder().encode(new TextDecoder().decode(b).replaceAll('\n', '\r'));

describe('recorded provider streams', () => {
  it('has an expectation for every fixture file', () => {
    expect(
      readdirSync(dir)
        .filter((f) => f.endsWith('.sse'))
        .sort(),
    ).toEqual(Object.keys(expected).sort());
  });

  for (const [name, want] of Object.entries(expected)) {
    describe(name, () => {
      const b = load(name);
      const whole = parseChunks([b]);

      it('parses to the documented sequence of events, each complete and well-formed', () => {
        expect(whole.events.map((e) => e.event)).toEqual(want.types);
        expect(whole.incomplete).toBe(false);
        for (const e of whole.events) {
          if (e.data === '[DONE]') continue;
          const json = JSON.parse(e.data);
          if (name.startsWith('anthropic')) expect(json.type).toBe(e.event);
          expect(e.id).toBe('');
        }
        want.check(whole.events);
      });

      it('gives the same events when split into two chunks at every offset', () => {
        for (let i = 0; i <= b.length; i++) {
          const r = parseChunks(splitAt(b, [i]));
          expect(r.log).toEqual(whole.log);
          expect(r.incomplete).toBe(false);
        }
      });

      it('gives the same events when fed one byte at a time', () => {
        expect(parseChunks(byteByByte(b)).log).toEqual(whole.log);
      });

      it('gives the same events with CRLF or CR line ends, split at every offset', () => {
        for (const variant of [toCrlf(b), toCr(b)]) {
          for (let i = 0; i <= variant.length; i++) {
            expect(parseChunks(splitAt(variant, [i])).log).toEqual(whole.log);
          }
        }
      });

      it('reports the stream as incomplete when truncated inside its last event', () => {
        for (const cut of [b.length - 1, b.length - 2, b.length - 10]) {
          const r = parseChunks([b.subarray(0, cut)]);
          expect(r.incomplete).toBe(true);
          expect(r.events).toEqual(whole.events.slice(0, -1));
        }
      });

      it('yields the same events through parseSseStream over a Response body in 7-byte chunks', async () => {
        const chunks: Uint8Array[] = [];
        for (let i = 0; i < b.length; i += 7) chunks.push(b.subarray(i, i + 7));
        const res = new Response(streamOf(chunks));
        const out: SseEvent[] = [];
        for await (const e of parseSseStream(res.body!)) out.push(e);
        expect(out).toEqual(whole.events);
      });
    });
  }
});
