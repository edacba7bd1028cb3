/** The AnswerSink: the one place an answer's messages are numbered, batched and remembered. */
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/background/answers/delta-batcher.ts';
import { createAnswerSink, type AnswerEvents } from '../../../src/background/answers/sink.ts';
import { parseBackgroundMessage, type StreamMessage } from '../../../src/messaging/protocol.ts';
import { MAX_ANSWER_CHARS, MAX_DELTA_MESSAGE_CHARS, MAX_RAW_EVENTS } from '../../../src/shared/limits.ts';

/** A clock the test moves by hand; timers fire when it passes them. */
function manualClock() {
  let now = 0;
  let timers: { at: number; fn: () => void; id: number }[] = [];
  let nextId = 1;
  const clock: Clock = {
    now: () => now,
    setTimeout(fn, ms) {
      const id = nextId++;
      timers.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimeout(handle) {
      timers = timers.filter((t) => t.id !== handle);
    },
  };
  const advance = (ms: number) => {
    now += ms;
    for (const timer of timers.filter((t) => t.at <= now)) {
      timers = timers.filter((t) => t !== timer);
      timer.fn();
    }
  };
  return { clock, advance };
}

function collecting() {
  const sent: StreamMessage[] = [];
  const receiver = (message: StreamMessage) => {
    sent.push(message);
    return true;
  };
  return { sent, receiver };
}

describe('the answer sink', () => {
  it('numbers every message 0, 1, 2, … and sends the first text at once, then batches', () => {
    const { clock, advance } = manualClock();
    const { sent, receiver } = collecting();
    const sink = createAnswerSink('r', { receiver, clock, batchIntervalMs: 32 });
    sink.push({ type: 'text', text: 'Hel' });
    sink.push({ type: 'text', text: 'lo' });
    sink.push({ type: 'text', text: ', ' });
    expect(sent).toEqual([{ type: 'delta', requestId: 'r', seq: 0, text: 'Hel' }]);
    advance(32);
    sink.push({ type: 'usage', usage: { outputTokens: 3 } });
    sink.push({ type: 'text', text: 'world' });
    sink.end('complete');
    expect(sent.map((m) => m.seq)).toEqual([0, 1, 2, 3, 4]);
    expect(sent.map((m) => m.type)).toEqual(['delta', 'delta', 'usage', 'delta', 'end']);
    expect(
      sent
        .filter((m) => m.type === 'delta')
        .map((m) => (m as { text: string }).text)
        .join(''),
    ).toBe('Hello, world');
  });

  it('sends reasoning before the answer it leads to, and other messages after the text before them', () => {
    const { clock } = manualClock();
    const { sent, receiver } = collecting();
    const sink = createAnswerSink('r', { receiver, clock, batchIntervalMs: 32 });
    sink.push({ type: 'thinking', text: 'a' });
    sink.push({ type: 'thinking', text: 'b' }); // batched
    sink.push({ type: 'text', text: 'X' }); // flushes the reasoning first
    sink.push({ type: 'text', text: 'Y' }); // batched
    sink.push({ type: 'tool-start', index: 0, id: 'call_1', name: 'search' }); // flushes the text first
    sink.push({ type: 'tool-input', index: 0, json: '{"q":' });
    sink.push({ type: 'tool-input', index: 0, json: '"fox"}' });
    expect(sent.map((m) => [m.type, 'text' in m ? m.text : ''])).toEqual([
      ['thinking', 'a'],
      ['thinking', 'b'],
      ['delta', 'X'],
      ['delta', 'Y'],
      ['tool-start', ''],
      ['tool-input', ''],
      ['tool-input', ''],
    ]);
    expect(sink.snapshot().toolCalls).toEqual([{ index: 0, id: 'call_1', name: 'search', json: '{"q":"fox"}' }]);
  });

  it('ends exactly once: later ends, failures and deltas are ignored', () => {
    const { sent, receiver } = collecting();
    const sink = createAnswerSink('r', { receiver });
    sink.push({ type: 'stop', reason: 'end_turn' });
    sink.end('complete');
    sink.fail({ code: 'internal' });
    sink.end('stopped');
    sink.push({ type: 'text', text: 'late' });
    expect(sent).toEqual([{ type: 'end', requestId: 'r', seq: 0, stopReason: 'end_turn', outcome: 'complete' }]);
    expect(sink.finished).toBe(true);
    expect(sink.snapshot().final).toEqual(sent[0]);
  });

  it('a stopped answer has no stop reason; a truncated one keeps what the provider said', () => {
    const stopped = collecting();
    const a = createAnswerSink('a', { receiver: stopped.receiver });
    a.push({ type: 'stop', reason: 'end_turn' });
    a.end('stopped');
    expect(stopped.sent[0]).toMatchObject({ outcome: 'stopped', stopReason: null });
    const cut = collecting();
    const b = createAnswerSink('b', { receiver: cut.receiver });
    b.push({ type: 'stop', reason: 'max_tokens' });
    b.end('truncated');
    expect(cut.sent[0]).toMatchObject({ outcome: 'truncated', stopReason: 'max_tokens' });
  });

  it('keeps everything for a panel that re-attaches: the snapshot covers text still in a batch', () => {
    const { clock } = manualClock();
    const first = collecting();
    const sink = createAnswerSink('r', { receiver: first.receiver, clock, batchIntervalMs: 32 });
    sink.push({ type: 'thinking', text: 'Hmm.' });
    sink.push({ type: 'text', text: 'One ' });
    sink.push({ type: 'text', text: 'two' }); // waiting in the batcher
    sink.push({ type: 'usage', usage: { inputTokens: 10 } });
    sink.push({ type: 'usage', usage: { outputTokens: 2 } });
    sink.attach(null); // the panel closed
    sink.push({ type: 'text', text: ' three' });
    const snapshot = sink.snapshotMessage();
    expect(snapshot).toMatchObject({
      type: 'snapshot',
      requestId: 'r',
      text: 'One two three',
      thinking: 'Hmm.',
      usage: { inputTokens: 10, outputTokens: 2 },
      toolCalls: [],
      final: null,
    });
    // Its seq is the last one made, so the panel drops nothing twice and misses nothing.
    const second = collecting();
    sink.attach(second.receiver);
    sink.end('complete');
    expect(second.sent).toEqual([expect.objectContaining({ type: 'end', seq: snapshot.seq + 1 })]);
    expect(parseBackgroundMessage(snapshot)).not.toBeNull();
  });

  it('stops sending to a panel that is gone, but keeps recording', () => {
    let calls = 0;
    const sink = createAnswerSink('r', {
      receiver: () => {
        calls++;
        return false;
      },
    });
    sink.push({ type: 'text', text: 'a' });
    sink.push({ type: 'usage', usage: {} });
    expect(calls).toBe(1);
    expect(sink.attached).toBe(false);
    expect(sink.snapshot().text).toBe('a');
  });

  it('replaces a message the panel would refuse with a failure it accepts, keeping the numbering', () => {
    const { sent, receiver } = collecting();
    const sink = createAnswerSink('r', { receiver, validate: (m) => parseBackgroundMessage(m) !== null });
    sink.push({ type: 'text', text: 'ok' });
    sink.push({ type: 'tool-input', index: 0, json: 'x'.repeat(4_000_001) }); // over the port's text cap
    sink.push({ type: 'text', text: 'after' }); // nothing follows the final message
    sink.end('complete');
    expect(sent).toEqual([
      { type: 'delta', requestId: 'r', seq: 0, text: 'ok' },
      { type: 'failed', requestId: 'r', seq: 1, error: { code: 'undeliverable' } },
    ]);
    expect(sink.finished).toBe(true);
  });

  it('cleans what a provider sent before it reaches the port: odd counts dropped, long names cut, bad indexes ignored', () => {
    const { sent, receiver } = collecting();
    const sink = createAnswerSink('r', { receiver, validate: (m) => parseBackgroundMessage(m) !== null });
    sink.push({ type: 'usage', usage: { inputTokens: 12, outputTokens: 1.5, cacheReadTokens: -1 } });
    sink.push({ type: 'usage', usage: { outputTokens: Number.NaN } }); // nothing usable: no message
    sink.push({ type: 'tool-start', index: 0, id: 'x'.repeat(3_000), name: 'search' });
    sink.push({ type: 'tool-input', index: 0.5, json: '{}' });
    sink.push({ type: 'text', text: 'fine' });
    sink.end('complete');
    expect(sent.map((m) => m.type)).toEqual(['usage', 'tool-start', 'delta', 'end']);
    expect(sent[0]).toMatchObject({ usage: { inputTokens: 12 } });
    expect((sent[0] as { usage: object }).usage).toEqual({ inputTokens: 12 });
    expect((sent[1] as { id: string }).id).toHaveLength(2_000);
    expect(sink.snapshot().usage).toEqual({ inputTokens: 12 });
  });

  it('keeps raw events with their arrival offset in a bounded ring', () => {
    const { clock, advance } = manualClock();
    const sink = createAnswerSink('r', { clock });
    advance(5);
    sink.raw({ event: 'message_start', data: '{}', id: '' });
    advance(7);
    sink.raw({ event: 'ping', data: '{"type":"ping"}', id: '1' });
    expect(sink.rawEvents()).toEqual([
      { atMs: 5, event: 'message_start', data: '{}', id: '' },
      { atMs: 12, event: 'ping', data: '{"type":"ping"}', id: '1' },
    ]);
    for (let i = 0; i < MAX_RAW_EVENTS + 10; i++) sink.raw({ event: 'e', data: String(i), id: '' });
    const kept = sink.rawEvents();
    expect(kept).toHaveLength(MAX_RAW_EVENTS);
    expect(kept.at(-1)?.data).toBe(String(MAX_RAW_EVENTS + 9));
    expect(kept[0]?.data).toBe('10');
  });

  it('tells subscribers each event with its delta and the snapshot so far', () => {
    const sink = createAnswerSink('r');
    const seen: [keyof AnswerEvents, unknown][] = [];
    const off = sink.on('text', (e) => seen.push(['text', e]));
    sink.on('usage', (e) => seen.push(['usage', e]));
    sink.on('stream-error', (e) => seen.push(['stream-error', e]));
    sink.on('final', (e) => seen.push(['final', e.type]));
    sink.push({ type: 'text', text: 'a' });
    sink.push({ type: 'text', text: 'b' });
    off();
    sink.push({ type: 'text', text: 'c' });
    sink.push({ type: 'usage', usage: { inputTokens: 1 } });
    sink.push({ type: 'usage', usage: { outputTokens: 2 } });
    sink.push({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    sink.fail({ code: 'stream-overloaded' });
    expect(seen).toEqual([
      ['text', { delta: 'a', snapshot: 'a' }],
      ['text', { delta: 'b', snapshot: 'ab' }],
      ['usage', { delta: { inputTokens: 1 }, snapshot: { inputTokens: 1 } }],
      ['usage', { delta: { outputTokens: 2 }, snapshot: { inputTokens: 1, outputTokens: 2 } }],
      ['stream-error', { type: 'overloaded_error', message: 'Overloaded' }],
      ['final', 'failed'],
    ]);
  });

  it('splits a delta longer than one port message into several, in order, never replacing it', () => {
    const { sent, receiver } = collecting();
    const sink = createAnswerSink('r', { receiver, validate: (m) => parseBackgroundMessage(m) !== null });
    // A surrogate pair straddles the first cut: it stays whole.
    const huge = 'a'.repeat(MAX_DELTA_MESSAGE_CHARS - 1) + '😀' + 'b'.repeat(1_500_000);
    sink.push({ type: 'text', text: huge });
    sink.end('complete');
    const deltas = sent.filter((m): m is Extract<StreamMessage, { type: 'delta' }> => m.type === 'delta');
    expect(deltas.length).toBe(3);
    expect(deltas.every((m) => m.text.length <= MAX_DELTA_MESSAGE_CHARS)).toBe(true);
    expect(deltas.map((m) => m.text).join('')).toBe(huge);
    expect(deltas[0]!.text.endsWith('a')).toBe(true);
    expect(sent.at(-1)).toMatchObject({ type: 'end', outcome: 'complete' });
    expect(sent.map((m) => m.seq)).toEqual(sent.map((_, i) => i));
  });

  it('ends an answer over the cap as "answer too long", keeping exactly the text up to the cap', () => {
    const { sent, receiver } = collecting();
    const sink = createAnswerSink('r', { receiver, validate: (m) => parseBackgroundMessage(m) !== null });
    const finals: string[] = [];
    sink.on('final', (m) => finals.push(m.type));
    sink.push({ type: 'text', text: 'x'.repeat(MAX_ANSWER_CHARS - 10) });
    sink.push({ type: 'text', text: 'y'.repeat(100) });
    sink.push({ type: 'text', text: 'after' });
    sink.end('complete');
    expect(sink.snapshot().text).toBe('x'.repeat(MAX_ANSWER_CHARS - 10) + 'y'.repeat(10));
    expect(sent.at(-1)).toMatchObject({ type: 'failed', error: { code: 'answer-too-long', params: { max: MAX_ANSWER_CHARS } } });
    expect(finals).toEqual(['failed']);
    const text = sent.flatMap((m) => (m.type === 'delta' ? [m.text] : [])).join('');
    expect(text).toBe(sink.snapshot().text);
  });

  it('masks the key in every error it sends (a 401 body echoing it, a retry notice)', () => {
    const { sent, receiver } = collecting();
    const sink = createAnswerSink('r', { receiver });
    sink.maskSecret('sk-secret-$&-key');
    sink.retrying({ code: 'rate-limit', detail: 'key sk-secret-$&-key is slow' }, 1);
    sink.fail({ code: 'auth', detail: 'Invalid key: sk-secret-$&-key (sk-secret-$&-key)', params: { host: 'sk-secret-$&-key' } });
    expect(JSON.stringify(sent)).not.toContain('sk-secret');
    expect(sent.at(-1)).toMatchObject({ error: { detail: 'Invalid key: •••• (••••)', params: { host: '••••' } } });
  });
});
