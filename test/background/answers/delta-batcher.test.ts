import { describe, expect, it } from 'vitest';
import { createDeltaBatcher, type Clock } from '../../../src/background/answers/delta-batcher.ts';

/** A manual clock: time moves only when the test advances it, firing due timers in order. */
class FakeClock implements Clock {
  time = 1_000;
  private nextId = 1;
  private timers = new Map<number, { at: number; fn: () => void }>();

  now(): number {
    return this.time;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  get pendingTimers(): number {
    return this.timers.size;
  }
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.timers].filter(([, t]) => t.at <= end).sort(([, a], [, b]) => a.at - b.at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].fn();
    }
    this.time = end;
  }
}

function setup(intervalMs = 32) {
  const clock = new FakeClock();
  const sent: { text: string; at: number }[] = [];
  const batcher = createDeltaBatcher((text) => sent.push({ text, at: clock.now() }), intervalMs, clock);
  return { clock, sent, batcher };
}

describe('createDeltaBatcher', () => {
  it('sends the first push at once, without waiting for a timer', () => {
    const { batcher, sent, clock } = setup();
    batcher.push('Hel');
    expect(sent).toEqual([{ text: 'Hel', at: 1_000 }]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('joins pushes within the interval into one message sent when the interval ends', () => {
    const { batcher, sent, clock } = setup(32);
    batcher.push('A');
    clock.advance(5);
    batcher.push('b');
    clock.advance(10);
    batcher.push('c');
    batcher.push('d');
    expect(sent.map((s) => s.text)).toEqual(['A']);
    clock.advance(16); // 31 ms after the first send: not yet
    expect(sent.map((s) => s.text)).toEqual(['A']);
    clock.advance(1); // 32 ms
    expect(sent).toEqual([
      { text: 'A', at: 1_000 },
      { text: 'bcd', at: 1_032 },
    ]);
  });

  it('sends a push at once again when the interval since the last send has passed', () => {
    const { batcher, sent, clock } = setup(32);
    batcher.push('one');
    clock.advance(32);
    batcher.push('two');
    expect(sent.map((s) => s.text)).toEqual(['one', 'two']); // exactly one interval later: no timer
    expect(clock.pendingTimers).toBe(0);
    clock.advance(100);
    batcher.push('three');
    expect(sent).toEqual([
      { text: 'one', at: 1_000 },
      { text: 'two', at: 1_032 },
      { text: 'three', at: 1_132 },
    ]);
  });

  it('measures the interval from the last send, so a steady stream goes out once per interval', () => {
    const { batcher, sent, clock } = setup(30);
    for (let t = 0; t < 120; t += 5) {
      batcher.push(`${t},`);
      clock.advance(5);
    }
    batcher.close();
    expect(sent.map((s) => s.at)).toEqual([1_000, 1_030, 1_060, 1_090, 1_120]);
    expect(sent.map((s) => s.text).join('')).toBe(Array.from({ length: 24 }, (_, i) => `${i * 5},`).join(''));
  });

  it('ignores empty pushes: nothing is sent and no timer is started', () => {
    const { batcher, sent, clock } = setup();
    batcher.push('');
    expect(sent).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
    batcher.push('x');
    clock.advance(1);
    batcher.push(''); // within the interval: must not arm a timer for nothing
    expect(clock.pendingTimers).toBe(0);
    clock.advance(100);
    expect(sent.map((s) => s.text)).toEqual(['x']);
  });

  it('an empty first push does not use up the immediate send of the next push', () => {
    const { batcher, sent } = setup();
    batcher.push('');
    batcher.push('first');
    expect(sent.map((s) => s.text)).toEqual(['first']);
  });

  it('flush sends pending text at once and cancels the timer', () => {
    const { batcher, sent, clock } = setup();
    batcher.push('a');
    batcher.push('b');
    batcher.push('c');
    expect(clock.pendingTimers).toBe(1);
    batcher.flush();
    expect(sent.map((s) => s.text)).toEqual(['a', 'bc']);
    expect(clock.pendingTimers).toBe(0);
    clock.advance(1_000);
    expect(sent.map((s) => s.text)).toEqual(['a', 'bc']);
  });

  it('flush with nothing pending sends nothing', () => {
    const { batcher, sent } = setup();
    batcher.flush();
    batcher.push('a');
    batcher.flush();
    batcher.flush();
    expect(sent.map((s) => s.text)).toEqual(['a']);
  });

  it('a flush restarts the interval: the next push waits instead of going out at once', () => {
    const { batcher, sent, clock } = setup(32);
    batcher.push('a');
    clock.advance(10);
    batcher.push('b');
    batcher.flush(); // sent at 1010
    clock.advance(10);
    batcher.push('c');
    expect(sent.map((s) => s.text)).toEqual(['a', 'b']);
    clock.advance(22);
    expect(sent).toEqual([
      { text: 'a', at: 1_000 },
      { text: 'b', at: 1_010 },
      { text: 'c', at: 1_042 },
    ]);
  });

  it('close sends pending text and leaves no timer behind', () => {
    const { batcher, sent, clock } = setup();
    batcher.push('Hello');
    batcher.push(', world');
    batcher.close();
    expect(sent.map((s) => s.text)).toEqual(['Hello', ', world']);
    expect(clock.pendingTimers).toBe(0);
    clock.advance(1_000);
    expect(sent).toHaveLength(2);
  });

  it('keeps every character, in order, however the pushes are timed', () => {
    const { batcher, sent, clock } = setup(16);
    const pieces = ['Ça', ' va', '? ', '你好', '', '🌍', '\n', 'end'];
    const gaps = [0, 3, 20, 1, 1, 40, 2, 0];
    pieces.forEach((piece, i) => {
      clock.advance(gaps[i] ?? 0);
      batcher.push(piece);
    });
    batcher.close();
    expect(sent.map((s) => s.text).join('')).toBe(pieces.join(''));
    expect(sent.every((s) => s.text !== '')).toBe(true);
  });

  it('uses one animation frame (16 ms) by default, and sends at once after a frame of quiet', () => {
    const clock = new FakeClock();
    const sent: string[] = [];
    const batcher = createDeltaBatcher((t) => sent.push(t), undefined, clock);
    batcher.push('a');
    batcher.push('b');
    clock.advance(15);
    expect(sent).toEqual(['a']);
    clock.advance(1);
    expect(sent).toEqual(['a', 'b']);
    clock.advance(17);
    batcher.push('c');
    expect(sent).toEqual(['a', 'b', 'c']);
  });
});
