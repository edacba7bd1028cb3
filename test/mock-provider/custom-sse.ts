/**
 * The mock's custom SSE server (`POST /custom/stream?shape=…`): the same scenarios streamed
 * in shapes no built-in dialect has, for the Custom SSE endpoint's data modes:
 *
 * - `jsonpath` (default): JSON events with the text under a key that has a dot in it, which
 *   only JSONPath can name: `$.result['my.text']` (also `$["result"]["my.text"]`), plus a
 *   `seq` and a `meta` object; then `data: [DONE]`.
 * - `plain`: each text delta as the data line itself (a delta with line breaks as several
 *   `data:` lines, which the client joins with "\n"); then `data: [DONE]`.
 * - `tagged`: `data: 0001|Hel` lines (a regular expression such as `^\d+\|(?<text>.*)$`
 *   takes the text), with a `data: ping` line between deltas that carries none; then `data: [DONE]`.
 */
import { scenarioText, type PlannedEvent, type RequestInfo, type Scenario } from './scenario.ts';

export const CUSTOM_SSE_PATH = '/custom/stream';
export const CUSTOM_SHAPES = ['jsonpath', 'plain', 'tagged'] as const;
export type CustomShape = (typeof CUSTOM_SHAPES)[number];

/** The shape a request asked for in its query (`?shape=plain`); unknown or none: jsonpath. */
export function customShapeOf(url: string): CustomShape {
  const shape = new URL(url, 'http://127.0.0.1').searchParams.get('shape');
  return (CUSTOM_SHAPES as readonly (string | null)[]).includes(shape) ? (shape as CustomShape) : 'jsonpath';
}

/** The SSE lines of one data payload (a line break starts another `data:` line). */
const dataLines = (payload: string) =>
  `${payload
    .split('\n')
    .map((line) => `data: ${line}`)
    .join('\n')}\n\n`;

export function customStreamEvents(scenario: Scenario, info: RequestInfo, shape: CustomShape): PlannedEvent[] {
  const text = scenarioText(scenario, info.lastUserText);
  const events: PlannedEvent[] = [];
  text.forEach((delta, i) => {
    if (shape === 'jsonpath') {
      const payload = { seq: i, result: { 'my.text': delta, text: '(not this one)' }, meta: { model: scenario.model ?? info.model } };
      events.push({ text: `data: ${JSON.stringify(payload)}\n\n`, kind: 'delta' });
    } else if (shape === 'plain') {
      events.push({ text: dataLines(delta), kind: 'delta' });
    } else {
      if (i > 0) events.push({ text: 'data: ping\n\n', kind: 'meta' });
      events.push({ text: `data: ${String(i + 1).padStart(4, '0')}|${delta}\n\n`, kind: 'delta' });
    }
  });
  events.push({ text: 'data: [DONE]\n\n', kind: 'end' });
  return events;
}
