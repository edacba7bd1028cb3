/**
 * Keeps a streaming answer's newest text in view, unless the user is reading something
 * else: the browser side of follow-stream.ts (the rules themselves are there).
 *
 * Growth is watched with a ResizeObserver on the content, not on Preact renders: the
 * markdown renderer writes its DOM at animation frames, outside Preact. A ResizeObserver
 * reports once per frame, after layout and before paint, so the view is moved in the same
 * frame the text grew and the user never sees a half-scrolled frame.
 */
import type { RefObject } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import {
  afterScroll,
  initialFollowState,
  userScrollsUp,
  isAtBottom,
  resumeFollowing,
  shouldScrollToEnd,
  showJumpToLatest,
  type FollowState,
  type UserActivity,
} from './follow-stream.ts';

/** Keys that scroll the conversation up when it has focus. */
const SCROLL_UP_KEYS: ReadonlySet<string> = new Set(['ArrowUp', 'PageUp', 'Home']);

function prefersReducedMotion(view: Window): boolean {
  try {
    return view.matchMedia('(prefers-reduced-motion: reduce)').matches;
  } catch {
    return false;
  }
}

/** A non-collapsed selection that touches the conversation. */
function selectingIn(scroller: HTMLElement): boolean {
  const selection = scroller.ownerDocument.getSelection();
  if (!selection || selection.isCollapsed || selection.rangeCount === 0) return false;
  const inside = (node: Node | null) => node !== null && scroller.contains(node);
  return inside(selection.anchorNode) || inside(selection.focusNode) || selection.getRangeAt(0).intersectsNode(scroller);
}

export interface FollowStream {
  /** The end is out of view and will not come back by itself. */
  showJump: boolean;
  /** Scroll to the end (smoothly, unless the user asked for reduced motion) and follow again. */
  jumpToLatest(): void;
}

/**
 * @param scroller the scrolling element (the conversation)
 * @param content the element inside it whose size changes as answers grow
 * @param latestAnswerId changes when a question is sent (or an answer retried): scroll to it
 */
export function useFollowStream(
  scroller: RefObject<HTMLElement | null>,
  content: RefObject<HTMLElement | null>,
  latestAnswerId: string | undefined,
): FollowStream {
  const follow = useRef<FollowState>(initialFollowState);
  const activity = useRef<UserActivity>({ pointerDown: false, selecting: false });
  const [showJump, setShowJump] = useState(false);

  const refreshJump = useCallback(() => {
    const element = scroller.current;
    if (!element) return;
    setShowJump(showJumpToLatest(follow.current, activity.current, isAtBottom(element)));
  }, [scroller]);

  const scrollToEnd = useCallback(
    (behavior: ScrollBehavior) => {
      const element = scroller.current;
      if (!element) return;
      const top = element.scrollHeight - element.clientHeight;
      if (behavior === 'smooth') element.scrollTo({ top, behavior });
      else element.scrollTop = top;
      // An instant scroll is where it goes at once; a smooth one is counted by its scroll events.
      if (behavior !== 'smooth') follow.current = { ...follow.current, lastScrollTop: element.scrollTop };
    },
    [scroller],
  );

  /** Scroll to the end if the rules allow it now; then show or hide the button. */
  const keepUp = useCallback(() => {
    const element = scroller.current;
    if (!element) return;
    activity.current = { ...activity.current, selecting: selectingIn(element) };
    // The user may have scrolled since the last scroll event (Firefox scrolls the wheel off
    // the main thread and reports it later): judge where the view is now before moving it.
    follow.current = afterScroll(follow.current, element);
    // Following a stream is instant: a smooth scroll restarted every frame lags behind the text.
    if (shouldScrollToEnd(follow.current, activity.current) && !isAtBottom(element, 0)) scrollToEnd('auto');
    refreshJump();
  }, [scroller, scrollToEnd, refreshJump]);

  const jumpToLatest = useCallback(() => {
    const view = scroller.current?.ownerDocument.defaultView;
    follow.current = resumeFollowing(follow.current);
    scrollToEnd(view && !prefersReducedMotion(view) ? 'smooth' : 'auto');
    setShowJump(false);
  }, [scroller, scrollToEnd]);

  useEffect(() => {
    const element = scroller.current;
    const grown = content.current;
    const view = element?.ownerDocument.defaultView;
    if (!element || !grown || !view) return;
    const onScroll = () => {
      follow.current = afterScroll(follow.current, element);
      refreshJump();
    };
    const onWheel = (event: WheelEvent) => {
      if (event.deltaY < 0) follow.current = userScrollsUp(follow.current);
    };
    const onKeyDown = (event: KeyboardEvent) => {
      if (SCROLL_UP_KEYS.has(event.key)) follow.current = userScrollsUp(follow.current);
    };
    const onPointerDown = () => {
      activity.current = { ...activity.current, pointerDown: true };
    };
    const onPointerUp = () => {
      if (!activity.current.pointerDown) return;
      activity.current = { ...activity.current, pointerDown: false };
      // Catch up with what arrived while the button was down (unless text got selected).
      keepUp();
    };
    const onSelectionChange = () => {
      const selecting = selectingIn(element);
      if (selecting === activity.current.selecting) return;
      activity.current = { ...activity.current, selecting };
      if (!selecting && !activity.current.pointerDown) keepUp();
      else refreshJump();
    };
    element.addEventListener('scroll', onScroll, { passive: true });
    element.addEventListener('wheel', onWheel, { passive: true });
    element.addEventListener('keydown', onKeyDown);
    element.addEventListener('pointerdown', onPointerDown);
    view.addEventListener('pointerup', onPointerUp);
    view.addEventListener('pointercancel', onPointerUp);
    element.ownerDocument.addEventListener('selectionchange', onSelectionChange);
    const observer = typeof view.ResizeObserver === 'function' ? new view.ResizeObserver(keepUp) : null;
    observer?.observe(grown);
    // The panel itself resized (a taller window can bring the end into view).
    observer?.observe(element);
    return () => {
      element.removeEventListener('scroll', onScroll);
      element.removeEventListener('wheel', onWheel);
      element.removeEventListener('keydown', onKeyDown);
      element.removeEventListener('pointerdown', onPointerDown);
      view.removeEventListener('pointerup', onPointerUp);
      view.removeEventListener('pointercancel', onPointerUp);
      element.ownerDocument.removeEventListener('selectionchange', onSelectionChange);
      observer?.disconnect();
    };
  }, [scroller, content, keepUp, refreshJump]);

  // A new question (and the panel opening on a saved conversation): its answer is what the
  // user wants to see, wherever they had scrolled to.
  useEffect(() => {
    follow.current = resumeFollowing(follow.current);
    scrollToEnd('auto');
    refreshJump();
  }, [latestAnswerId, scrollToEnd, refreshJump]);

  return { showJump, jumpToLatest };
}
