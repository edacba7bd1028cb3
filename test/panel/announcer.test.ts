/** The screen-reader throttle: whole sentences a few seconds apart, then how the answer ended. */
import { describe, expect, it } from 'vitest';
import {
  announcerStep,
  initialAnnouncerState,
  lastSentenceEnd,
  speakable,
  type AnnouncerState,
  type WatchedAnswer,
} from '../../src/panel/announcer.ts';
import type { AnswerStatus } from '../../src/panel/state.ts';

const timing = { minIntervalMs: 2_000, maxWaitMs: 5_000 };
const answer = (text: string, status: AnswerStatus = 'streaming', requestId = 'r1'): WatchedAnswer => ({ requestId, text, status });

/** Feeds the answer's text as deltas at the given times; returns what was announced. */
function run(deltas: [at: number, text: string][], endAt?: [number, AnswerStatus]) {
  let state: AnnouncerState = initialAnnouncerState;
  let text = '';
  const said: { at: number; text: string; end?: string }[] = [];
  const step = (at: number, status: AnswerStatus) => {
    const result = announcerStep(state, answer(text, status), at, timing);
    state = result.state;
    if (result.announcement) said.push({ at, ...result.announcement });
    return result;
  };
  step(0, 'streaming');
  for (const [at, delta] of deltas) {
    text += delta;
    step(at, 'streaming');
  }
  if (endAt) step(endAt[0], endAt[1]);
  return said;
}

describe('lastSentenceEnd', () => {
  it('finds the end of the last finished sentence or line', () => {
    expect(lastSentenceEnd('One. Two')).toBe(4);
    expect(lastSentenceEnd('Is it? Yes! And')).toBe(11);
    expect(lastSentenceEnd('a line\nnext')).toBe(7);
    expect(lastSentenceEnd('狐狸跳。狗睡')).toBe(4);
    expect(lastSentenceEnd('He said "stop." Then')).toBe(15);
  });

  it('does not count a full stop that may be a decimal point or an unfinished sentence', () => {
    expect(lastSentenceEnd('Pi is 3.')).toBe(0);
    expect(lastSentenceEnd('no end yet')).toBe(0);
  });
});

describe('speakable', () => {
  it('drops markdown marks and keeps the words', () => {
    expect(speakable('## A **bold** claim')).toBe('A bold claim');
    expect(speakable('See [the docs](https://example.com/x) now.')).toBe('See the docs now.');
    expect(speakable('| Animal | Legs |\n|:--|--:|\n| fox | 4 |')).toBe('Animal Legs fox 4');
    expect(speakable('```js\nconst a = 1;\n```')).toBe('const a = 1;');
    expect(speakable('- one\n- two\n1. three')).toBe('one two three');
    expect(speakable('use `npm ci`')).toBe('use npm ci');
  });
});

describe('announcerStep', () => {
  it('announces far fewer times than deltas arrive, at sentence ends, at least 2 s apart', () => {
    // 60 deltas of one word, 100 ms apart: 6 s of streaming, a sentence every 5 words.
    const deltas: [number, string][] = Array.from({ length: 60 }, (_, i) => [100 * (i + 1), i % 5 === 4 ? `w${i}. ` : `w${i} `]);
    const said = run(deltas, [6_100, 'complete']);
    expect(said.length).toBeGreaterThanOrEqual(3);
    expect(said.length).toBeLessThan(10);
    for (let i = 1; i < said.length - 1; i++) expect(said[i]!.at - said[i - 1]!.at).toBeGreaterThanOrEqual(2_000);
    for (const item of said.slice(0, -1)) expect(item.text).toMatch(/\.$/);
    // Every word is read exactly once, in order, and the end is said last.
    const words = said
      .map((item) => item.text)
      .join(' ')
      .replaceAll('.', '')
      .split(' ')
      .filter(Boolean);
    expect(words).toEqual(Array.from({ length: 60 }, (_, i) => `w${i}`));
    expect(said.at(-1)!.end).toBe('complete');
    expect(said.slice(0, -1).every((item) => item.end === undefined)).toBe(true);
  });

  it('without a sentence end, reads whole words once the longest wait is over', () => {
    const deltas: [number, string][] = Array.from({ length: 60 }, (_, i) => [100 * (i + 1), `w${i} `]);
    const said = run(deltas);
    expect(said.length).toBe(1);
    expect(said[0]!.at).toBe(5_000);
    // At 5 s the 50th word has arrived, with its space: it is whole.
    expect(said[0]!.text).toBe(Array.from({ length: 50 }, (_, i) => `w${i}`).join(' '));
  });

  it('asks to be called again when text is waiting, and not when nothing is', () => {
    const first = announcerStep(initialAnnouncerState, answer(''), 0, timing);
    expect(first.recheckInMs).toBeNull();
    const waiting = announcerStep(first.state, answer('One sentence. And'), 500, timing);
    expect(waiting.announcement).toBeNull();
    expect(waiting.recheckInMs).toBe(1_500);
    const due = announcerStep(waiting.state, answer('One sentence. And'), 2_000, timing);
    expect(due.announcement).toEqual({ text: 'One sentence.' });
    expect(due.recheckInMs).toBe(2_000);
  });

  it.each<[AnswerStatus, string]>([
    ['stopped', 'Half a'],
    ['truncated', 'Cut'],
    ['failed', ''],
    ['interrupted', 'Lost'],
  ])('announces the end (%s) with the text not yet read', (status, rest) => {
    const said = run([[100, rest]], [300, status]);
    expect(said).toEqual([{ at: 300, text: rest, end: status }]);
  });

  it('says nothing of an answer that had ended before it was first seen (a restored conversation)', () => {
    const restored = announcerStep(initialAnnouncerState, answer('Old answer.', 'complete', 'old'), 0, timing);
    expect(restored.announcement).toBeNull();
    expect(announcerStep(restored.state, answer('Old answer.', 'complete', 'old'), 9_000, timing).announcement).toBeNull();
  });

  it('starts over for a new answer and announces its end once', () => {
    const one = announcerStep(initialAnnouncerState, answer('Done.', 'complete', 'old'), 0, timing);
    const started = announcerStep(one.state, answer('', 'streaming', 'new'), 10, timing);
    const ended = announcerStep(started.state, answer('Short.', 'complete', 'new'), 400, timing);
    expect(ended.announcement).toEqual({ text: 'Short.', end: 'complete' });
    expect(announcerStep(ended.state, answer('Short.', 'complete', 'new'), 5_000, timing).announcement).toBeNull();
  });

  it('does not read again the text of an answer re-attached mid-stream', () => {
    const attached = announcerStep(initialAnnouncerState, answer('Already shown. ', 'streaming'), 0, timing);
    const later = announcerStep(attached.state, answer('Already shown. New words.', 'complete'), 3_000, timing);
    expect(later.announcement).toEqual({ text: 'New words.', end: 'complete' });
  });
});
