import type { ComponentChildren } from 'preact';
import { useRef } from 'preact/hooks';
import { t } from '../i18n/index.ts';
import { latestAnswer } from '../latest-answer.ts';
import type { Turn } from '../state.ts';
import { useFollowStream } from '../use-follow-stream.ts';
import { JumpToLatest } from './JumpToLatest.tsx';

/**
 * The scrolling conversation area: follows a streaming answer (use-follow-stream.ts) and
 * offers "Jump to latest" when the user has scrolled away from it. Focusable, so keyboard
 * users can scroll it with the arrow keys even when no answer has a link or button.
 */
export function ConversationScroll(props: { turns: readonly Turn[]; children: ComponentChildren }) {
  const scroller = useRef<HTMLElement>(null);
  const content = useRef<HTMLDivElement>(null);
  const { showJump, jumpToLatest } = useFollowStream(scroller, content, latestAnswer(props.turns)?.requestId);
  return (
    <main class="conversation-scroll" ref={scroller} tabIndex={0} aria-label={t('a11y_conversation')} data-testid="conversation-scroll">
      <div class="conversation-content" ref={content}>
        {props.children}
      </div>
      {showJump && <JumpToLatest onJump={jumpToLatest} onFocusAfterJump={() => scroller.current?.focus({ preventScroll: true })} />}
    </main>
  );
}
