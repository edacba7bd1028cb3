/**
 * What a screen reader hears of a streaming answer: the text that arrived since the last
 * announcement, every few seconds and preferably at the end of a sentence, then how the
 * answer ended. Token-by-token updates of a live region make screen readers stutter or fall
 * behind; whole sentences a few seconds apart read like speech. Pure: time is an argument.
 */
import type { AnswerStatus } from './state.ts';

export interface AnnouncerTiming {
  /** Never two announcements closer than this. */
  minIntervalMs: number;
  /** Past this, announce what there is even without a sentence end (a long sentence, a table). */
  maxWaitMs: number;
}

export const ANNOUNCER_TIMING: AnnouncerTiming = { minIntervalMs: 2_000, maxWaitMs: 5_000 };

/** The answer as the announcer sees it. */
export interface WatchedAnswer {
  requestId: string;
  text: string;
  status: AnswerStatus;
}

export interface AnnouncerState {
  requestId: string | null;
  /** How much of the answer's text has been announced (or skipped). */
  announced: number;
  /** When the last announcement was made (or the answer started). */
  lastAt: number;
  /** Its end has been announced (or it had ended before it was first seen). */
  ended: boolean;
}

export const initialAnnouncerState: AnnouncerState = { requestId: null, announced: 0, lastAt: 0, ended: true };

export type EndStatus = Exclude<AnswerStatus, 'streaming' | 'retrying'>;

export interface Announcement {
  /** Answer text to read out (plain, without markdown marks); may be empty at the end. */
  text: string;
  /** The answer ended this way: the caller adds the words for it. */
  end?: EndStatus;
}

export interface AnnouncerStep {
  state: AnnouncerState;
  announcement: Announcement | null;
  /** Check again after this long even if nothing changes (text is waiting for its turn). */
  recheckInMs: number | null;
}

export function isLiveStatus(status: AnswerStatus): status is 'streaming' | 'retrying' {
  return status === 'streaming' || status === 'retrying';
}

/**
 * Where the last finished sentence or line in `text` ends (0 when none has): after a line
 * break, after CJK end punctuation, or after Latin end punctuation followed by a space (so
 * "3." of a coming "3.14" does not count).
 */
export function lastSentenceEnd(text: string): number {
  let end = 0;
  for (const match of text.matchAll(/\n|[。！？；]|[.!?;:…]["'”’)\]]*(?=\s)/gu)) end = match.index + match[0].length;
  return end;
}

/** Where the last whole word in `text` ends (before the last space); 0 when there is none. */
function lastWordEnd(text: string): number {
  const space = text.search(/\s\S*$/u);
  return space > 0 ? space : 0;
}

/**
 * Markdown as it would be read aloud: no heading hashes, emphasis stars, backticks, table
 * pipes or link targets. Light on purpose: this runs on fragments of a stream, and a
 * stray mark read out is better than a lost word.
 */
export function speakable(markdown: string): string {
  return markdown
    .replace(/^\s*(`{3,}|~{3,}).*$/gmu, ' ') // code fence lines
    .replace(/^\s*\|?[\s:|-]*-[\s:|-]*\|?\s*$/gmu, ' ') // table separator rows
    .replace(/!?\[([^\]\n]*)\]\([^)\n]*\)/gu, '$1') // links and images: their words
    .replace(/^\s{0,3}(#{1,6}|>+|[-*+]|\d+[.)])\s+/gmu, '') // heading, quote and list marks
    .replace(/[*_~`|]+/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
}

/**
 * One step: given the latest answer and the time, what to announce now, if anything.
 * A new answer resets the count; an answer first seen already finished (a restored
 * conversation) is never read out.
 */
export function announcerStep(
  state: AnnouncerState,
  answer: WatchedAnswer | null,
  now: number,
  timing: AnnouncerTiming = ANNOUNCER_TIMING,
): AnnouncerStep {
  if (!answer) return { state, announcement: null, recheckInMs: null };
  let current = state;
  if (answer.requestId !== state.requestId) {
    const live = isLiveStatus(answer.status);
    // Text already there when first seen (a re-attached answer) is not read from the start.
    current = { requestId: answer.requestId, announced: answer.text.length, lastAt: now, ended: !live };
    if (!live) return { state: current, announcement: null, recheckInMs: null };
  }
  if (current.ended) return { state: current, announcement: null, recheckInMs: null };
  // A retry can restart the text: what was announced is no longer a prefix.
  if (answer.text.length < current.announced) current = { ...current, announced: 0 };

  const pending = answer.text.slice(current.announced);
  if (!isLiveStatus(answer.status)) {
    return {
      state: { ...current, announced: answer.text.length, lastAt: now, ended: true },
      announcement: { text: speakable(pending), end: answer.status },
      recheckInMs: null,
    };
  }

  const waited = now - current.lastAt;
  if (speakable(pending) === '') return { state: current, announcement: null, recheckInMs: null };
  if (waited < timing.minIntervalMs) return { state: current, announcement: null, recheckInMs: timing.minIntervalMs - waited };
  let cut = lastSentenceEnd(pending);
  if (cut === 0 && waited >= timing.maxWaitMs) cut = lastWordEnd(pending) || pending.length;
  if (cut === 0) return { state: current, announcement: null, recheckInMs: timing.maxWaitMs - waited };
  const text = speakable(pending.slice(0, cut));
  // Only marks were cut off (a code fence line): skipped, and the clock keeps running.
  const next = { ...current, announced: current.announced + cut, lastAt: text === '' ? current.lastAt : now };
  const rest = pending.slice(cut);
  return {
    state: next,
    announcement: text === '' ? null : { text },
    // What is left waits for the next sentence end, or for the longest wait.
    recheckInMs: speakable(rest) === '' ? null : timing.minIntervalMs,
  };
}
