import { describe, expect, it } from 'vitest';
import { dayLabel, groupByDay } from '../../../src/panel/history/group-by-day.ts';
import type { ConversationSummary } from '../../../src/storage/history/schema.ts';

const labels = { pinned: 'Pinned', today: 'Today', yesterday: 'Yesterday' };
const row = (id: string, updatedAt: number, pinned: 0 | 1 = 0): ConversationSummary => ({
  id,
  title: id,
  createdAt: updatedAt,
  updatedAt,
  pinned,
  preview: '',
  turnCount: 2,
});

// 2026-12-03 10:00 in Paris.
const now = Date.UTC(2026, 11, 3, 9, 0);
const hour = 3_600_000;

describe('groupByDay', () => {
  it('pinned first, then today, yesterday and older days by date, newest first', () => {
    const rows = [
      row('old', Date.UTC(2025, 5, 1, 12)),
      row('pin', Date.UTC(2026, 0, 1), 1),
      row('today', now - hour),
      row('yest', now - 20 * hour),
      row('week', now - 5 * 24 * hour),
    ];
    const sections = groupByDay(rows, now, 'en', labels, 'Europe/Paris');
    expect(sections.map((s) => [s.label, s.rows.map((r) => r.id)])).toEqual([
      ['Pinned', ['pin']],
      ['Today', ['today']],
      ['Yesterday', ['yest']],
      ['Sat, November 28', ['week']],
      ['Sun, June 1, 2025', ['old']],
    ]);
  });

  it('the day is the user’s: just after midnight in Tokyo is already tomorrow', () => {
    const late = Date.UTC(2026, 11, 2, 15, 30); // 00:30 on 3 December in Tokyo, 16:30 on 2 December in Paris
    expect(groupByDay([row('a', late)], now, 'en', labels, 'Asia/Tokyo')[0]!.label).toBe('Today');
    expect(groupByDay([row('a', late)], now, 'en', labels, 'Europe/Paris')[0]!.label).toBe('Yesterday');
  });

  it('yesterday is the calendar day before, across a clock change', () => {
    // 30 March 2026, 00:30 in Paris: the day before had 23 hours; 29 March is yesterday, 28 March is not.
    const after = Date.UTC(2026, 2, 29, 22, 30);
    const sections = groupByDay(
      [row('a', Date.UTC(2026, 2, 28, 23, 30)), row('b', Date.UTC(2026, 2, 28, 12))],
      after,
      'en',
      labels,
      'Europe/Paris',
    );
    expect(sections.map((s) => s.label)).toEqual(['Yesterday', 'Sat, March 28']);
  });

  it('older days are written in the user’s language', () => {
    expect(dayLabel(Date.UTC(2026, 10, 28, 12), now, 'zh-CN', 'Europe/Paris')).toBe('11月28日周六');
  });
});
