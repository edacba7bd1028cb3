import { useEffect, useRef, useState } from 'preact/hooks';
import { announcerStep, initialAnnouncerState, type AnnouncerState, type EndStatus, type WatchedAnswer } from '../announcer.ts';
import { errorText, t } from '../i18n/index.ts';
import { latestAnswer } from '../latest-answer.ts';
import type { AssistantTurn, Turn } from '../state.ts';

/** How many announcements stay in the region (older ones go; removals are not read out). */
const KEPT = 3;

function endWords(status: EndStatus, turn: AssistantTurn): string {
  switch (status) {
    case 'complete':
      return t('a11y_answer_complete');
    case 'stopped':
      return t('a11y_answer_stopped');
    case 'truncated':
      return t('a11y_answer_truncated');
    case 'interrupted':
      return t('a11y_answer_interrupted');
    case 'failed':
      return turn.error ? t('a11y_answer_failed_because', { reason: errorText(turn.error) }) : t('a11y_answer_failed');
  }
}

/**
 * A visually hidden live region that reads the streaming answer politely, a few sentences
 * at a time (announcer.ts decides when), and says how it ended. The conversation itself
 * is not a live region: it would be read token by token.
 */
export function LiveAnnouncer(props: { turns: readonly Turn[] }) {
  const turn = latestAnswer(props.turns);
  const state = useRef<AnnouncerState>(initialAnnouncerState);
  const [said, setSaid] = useState<{ id: number; text: string }[]>([]);
  const count = useRef(0);
  const [tick, setTick] = useState(0);

  const requestId = turn?.requestId;
  const text = turn?.text;
  const status = turn?.status;
  useEffect(() => {
    const answer: WatchedAnswer | null = turn ? { requestId: turn.requestId, text: turn.text, status: turn.status } : null;
    const step = announcerStep(state.current, answer, Date.now());
    state.current = step.state;
    const announcement = step.announcement;
    if (announcement && turn) {
      const words = [announcement.text, announcement.end ? endWords(announcement.end, turn) : ''].filter(Boolean).join(' ');
      if (words) setSaid((before) => [...before.slice(1 - KEPT), { id: ++count.current, text: words }]);
    }
    if (step.recheckInMs === null) return;
    // Text is waiting for its turn: look again then, even if no more arrives.
    const timer = setTimeout(() => setTick((n) => n + 1), step.recheckInMs);
    return () => clearTimeout(timer);
    // `turn` is read for exactly these values (its identity changes on every render).
  }, [requestId, text, status, tick]);

  return (
    <div class="visually-hidden" role="log" aria-live="polite" data-testid="live-announcer">
      {said.map((item) => (
        <p key={item.id} data-testid="announcement">
          {item.text}
        </p>
      ))}
    </div>
  );
}
