/**
 * The stream timeline as the details view lists it: runs of the same event type grouped
 * (a thousand `content_block_delta`s are one row until opened), after the type filter and
 * the search. Pure.
 */
import type { StreamDetails } from '../../messaging/protocol.ts';

export type TimelineEvent = StreamDetails['events'][number] & { index: number };

export interface EventRun {
  /** The event type ("message" when the stream named none, as the SSE spec says). */
  type: string;
  events: TimelineEvent[];
}

export const typeOf = (event: { event: string }): string => event.event || 'message';

/** The event types in order of first appearance, for the filter. */
export function eventTypes(events: readonly { event: string }[]): string[] {
  return [...new Set(events.map(typeOf))];
}

export function filterEvents(events: StreamDetails['events'], type: string, query: string): TimelineEvent[] {
  const needle = query.trim().toLowerCase();
  const out: TimelineEvent[] = [];
  events.forEach((event, index) => {
    if (type !== '' && typeOf(event) !== type) return;
    if (needle !== '' && !event.data.toLowerCase().includes(needle) && !typeOf(event).toLowerCase().includes(needle)) return;
    out.push({ ...event, index });
  });
  return out;
}

export function groupRuns(events: readonly TimelineEvent[]): EventRun[] {
  const runs: EventRun[] = [];
  for (const event of events) {
    const last = runs.at(-1);
    if (last && last.type === typeOf(event)) last.events.push(event);
    else runs.push({ type: typeOf(event), events: [event] });
  }
  return runs;
}

/** The payload as indented JSON when it is JSON, else as it came. */
export function prettyPayload(data: string): string {
  try {
    return JSON.stringify(JSON.parse(data), null, 2);
  } catch {
    return data;
  }
}

/** UTF-8 bytes of a string, without allocating them. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
