/**
 * Whether the conversation keeps the newest text in view: the pure rules behind
 * use-follow-stream.ts. The view follows a streaming answer until the user scrolls up, and
 * follows again once they are back at the bottom (by hand or with "Jump to latest").
 */

export interface ScrollMetrics {
  scrollTop: number;
  scrollHeight: number;
  clientHeight: number;
}

/**
 * How close to the end counts as "at the bottom": sub-pixel scroll positions, zoom and a
 * last line that is still being laid out must not read as "the user scrolled away".
 */
export const AT_BOTTOM_THRESHOLD_PX = 24;

export function distanceFromBottom(metrics: ScrollMetrics): number {
  return Math.max(0, metrics.scrollHeight - metrics.clientHeight - metrics.scrollTop);
}

export function isAtBottom(metrics: ScrollMetrics, threshold = AT_BOTTOM_THRESHOLD_PX): boolean {
  return distanceFromBottom(metrics) <= threshold;
}

export interface FollowState {
  /** The view scrolls itself to the end as the answer grows. */
  following: boolean;
  /** Where the view was at the last scroll event seen, to tell up from down. */
  lastScrollTop: number;
  /**
   * The user asked to go up (wheel, keys) and the scroll it starts has not been seen yet
   * (Firefox reports a wheel scroll later): being at the bottom meanwhile does not mean
   * "follow again", or text arriving would pull the view back down under their hand.
   */
  upPending?: boolean;
}

export const initialFollowState: FollowState = { following: true, lastScrollTop: 0 };

/**
 * After a scroll event, or a check as the content grows. Content growth never moves
 * scrollTop, and our own scrolls only go down, so a move up is the user's (wheel, keys,
 * scrollbar, a selection drag): stop following, even while still near the bottom (a smooth
 * wheel scroll starts with a few pixels). Otherwise, being at the bottom, however it got
 * there, means following again, unless an asked-for move up is still on its way. A move
 * down that stops short (a smooth scroll under way) changes nothing.
 */
export function afterScroll(state: FollowState, metrics: ScrollMetrics): FollowState {
  const movedUp = metrics.scrollTop < state.lastScrollTop - 1;
  const movedDown = metrics.scrollTop > state.lastScrollTop + 1;
  const upPending = !movedUp && !movedDown && state.upPending === true;
  const following = movedUp ? false : isAtBottom(metrics) && !upPending ? true : state.following;
  if (following === state.following && metrics.scrollTop === state.lastScrollTop && upPending === (state.upPending === true))
    return state;
  return upPending ? { following, lastScrollTop: metrics.scrollTop, upPending } : { following, lastScrollTop: metrics.scrollTop };
}

/**
 * The user asked to go up (a wheel turned up, PageUp, Home, an arrow key): stop following at
 * once, before the scroll it starts is reported, so that text arriving meanwhile cannot pull
 * the view back down under their hand.
 */
export function userScrollsUp(state: FollowState): FollowState {
  return { ...state, following: false, upPending: true };
}

/** "Jump to latest", or a new question: follow again (the caller scrolls to the end). */
export function resumeFollowing(state: FollowState): FollowState {
  return state.following && !state.upPending ? state : { following: true, lastScrollTop: state.lastScrollTop };
}

export interface UserActivity {
  /** A mouse button, finger or pen is down in the conversation (maybe starting a selection). */
  pointerDown: boolean;
  /** The user has selected text in the conversation (a non-collapsed selection). */
  selecting: boolean;
}

/** Whether to scroll to the end now: only when following and the user is not in the middle of something. */
export function shouldScrollToEnd(state: FollowState, activity: UserActivity): boolean {
  return state.following && !activity.pointerDown && !activity.selecting;
}

/**
 * Whether to offer "Jump to latest": the end is out of view and the view will not bring it
 * by itself (the user scrolled away, or is selecting text while the answer grows).
 */
export function showJumpToLatest(state: FollowState, activity: UserActivity, atBottom: boolean): boolean {
  return !atBottom && !shouldScrollToEnd(state, activity);
}
