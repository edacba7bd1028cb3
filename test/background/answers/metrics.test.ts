/** The numbers the sink measures for each answer and sends with its end. */
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/background/answers/delta-batcher.ts';
import { createAnswerSink } from '../../../src/background/answers/sink.ts';
import { parseBackgroundMessage, type StreamMessage } from '../../../src/messaging/protocol.ts';
import { MAX_RAW_SSE_BYTES } from '../../../src/shared/limits.ts';

function setup() {
  let now = 1_000;
  const clock: Clock = { now: () => now, setTimeout: () => 0, clearTimeout: () => {} };
  const sent: StreamMessage[] = [];
  const sink = createAnswerSink('r', {
    clock,
    batchIntervalMs: 0,
    receiver: (message) => {
      sent.push(message);
      return true;
    },
  });
  return { sink, sent, advance: (ms: number) => (now += ms) };
}

const INFO = { provider: 'anthropic', model: 'claude-sonnet-5-5', promptText: 'x'.repeat(400) } as const;

describe('answer metrics', () => {
  it('measures time to first token from the request, and the gaps between deltas, before batching', () => {
    const { sink, sent, advance } = setup();
    sink.describe(INFO);
    advance(300);
    sink.push({ type: 'thinking', text: 'Hmm' });
    for (const gap of [10, 20, 30, 40, 500]) {
      advance(gap);
      sink.push({ type: 'text', text: 'a' });
    }
    advance(5);
    sink.end('complete');
    const end = sent.at(-1);
    expect(end?.type).toBe('end');
    if (end?.type !== 'end') return;
    expect(end.metrics).toMatchObject({
      provider: 'anthropic',
      model: 'claude-sonnet-5-5',
      ttftMs: 300,
      totalMs: 905,
      deltas: 6,
      gaps: { medianMs: 30, p95Ms: 500, maxMs: 500 },
    });
    // The end message with its numbers is one the panel accepts.
    expect(parseBackgroundMessage(end)).not.toBeNull();
  });

  it('estimates tokens only where the provider reported none', () => {
    const { sink, sent } = setup();
    sink.describe(INFO);
    sink.push({ type: 'text', text: 'abcdefgh' });
    sink.push({ type: 'usage', usage: { inputTokens: 12 } });
    sink.end('complete');
    const end = sent.at(-1);
    if (end?.type !== 'end') throw new Error('no end');
    expect(end.metrics?.estimatedInputTokens).toBeUndefined();
    expect(end.metrics?.estimatedOutputTokens).toBe(2);
  });

  it('has no time to first token when nothing came, and goes with a failure too', () => {
    const { sink, sent, advance } = setup();
    sink.describe(INFO);
    advance(50);
    sink.fail({ code: 'network' });
    const failed = sent.at(-1);
    if (failed?.type !== 'failed') throw new Error('no failure');
    expect(failed.metrics).toMatchObject({ ttftMs: null, totalMs: 50, deltas: 0, gaps: null, estimatedInputTokens: 100 });
    expect(parseBackgroundMessage(failed)).not.toBeNull();
  });

  it('sends no numbers for an answer that never made a request (no key, nothing to send)', () => {
    const { sink, sent } = setup();
    sink.fail({ code: 'no-key' });
    const failed = sent.at(-1);
    expect(failed?.type).toBe('failed');
    expect(failed && 'metrics' in failed).toBe(false);
  });
});

describe('stream details', () => {
  it('keep the body as received, decoded once (a character split across chunks is whole), and the gaps', () => {
    const { sink, advance } = setup();
    sink.describe({ ...INFO, request: { url: 'https://x.test', method: 'POST', headers: [], body: '{}' } });
    const bytes = new TextEncoder().encode('data: {"t":"中"}\n\n');
    sink.bytes(bytes.slice(0, 11)); // ends inside 中
    sink.bytes(bytes.slice(11));
    sink.raw({ event: '', data: '{"t":"中"}', id: '' });
    sink.push({ type: 'text', text: 'a' });
    advance(7);
    sink.push({ type: 'text', text: 'b' });
    const details = sink.details();
    expect(details.sse).toBe('data: {"t":"中"}\n\n');
    expect(details.sseBytesDropped).toBe(0);
    expect(details.events).toEqual([{ atMs: 0, event: '', data: '{"t":"中"}', id: '' }]);
    expect(details.gaps).toEqual([7]);
    expect(details.request?.url).toBe('https://x.test');
  });

  it('keep at most MAX_RAW_SSE_BYTES of the body and say how much more came', () => {
    const { sink } = setup();
    sink.bytes(new Uint8Array(MAX_RAW_SSE_BYTES - 10).fill(0x61));
    sink.bytes(new Uint8Array(30).fill(0x62));
    const details = sink.details();
    expect(details.sse.length).toBe(MAX_RAW_SSE_BYTES);
    expect(details.sseBytesDropped).toBe(20);
  });
});
