/**
 * The settings form's "Try an event": what the user pasted, as the events the stream would
 * give. Text with an SSE field line (`data:`, `event:`) is part of a stream, read by the same
 * parser as the real body (a missing final blank line is added); anything else is one
 * event's data as it is (a JSON object, or a plain data line). Pure.
 */
import { createSseParser, type SseEvent } from '../../sse/index.ts';

const FIELD_LINE = /^(data|event)(:|$)/m;

export function sampleEvents(sample: string): Pick<SseEvent, 'event' | 'data'>[] {
  if (sample.trim() === '') return [];
  if (!FIELD_LINE.test(sample)) return [{ event: 'message', data: sample }];
  const events: Pick<SseEvent, 'event' | 'data'>[] = [];
  const parser = createSseParser({ onEvent: (event) => events.push({ event: event.event, data: event.data }) });
  parser.feed(`${sample}\n\n`); // blank lines end the last event; extra ones are harmless
  parser.end();
  return events;
}
