/**
 * The history list in sections: pinned conversations first, then one section per day (of
 * the last update, in the user's time zone), newest first. Days are named in the user's
 * language: "Today" and "Yesterday" from the catalog, older ones by Intl.
 */
import type { ConversationSummary } from '../../storage/history/schema.ts';

export interface DaySection {
  /** 'pinned', or the day as YYYY-MM-DD (a stable key). */
  key: string;
  label: string;
  rows: ConversationSummary[];
}

export interface DayLabels {
  pinned: string;
  today: string;
  yesterday: string;
}

/** One formatter per time zone: making one costs far more than formatting (500 rows took ~100 ms). */
const dayKeyFormats = new Map<string, Intl.DateTimeFormat>();

function dayKey(time: number, timeZone?: string): string {
  let format = dayKeyFormats.get(timeZone ?? '');
  if (!format) {
    // en-CA writes dates as YYYY-MM-DD.
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayKeyFormats.set(timeZone ?? '', format);
  }
  return format.format(time);
}

/** The name of a day before yesterday: weekday and date, with the year only when it is not this one. */
export function dayLabel(time: number, now: number, locale: string, timeZone?: string): string {
  const sameYear = dayKey(time, timeZone).slice(0, 4) === dayKey(now, timeZone).slice(0, 4);
  const options: Intl.DateTimeFormatOptions = { timeZone, weekday: 'short', month: 'long', day: 'numeric' };
  if (!sameYear) options.year = 'numeric';
  try {
    return new Intl.DateTimeFormat(locale, options).format(time);
  } catch {
    return new Intl.DateTimeFormat('en', options).format(time);
  }
}

export function groupByDay(
  rows: readonly ConversationSummary[],
  now: number,
  locale: string,
  labels: DayLabels,
  timeZone?: string,
): DaySection[] {
  const today = dayKey(now, timeZone);
  // The calendar day before today's (now less 24 hours is not, across a clock change).
  const [year, month, day] = today.split('-').map(Number) as [number, number, number];
  const yesterday = dayKey(Date.UTC(year, month - 1, day - 1), 'UTC');
  const sections: DaySection[] = [];
  const byKey = new Map<string, DaySection>();
  const add = (key: string, label: () => string, row: ConversationSummary) => {
    let section = byKey.get(key);
    if (!section) {
      section = { key, label: label(), rows: [] };
      byKey.set(key, section);
      sections.push(section);
    }
    section.rows.push(row);
  };
  const pinned = rows.filter((row) => row.pinned === 1);
  const rest = rows.filter((row) => row.pinned !== 1).sort((a, b) => b.updatedAt - a.updatedAt);
  for (const row of pinned) add('pinned', () => labels.pinned, row);
  for (const row of rest) {
    const key = dayKey(row.updatedAt, timeZone);
    add(
      key,
      () => (key === today ? labels.today : key === yesterday ? labels.yesterday : dayLabel(row.updatedAt, now, locale, timeZone)),
      row,
    );
  }
  return sections;
}
