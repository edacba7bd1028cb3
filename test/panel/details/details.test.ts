import { describe, expect, it } from 'vitest';
import { sentRequest } from '../../../src/background/answers/sent-request.ts';
import { curlCommand } from '../../../src/panel/details/curl.ts';
import { sparklinePoints } from '../../../src/panel/details/sparkline.ts';
import { eventTypes, filterEvents, groupRuns, prettyPayload, utf8Length } from '../../../src/panel/details/timeline.ts';

const events = [
  { atMs: 1, event: 'message_start', data: '{"a":1}', id: '' },
  { atMs: 2, event: 'content_block_delta', data: '{"text":"Hel"}', id: '' },
  { atMs: 3, event: 'content_block_delta', data: '{"text":"lo"}', id: '' },
  { atMs: 4, event: 'ping', data: '{}', id: '' },
  { atMs: 5, event: 'content_block_delta', data: '{"text":" fox"}', id: '' },
  { atMs: 6, event: '', data: '[DONE]', id: '' },
];

describe('the stream timeline', () => {
  it('groups runs of the same type, in order', () => {
    const runs = groupRuns(filterEvents(events, '', ''));
    expect(runs.map((run) => [run.type, run.events.length])).toEqual([
      ['message_start', 1],
      ['content_block_delta', 2],
      ['ping', 1],
      ['content_block_delta', 1],
      ['message', 1],
    ]);
  });

  it('filters by type and searches payloads, keeping each event’s index', () => {
    expect(eventTypes(events)).toEqual(['message_start', 'content_block_delta', 'ping', 'message']);
    expect(filterEvents(events, 'content_block_delta', '').map((event) => event.index)).toEqual([1, 2, 4]);
    expect(filterEvents(events, '', 'FOX').map((event) => event.index)).toEqual([4]);
    // Consecutive after filtering: one run.
    expect(groupRuns(filterEvents(events, 'content_block_delta', ''))).toHaveLength(1);
  });

  it('pretty-prints JSON payloads and leaves others as they came; counts UTF-8 bytes', () => {
    expect(prettyPayload('{"a":[1]}')).toBe('{\n  "a": [\n    1\n  ]\n}');
    expect(prettyPayload('[DONE]')).toBe('[DONE]');
    expect(utf8Length('aé中😀')).toBe(1 + 2 + 3 + 4);
  });

  it('draws gaps as points scaled to the box', () => {
    expect(sparklinePoints([], 100, 10)).toBe('');
    expect(sparklinePoints([0, 10, 5], 100, 10)).toBe('0.0,10.0 50.0,0.0 100.0,5.0');
  });
});

describe('the request as sent, and Copy as cURL', () => {
  const key = "sk-ant-$&'x";
  const request = sentRequest(
    {
      url: `https://api.example.test/v1/messages?key=${key}`,
      method: 'POST',
      headers: { 'x-api-key': key, authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: `{"q":"it's","k":"${key}"}`,
    },
    key,
  );

  it('masks the key everywhere, literally', () => {
    expect(JSON.stringify(request)).not.toContain('sk-ant');
    expect(request.headers).toContainEqual(['x-api-key', '$ASIDE_API_KEY']);
    expect(request.headers).toContainEqual(['authorization', 'Bearer $ASIDE_API_KEY']);
    expect(request.url).toBe('https://api.example.test/v1/messages?key=$ASIDE_API_KEY');
  });

  it('quotes everything for the shell and leaves the key to the shell', () => {
    const curl = curlCommand(request);
    expect(curl).toContain(`-H 'x-api-key: '"$ASIDE_API_KEY"`);
    expect(curl).toContain(`-H 'authorization: Bearer '"$ASIDE_API_KEY"`);
    expect(curl).toContain(`--data-raw '{"q":"it'\\''s","k":"'"$ASIDE_API_KEY"'"}'`);
    expect(curl.startsWith(`curl -N -X 'POST' 'https://api.example.test/v1/messages?key='"$ASIDE_API_KEY"`)).toBe(true);
  });
});
