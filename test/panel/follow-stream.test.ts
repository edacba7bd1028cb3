/** The rules for following a streaming answer, and for offering "Jump to latest". */
import { describe, expect, it } from 'vitest';
import {
  afterScroll,
  distanceFromBottom,
  initialFollowState,
  isAtBottom,
  resumeFollowing,
  shouldScrollToEnd,
  showJumpToLatest,
  userScrollsUp,
  type FollowState,
} from '../../src/panel/follow-stream.ts';

/** A 500 px tall view over 2,000 px of conversation, scrolled to `scrollTop`. */
const at = (scrollTop: number, scrollHeight = 2_000) => ({ scrollTop, scrollHeight, clientHeight: 500 });
const idle = { pointerDown: false, selecting: false };

describe('at the bottom', () => {
  it('allows a small gap (sub-pixel positions, zoom)', () => {
    expect(distanceFromBottom(at(1_500))).toBe(0);
    expect(isAtBottom(at(1_500))).toBe(true);
    expect(isAtBottom(at(1_480))).toBe(true);
    expect(isAtBottom(at(1_400))).toBe(false);
    expect(isAtBottom(at(1_499.5), 0)).toBe(false);
    expect(isAtBottom({ scrollTop: 0, scrollHeight: 300, clientHeight: 500 })).toBe(true);
  });
});

describe('following', () => {
  const following: FollowState = { following: true, lastScrollTop: 1_500 };

  it('stops when the user scrolls up, and resumes once they are back at the bottom', () => {
    const up = afterScroll(following, at(1_200));
    expect(up.following).toBe(false);
    const stillAway = afterScroll(up, at(1_300, 2_400));
    expect(stillAway.following).toBe(false);
    expect(afterScroll(stillAway, at(1_900, 2_400)).following).toBe(true);
  });

  it('a move up stops following even while still near the bottom (a smooth wheel scroll starts small)', () => {
    const nudged = afterScroll(following, at(1_490));
    expect(isAtBottom(at(1_490))).toBe(true);
    expect(nudged.following).toBe(false);
    // Back at the bottom without moving up: following again.
    expect(afterScroll(nudged, at(1_500)).following).toBe(true);
  });

  it('a wheel turned up or a scroll-up key stops following at once, before any scroll event', () => {
    expect(userScrollsUp(following)).toEqual({ following: false, lastScrollTop: 1_500, upPending: true });
  });

  it('text arriving between a wheel turned up and its scroll does not pull the view back (Firefox scrolls later)', () => {
    const asked = userScrollsUp(following);
    // The answer grew; the view is still at the bottom, the wheel's scroll not reported yet.
    const grown = afterScroll(asked, at(1_500, 2_010));
    expect(isAtBottom(at(1_500, 2_010))).toBe(true);
    expect(grown.following).toBe(false);
    expect(shouldScrollToEnd(grown, { pointerDown: false, selecting: false })).toBe(false);
    // Then the scroll arrives: away, and Jump to latest is offered.
    const away = afterScroll(grown, at(900, 2_010));
    expect(away).toEqual({ following: false, lastScrollTop: 900 });
    // Back down to the bottom by hand: following again.
    expect(afterScroll(away, at(1_510, 2_010)).following).toBe(true);
    // Jump to latest clears a move up that never came.
    expect(resumeFollowing(asked)).toEqual({ following: true, lastScrollTop: 1_500 });
  });

  it('keeps following when the answer grows below the view (the view did not move up)', () => {
    // Text arrived: scrollHeight grew, scrollTop is where our last scroll left it.
    expect(afterScroll(following, at(1_500, 2_300)).following).toBe(true);
  });

  it('keeps following during a smooth scroll down that has not arrived yet', () => {
    const away = { following: true, lastScrollTop: 200 };
    expect(afterScroll(away, at(600)).following).toBe(true);
  });

  it('a scroll down that stops short does not resume following by itself', () => {
    const away = { following: false, lastScrollTop: 200 };
    expect(afterScroll(away, at(600)).following).toBe(false);
  });

  it('"Jump to latest" and a new question follow again', () => {
    expect(resumeFollowing({ following: false, lastScrollTop: 10 })).toEqual({ following: true, lastScrollTop: 10 });
    expect(resumeFollowing(initialFollowState)).toBe(initialFollowState);
  });
});

describe('scrolling to the end, and the button', () => {
  const following: FollowState = { following: true, lastScrollTop: 0 };
  const away: FollowState = { following: false, lastScrollTop: 0 };

  it('scrolls only while following and while the user is not pressing or selecting', () => {
    expect(shouldScrollToEnd(following, idle)).toBe(true);
    expect(shouldScrollToEnd(away, idle)).toBe(false);
    expect(shouldScrollToEnd(following, { pointerDown: true, selecting: false })).toBe(false);
    expect(shouldScrollToEnd(following, { pointerDown: false, selecting: true })).toBe(false);
  });

  it('offers "Jump to latest" when the end is out of view and will not come by itself', () => {
    expect(showJumpToLatest(away, idle, false)).toBe(true);
    expect(showJumpToLatest(away, idle, true)).toBe(false);
    expect(showJumpToLatest(following, idle, false)).toBe(false);
    expect(showJumpToLatest(following, { pointerDown: false, selecting: true }, false)).toBe(true);
  });
});
