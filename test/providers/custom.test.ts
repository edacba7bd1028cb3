/**
 * Custom SSE endpoints: dot paths, delta and cumulative text, the done marker, the event
 * type filter, the finish rule for formats without a marker, errors; and the request
 * builder's JSON body template.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildCustomRequest,
  CUMULATIVE_REWRITE_ERROR,
  DEFAULT_CUSTOM_BODY_TEMPLATE,
  customProvider,
  fillJsonTemplate,
} from '../../src/providers/custom.ts';
import { PATH_MATCHED_NOTHING, PATTERN_MATCHED_NOTHING } from '../../src/providers/custom-extract.ts';
import { getPath, parseDotPath as parsePath } from '../../src/providers/json-path.ts';
import { MAX_REGEX_INPUT_CHARS } from '../../src/shared/limits.ts';
import { ProviderSetupError, type ProviderSettings } from '../../src/providers/provider.ts';
import type { CustomEndpoint } from '../../src/shared/custom-endpoint.ts';
import {
  accumulateChat,
  MALFORMED_STREAM_ERROR,
  readChatStream,
  type ChatDelta,
  type StreamFormat,
} from '../../src/providers/index.ts';

const enc = new TextEncoder();

/** The ProviderSetupError `run` throws, as data (code, params, detail), or a failure. */
function setupErrorOf(run: () => unknown): { code: string; params: unknown; detail: unknown } {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderSetupError);
    const e = error as ProviderSetupError;
    return { code: e.code, params: e.params, detail: e.detail };
  }
  throw new Error('expected a ProviderSetupError, nothing was thrown');
}

/** What JSON.parse says about `text` (the detail a template-json error carries). */
function jsonParserMessage(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`${text} is valid JSON`);
}

function bodyOf(text: string, size = 3): ReadableStream<Uint8Array> {
  const bytes = enc.encode(text);
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + size));
      offset += size;
    },
  });
}

const sse = (...items: unknown[]): string =>
  items.map((item) => `data: ${typeof item === 'string' ? item : JSON.stringify(item)}\n\n`).join('');

const typed = (event: string, data: unknown): string => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

type CustomFields = Omit<Extract<StreamFormat, { kind: 'custom' }>, 'kind'>;

async function deltas(fields: CustomFields, text: string): Promise<ChatDelta[]> {
  const out: ChatDelta[] = [];
  for await (const d of readChatStream({ kind: 'custom', ...fields }, bodyOf(text))) out.push(d);
  return out;
}

const result = (fields: CustomFields, text: string) => accumulateChat(readChatStream({ kind: 'custom', ...fields }, bodyOf(text)));

describe('dot paths', () => {
  it('parses dot paths with numeric segments, brackets, and the empty path', () => {
    expect(parsePath('choices.0.delta.content')).toEqual(['choices', 0, 'delta', 'content']);
    expect(parsePath('choices[0].delta')).toEqual(['choices', 0, 'delta']);
    expect(parsePath(' output.text ')).toEqual(['output', 'text']);
    expect(parsePath('')).toEqual([]);
  });

  it('walks objects and arrays, and gives undefined for anything missing', () => {
    const value = { choices: [{ delta: { content: 'hi' } }], '0': 'zero', o: { '1': 'one' } };
    expect(getPath(value, parsePath('choices.0.delta.content'))).toBe('hi');
    expect(getPath(value, parsePath('0'))).toBe('zero');
    expect(getPath(value, parsePath('o.1'))).toBe('one');
    expect(getPath(value, parsePath('choices.1.delta'))).toBeUndefined();
    expect(getPath(value, parsePath('choices.x'))).toBeUndefined();
    expect(getPath(value, parsePath('choices.0.delta.content.length'))).toBeUndefined();
    expect(getPath(value, parsePath('constructor'))).toBeUndefined();
    expect(getPath('whole', [])).toBe('whole');
  });
});

describe('custom stream: delta text', () => {
  it('reads {"delta": ...} events up to [DONE]', async () => {
    expect(await deltas({ textPath: 'delta' }, sse({ delta: 'Hel' }, { delta: 'lo' }, '[DONE]', { delta: 'after' }))).toEqual([
      { type: 'text', text: 'Hel' },
      { type: 'text', text: 'lo' },
      { type: 'done' },
    ]);
  });

  it('reads a deep path into arrays and skips events where the path is missing or not a string', async () => {
    const out = await deltas(
      { textPath: 'choices.0.delta.content' },
      sse(
        { choices: [{ delta: { content: 'a' } }] },
        { choices: [] },
        { choices: [{ delta: { content: null } }] },
        { choices: [{ delta: { content: 7 } }] },
        { other: true },
        { choices: [{ delta: { content: 'b' } }] },
      ),
    );
    expect(out).toEqual([
      { type: 'text', text: 'a' },
      { type: 'text', text: 'b' },
    ]);
  });

  it('takes the whole JSON value with an empty path', async () => {
    expect((await result({ textPath: '' }, sse('"to"', '"ken"', '[DONE]'))).text).toBe('token');
  });

  it('reads reasoning from reasoningPath as thinking', async () => {
    expect(await deltas({ textPath: 'text', reasoningPath: 'think' }, sse({ think: 'hmm', text: '' }, { text: 'ok' }))).toEqual([
      { type: 'thinking', text: 'hmm' },
      { type: 'text', text: 'ok' },
    ]);
  });

  it('recognises a custom done marker, with surrounding whitespace, in events of any type', async () => {
    expect(
      await result({ textPath: 't', doneData: 'END' }, `${sse({ t: 'a' })}event: close\ndata:  END \n\n${sse({ t: 'b' })}`),
    ).toMatchObject({ text: 'a', complete: true });
    // With another marker, [DONE] is just malformed data.
    expect((await result({ textPath: 't', doneData: 'END' }, sse({ t: 'a' }, '[DONE]'))).error).toEqual(MALFORMED_STREAM_ERROR);
  });

  it('is incomplete when the body ends without the marker or a finish', async () => {
    expect(await result({ textPath: 'token' }, sse({ token: 'cut' }))).toMatchObject({ text: 'cut', complete: false, error: null });
  });
});

describe('custom stream: event type filter', () => {
  it('reads only events of the given type (unnamed events are "message")', async () => {
    const text =
      typed('result', { t: 'a' }) + typed('progress', { t: 'ignored' }) + sse({ t: 'also ignored' }) + typed('result', { t: 'b' });
    expect((await result({ textPath: 't', eventType: 'result' }, text)).text).toBe('ab');
    expect((await result({ textPath: 't', eventType: 'message' }, text)).text).toBe('also ignored');
    expect((await result({ textPath: 't' }, text)).text).toBe('aignoredalso ignoredb');
  });

  it('does not parse the data of filtered-out events', async () => {
    expect(
      await result({ textPath: 't', eventType: 'result' }, `event: log\ndata: not json\n\n${typed('result', { t: 'x' })}`),
    ).toMatchObject({ text: 'x', error: null });
  });

  it('still reports error events when filtering', async () => {
    const text = typed('result', { t: 'a' }) + typed('error', { code: 'InternalError', message: 'Internal server error!' });
    expect(await result({ textPath: 't', eventType: 'result' }, text)).toMatchObject({
      text: 'a',
      error: { type: 'InternalError', message: 'Internal server error!' },
      complete: false,
    });
  });
});

describe('custom stream: cumulative text', () => {
  const fields: CustomFields = { textPath: 'output.text', textMode: 'cumulative' };
  const ev = (text: string, finish = 'null') => ({ output: { text, finish_reason: finish } });

  it('emits only the new suffix of each event', async () => {
    expect(await deltas(fields, sse(ev('我'), ev('我是'), ev('我是通义 👋'), ev('我是通义 👋', 'stop')))).toEqual([
      { type: 'text', text: '我' },
      { type: 'text', text: '是' },
      { type: 'text', text: '通义 👋' },
      { type: 'stop', reason: 'stop' },
      { type: 'done' },
    ]);
  });

  it('emits nothing for a repeat or a shorter snapshot of what was already shown', async () => {
    expect(await result(fields, sse(ev('abc'), ev('ab'), ev('abc'), ev('abcd')))).toMatchObject({ text: 'abcd', error: null });
  });

  it('stops with an error, keeping what was shown, when the provider rewrites earlier text', async () => {
    const out = await deltas(fields, sse(ev('Hello wor'), ev('Hello, world'), ev('Hello, world!', 'stop')));
    expect(out).toEqual([
      { type: 'text', text: 'Hello wor' },
      { type: 'error', error: CUMULATIVE_REWRITE_ERROR },
    ]);
    expect(await accumulateChat(out)).toMatchObject({ text: 'Hello wor', complete: false, error: CUMULATIVE_REWRITE_ERROR });
  });

  it('applies to reasoning too', async () => {
    const f: CustomFields = { textPath: 'a', reasoningPath: 'r', textMode: 'cumulative' };
    expect(await result(f, sse({ r: 'th' }, { r: 'think', a: 'A' }, { r: 'think', a: 'AB' }))).toMatchObject({
      thinking: 'think',
      text: 'AB',
    });
    expect((await result(f, sse({ r: 'think' }, { r: 'thought' }))).error).toEqual(CUMULATIVE_REWRITE_ERROR);
  });

  it('equals the delta reading of the same text for any way of cutting it (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ unit: 'grapheme' }), { maxLength: 8 }), async (pieces) => {
        let soFar = '';
        const cumulative = pieces.map((p) => ({ text: (soFar += p) }));
        const a = await result({ textPath: 'text', textMode: 'cumulative' }, sse(...cumulative, '[DONE]'));
        const b = await result({ textPath: 'text' }, sse(...pieces.map((text) => ({ text })), '[DONE]'));
        expect(a).toEqual(b);
        expect(a.text).toBe(pieces.join(''));
      }),
      { numRuns: 60 },
    );
  });
});

describe('custom stream: finish without a marker', () => {
  it('is complete when the body ends after a DashScope finish_reason "stop", and not before', async () => {
    const ev = (text: string, finish: string) =>
      `id:1\nevent:result\n:HTTP_STATUS/200\ndata:${JSON.stringify({ output: { finish_reason: finish, text } })}\n\n`;
    const fields: CustomFields = { textPath: 'output.text', eventType: 'result' };
    expect(await result(fields, ev('a', 'null') + ev('b', 'null'))).toMatchObject({ text: 'ab', stopReason: null, complete: false });
    expect(await result(fields, ev('a', 'null') + ev('b', 'stop'))).toMatchObject({ text: 'ab', stopReason: 'stop', complete: true });
    expect(await result(fields, ev('a', 'null') + ev('b', 'length'))).toMatchObject({ stopReason: 'length', complete: true });
  });

  it('finds finish_reason on the root or any object along the text path', async () => {
    expect(
      (await result({ textPath: 'choices.0.delta.content' }, sse({ choices: [{ delta: { content: 'x' }, finish_reason: 'stop' }] })))
        .stopReason,
    ).toBe('stop');
    expect((await result({ textPath: 'token.text' }, sse({ token: { text: 'x' }, finishReason: 'eos' }))).stopReason).toBe('eos');
    expect(await result({ textPath: 'a' }, sse({ a: 'x', other: { finish_reason: 'stop' } }))).toMatchObject({
      stopReason: null,
      complete: false,
    });
  });

  it('waits for the marker when one comes after the finish', async () => {
    const text = sse(
      { choices: [{ delta: { content: 'x' }, finish_reason: 'stop' }] },
      { choices: [], usage: { prompt_tokens: 3, completion_tokens: 1 } },
      '[DONE]',
    );
    expect(await result({ textPath: 'choices.0.delta.content' }, text)).toMatchObject({
      text: 'x',
      stopReason: 'stop',
      usage: { inputTokens: 3, outputTokens: 1 },
      complete: true,
    });
  });
});

describe('custom stream: usage and errors', () => {
  it('reads a root usage object in either naming', async () => {
    expect(
      (
        await result(
          { textPath: 't' },
          sse({ t: 'a', usage: { input_tokens: 5, output_tokens: 1, output_tokens_details: { reasoning_tokens: 1 } } }),
        )
      ).usage,
    ).toEqual({ inputTokens: 5, outputTokens: 1, reasoningTokens: 1 });
    expect((await result({ textPath: 't' }, sse({ t: 'a', usage: { prompt_tokens: 9, completion_tokens: 2 } }))).usage).toEqual({
      inputTokens: 9,
      outputTokens: 2,
    });
    expect((await result({ textPath: 't' }, sse({ t: 'a', usage: { total: 'x' } }))).usage).toEqual({});
  });

  it('reports an {"error": ...} event and stops reading', async () => {
    expect(
      await deltas({ textPath: 't' }, sse({ t: 'a' }, { error: { type: 'overloaded', message: 'busy' } }, { t: 'b' }, '[DONE]')),
    ).toEqual([
      { type: 'text', text: 'a' },
      { type: 'error', error: { type: 'overloaded', message: 'busy' } },
    ]);
    expect(await deltas({ textPath: 't' }, sse({ error: 'quota exceeded' }))).toEqual([
      { type: 'error', error: { type: 'error', message: 'quota exceeded' } },
    ]);
  });

  it('yields one malformed-stream error and stops at data that is not JSON', async () => {
    expect(await deltas({ textPath: 'token' }, sse({ token: 'a' }, 'plain words', { token: 'b' }, '[DONE]'))).toEqual([
      { type: 'text', text: 'a' },
      { type: 'error', error: MALFORMED_STREAM_ERROR },
    ]);
  });
});

/** The same reading, however the body is cut: one byte at a time up to all at once. */
const CHUNK_SIZES = [1, 2, 5, 64, 1 << 20];
async function eachCut(fields: CustomFields, text: string) {
  const results = [];
  for (const size of CHUNK_SIZES) results.push(await accumulateChat(readChatStream({ kind: 'custom', ...fields }, bodyOf(text, size))));
  for (const other of results.slice(1)) expect(other).toEqual(results[0]);
  return results[0]!;
}

describe('custom stream: JSONPath', () => {
  it('reads $.choices[0].delta.content and $["output"]["text"], in any cut', async () => {
    const openai = sse(
      { choices: [{ delta: { role: 'assistant', content: '' } }] },
      { choices: [{ delta: { content: 'Hel' } }] },
      { choices: [{ delta: { content: 'lo 👋' }, finish_reason: 'stop' }] },
      '[DONE]',
    );
    expect(await eachCut({ textPath: '$.choices[0].delta.content' }, openai)).toMatchObject({
      text: 'Hello 👋',
      stopReason: 'stop',
      complete: true,
    });
    const dashscope = sse({ output: { text: 'a' } }, { output: { text: 'b', finish_reason: 'stop' } });
    expect(await eachCut({ textPath: "$['output']['text']" }, dashscope)).toMatchObject({
      text: 'ab',
      stopReason: 'stop',
      complete: true,
    });
  });

  it('reads keys a dot path cannot name, negative indexes, and reasoning by JSONPath', async () => {
    const text = sse({ result: { 'my.text': 'x', parts: ['old', 'new'] }, r: ['think'] }, '[DONE]');
    expect(await eachCut({ textPath: "$.result['my.text']", reasoningPath: '$.r[-1]' }, text)).toMatchObject({
      text: 'x',
      thinking: 'think',
    });
    expect((await eachCut({ textPath: '$.result.parts[-1]' }, text)).text).toBe('new');
  });

  it('refuses a wildcard path before reading anything', () => {
    expect(setupErrorOf(() => readChatStream({ kind: 'custom', textPath: '$.choices[*].text' }, bodyOf('')))).toEqual({
      code: 'custom-path-unsupported',
      params: { field: 'text-path', token: '*', column: 11 },
      detail: undefined,
    });
  });
});

describe('custom stream: plain text data lines', () => {
  const text: CustomFields = { dataMode: 'text', textPath: '' };

  it('takes each data line as the text, as it is, up to [DONE], in any cut', async () => {
    const body = 'data: Hel\n\ndata: lo, {"json": "is text"}\n\ndata:  two spaces\n\ndata: [DONE]\n\ndata: after\n\n';
    expect(await eachCut(text, body)).toMatchObject({ text: 'Hello, {"json": "is text"} two spaces', complete: true, error: null });
  });

  it('keeps several data lines of one event joined by a line break, and CRLF streams', async () => {
    expect((await eachCut(text, 'data: line one\r\ndata: line two\r\n\r\ndata: [DONE]\r\n\r\n')).text).toBe('line one\nline two');
  });

  it('honours a custom end marker and the event type in text mode', async () => {
    const body = 'event: token\ndata: a\n\nevent: ping\ndata: not text\n\nevent: token\ndata: b\n\nevent: close\ndata: END\n\n';
    expect(await eachCut({ ...text, eventType: 'token', doneData: 'END' }, body)).toMatchObject({ text: 'ab', complete: true });
  });

  it('reports an event: error with its data as the message', async () => {
    expect(await deltas(text, 'data: a\n\nevent: error\ndata: model overloaded\n\ndata: b\n\n')).toEqual([
      { type: 'text', text: 'a' },
      { type: 'error', error: { type: 'error', message: 'model overloaded' } },
    ]);
  });

  it('reads cumulative text lines as their new suffix', async () => {
    expect(
      (await eachCut({ ...text, textMode: 'cumulative' }, 'data: I\n\ndata: I am\n\ndata: I am here\n\ndata: [DONE]\n\n')).text,
    ).toBe('I am here');
  });
});

describe('custom stream: a regular expression', () => {
  const regex = (pattern: string, more: CustomFields | object = {}): CustomFields => ({
    dataMode: 'regex',
    textPath: '',
    pattern,
    ...more,
  });

  it('takes capture group 1, or the group named text, in any cut', async () => {
    const body = 'data: 1|Hel\n\ndata: 2|lo\n\ndata: keepalive\n\ndata: 3|!\n\ndata: [DONE]\n\n';
    expect(await eachCut(regex('^\\d+\\|(.*)$'), body)).toMatchObject({ text: 'Hello!', complete: true });
    expect(await eachCut(regex('^(\\d+)\\|(?<text>.*)$'), body)).toMatchObject({ text: 'Hello!', complete: true });
  });

  it('reads text out of JSON-ish or any data, with the event type and end marker', async () => {
    const body =
      'event: delta\ndata: {"t":"a\\"b"}\n\nevent: meta\ndata: {"t":"no"}\n\nevent: delta\ndata: {"t":"c"}\n\ndata: STOP\n\n';
    expect(await eachCut(regex('"t":"((?:[^"\\\\]|\\\\.)*)"', { eventType: 'delta', doneData: 'STOP' }), body)).toMatchObject({
      text: 'a\\"bc',
      complete: true,
    });
  });

  it('searches only the first MAX_REGEX_INPUT_CHARS of an event', async () => {
    const long = `${'x'.repeat(MAX_REGEX_INPUT_CHARS)}TEXT=late`;
    expect(await deltas(regex('TEXT=(.*)'), `data: ${long}\n\ndata: TEXT=early\n\ndata: [DONE]\n\n`)).toEqual([
      { type: 'text', text: 'early' },
      { type: 'done' },
    ]);
  });

  it('refuses a pattern that does not compile or has no capture group', () => {
    expect(setupErrorOf(() => readChatStream({ kind: 'custom', ...regex('(unclosed') }, bodyOf(''))).code).toBe(
      'custom-pattern-invalid',
    );
    expect(setupErrorOf(() => readChatStream({ kind: 'custom', ...regex('no group') }, bodyOf(''))).code).toBe('custom-pattern-group');
    expect(setupErrorOf(() => readChatStream({ kind: 'custom', ...regex('') }, bodyOf(''))).code).toBe('custom-pattern-missing');
  });
});

describe('custom stream: a path or pattern that never matches', () => {
  it('ends with an error naming the path instead of an empty complete answer, keeping reasoning', async () => {
    const out = await eachCut(
      { textPath: '$.choices[0].text', reasoningPath: 'r' },
      sse({ r: 'hmm', choices: [{ delta: 'x' }] }, '[DONE]'),
    );
    expect(out).toMatchObject({
      text: '',
      thinking: 'hmm',
      complete: false,
      error: { type: PATH_MATCHED_NOTHING, message: '$.choices[0].text' },
    });
  });

  it('names the pattern in regex mode; a finish without a marker ends the same way', async () => {
    expect((await eachCut({ dataMode: 'regex', textPath: '', pattern: 'x=(.*)' }, 'data: y=1\n\ndata: [DONE]\n\n')).error).toEqual({
      type: PATTERN_MATCHED_NOTHING,
      message: 'x=(.*)',
    });
    expect((await eachCut({ textPath: 'text' }, sse({ other: 'a', finish_reason: 'stop' }))).error).toEqual({
      type: PATH_MATCHED_NOTHING,
      message: 'text',
    });
  });

  it('is not an error when the path matched an empty string, or when no event came', async () => {
    expect(await eachCut({ textPath: 'text' }, sse({ text: '' }, '[DONE]'))).toMatchObject({ error: null, complete: true });
    expect(await eachCut({ textPath: 'text' }, sse('[DONE]'))).toMatchObject({ error: null, complete: true });
    expect(await eachCut({ textPath: 'text' }, sse({ nope: 1 }, { text: 'late' }, '[DONE]'))).toMatchObject({
      text: 'late',
      error: null,
    });
  });
});

describe('fillJsonTemplate', () => {
  it('puts a bare placeholder as a JSON value and one inside a string as escaped string contents', () => {
    const body = fillJsonTemplate('{"p": {{prompt}}, "s": "Q: {{prompt}} ({{ n }})", "n": {{n}}}', { prompt: 'say "hi"\n\\ ☕', n: 3 });
    expect(JSON.parse(body)).toEqual({ p: 'say "hi"\n\\ ☕', s: 'Q: say "hi"\n\\ ☕ (3)', n: 3 });
  });

  it('writes an array inside a string as its escaped JSON text', () => {
    const messages = [{ role: 'user', content: 'a "b"' }];
    expect(JSON.parse(fillJsonTemplate('{"m": {{messages}}, "raw": "{{messages}}"}', { messages }))).toEqual({
      m: messages,
      raw: JSON.stringify(messages),
    });
  });

  it('leaves unknown placeholders and escaped quotes alone', () => {
    expect(JSON.parse(fillJsonTemplate('{"a": "{{model}} \\"{{prompt}}\\""}', { prompt: 'x' }))).toEqual({ a: '{{model}} "x"' });
  });

  it('throws template-json, with the JSON parser’s words about the filled-in result as detail, when it is not JSON', () => {
    // An unknown placeholder stays as it is, which is not JSON.
    expect(setupErrorOf(() => fillJsonTemplate('{"a": {{model}}}', { prompt: 'x' }))).toEqual({
      code: 'template-json',
      params: undefined,
      detail: jsonParserMessage('{"a": {{model}}}'),
    });
    // The detail is about the filled-in text, not the template.
    expect(setupErrorOf(() => fillJsonTemplate('{"a": {{prompt}}', { prompt: 'x' }))).toEqual({
      code: 'template-json',
      params: undefined,
      detail: jsonParserMessage('{"a": "x"'),
    });
    expect(setupErrorOf(() => fillJsonTemplate('', {}))).toEqual({
      code: 'template-json',
      params: undefined,
      detail: jsonParserMessage(''),
    });
    expect(jsonParserMessage('')).not.toBe('');
  });

  it('round-trips any prompt and conversation, bare or inside strings (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }),
        fc.array(fc.record({ role: fc.constantFrom('user', 'assistant'), content: fc.string({ unit: 'binary' }) })),
        (prompt, messages) => {
          const body = fillJsonTemplate('{"input": "<{{prompt}}>", "p": {{prompt}}, "messages": {{messages}}, "m": "{{messages}}"}', {
            prompt,
            messages,
          });
          expect(JSON.parse(body)).toEqual({ input: `<${prompt}>`, p: prompt, messages, m: JSON.stringify(messages) });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('buildCustomRequest', () => {
  const messages = [
    { role: 'user' as const, content: 'first' },
    { role: 'assistant' as const, content: 'reply' },
    { role: 'user' as const, content: 'Summarise: "x"' },
  ];

  it('fills {{messages}} (system first) and {{prompt}} (the last user message) and keeps the user’s headers', () => {
    const request = buildCustomRequest({
      url: 'https://llm.example.com/v1/stream',
      headers: { Authorization: 'Bearer k', 'X-Trace': '1' },
      bodyTemplate: '{"model": "m", "messages": {{messages}}, "query": "{{prompt}}", "stream": true}',
      messages,
      system: 'Be brief.',
    });
    expect(request.url).toBe('https://llm.example.com/v1/stream');
    expect(request.method).toBe('POST');
    // Redirects, cookies and the cache are refused where it is sent (http.test.ts).
    expect(Object.keys(request).sort()).toEqual(['body', 'headers', 'method', 'url']);
    expect(request.headers).toEqual({
      authorization: 'Bearer k',
      'x-trace': '1',
      accept: 'text/event-stream',
      'content-type': 'application/json',
    });
    expect(JSON.parse(request.body as string)).toEqual({
      model: 'm',
      messages: [{ role: 'system', content: 'Be brief.' }, ...messages],
      query: 'Summarise: "x"',
      stream: true,
    });
  });

  it('lets a template place the system prompt itself with {{system}}', () => {
    const { body } = buildCustomRequest({
      url: 'https://x.test/',
      bodyTemplate: '{"system": {{system}}, "messages": {{messages}}}',
      messages,
      system: 'S',
    });
    expect(JSON.parse(body as string)).toEqual({ system: 'S', messages });
  });

  it('uses an explicit prompt, the default template, and a custom content-type and method', () => {
    const request = buildCustomRequest({
      url: 'http://localhost:8080/gen',
      method: 'put',
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      messages,
      prompt: 'P',
    });
    expect(request.method).toBe('PUT');
    expect(request.headers).toMatchObject({ 'content-type': 'application/json; charset=utf-8' });
    expect(JSON.parse(request.body as string)).toEqual(
      JSON.parse(DEFAULT_CUSTOM_BODY_TEMPLATE.replace('{{messages}}', JSON.stringify(messages))),
    );
    expect(
      JSON.parse(buildCustomRequest({ url: 'https://x.test', bodyTemplate: '{{prompt}}', messages, prompt: 'P' }).body as string),
    ).toBe('P');
    expect(JSON.parse(buildCustomRequest({ url: 'https://x.test', bodyTemplate: '{{prompt}}', messages: [] }).body as string)).toBe('');
  });

  it('sends GET without a body and refuses a GET with a template', () => {
    const get = buildCustomRequest({ url: 'https://x.test/sse?q=1', method: 'GET', messages });
    expect(get).toEqual({ url: 'https://x.test/sse?q=1', method: 'GET', headers: { accept: 'text/event-stream' } });
    expect(get).not.toHaveProperty('body');
    expect(setupErrorOf(() => buildCustomRequest({ url: 'https://x.test', method: 'GET', bodyTemplate: '{}', messages }))).toEqual({
      code: 'get-with-body',
      params: { method: 'GET' },
      detail: undefined,
    });
    expect(
      setupErrorOf(() => buildCustomRequest({ url: 'https://x.test', method: 'head', bodyTemplate: '{}', messages })),
    ).toMatchObject({
      code: 'get-with-body',
      params: { method: 'HEAD' },
    });
  });

  it('refuses a URL that is not http(s) and a template that is not JSON', () => {
    expect(setupErrorOf(() => buildCustomRequest({ url: 'localhost:8080', messages }))).toEqual({
      code: 'url-scheme',
      params: { field: 'endpoint-url' },
      detail: undefined,
    });
    expect(setupErrorOf(() => buildCustomRequest({ url: 'ftp://x.test/', messages })).code).toBe('url-scheme');
    expect(setupErrorOf(() => buildCustomRequest({ url: 'not a url', messages }))).toEqual({
      code: 'url-invalid',
      params: { value: 'not a url' },
      detail: undefined,
    });
    // The URL is given back (to show what was wrong), capped.
    expect(setupErrorOf(() => buildCustomRequest({ url: `not a url ${'x'.repeat(500)}`, messages })).params).toEqual({
      value: `not a url ${'x'.repeat(500)}`.slice(0, 200),
    });
    const template = setupErrorOf(() => buildCustomRequest({ url: 'https://x.test', bodyTemplate: '{"q": {{prompt}', messages }));
    expect(template.code).toBe('template-json');
    // `{{prompt}` is no placeholder: it stays, and the parser's words are about it.
    expect(template.detail).toBe(jsonParserMessage('{"q": {{prompt}'));
  });
});

describe('customProvider.buildCall', () => {
  const endpoint: CustomEndpoint = {
    url: 'https://llm.example.com/v1/stream',
    method: 'POST',
    headers: 'Authorization: Bearer {{key}}\nX-Key-Again: {{ key }}/{{key}}\n\nX-Trace: 1',
    bodyTemplate: '{"messages": {{messages}}, "stream": true}',
    dataMode: 'json',
    textPath: 'choices.0.delta.content',
    pattern: '',
    reasoningPath: '',
    textMode: 'delta',
    doneData: '',
    eventType: '',
  };
  const settings = (custom: CustomEndpoint | null): ProviderSettings => ({ provider: 'custom-sse', model: '', baseUrl: '', custom });
  const request = { system: 'Be brief.', messages: [{ role: 'user' as const, content: 'Hi' }], maxTokens: 100, stream: true };

  it('puts the key where the headers say {{key}}, and describes the stream from the settings', () => {
    const call = customProvider.buildCall(settings(endpoint), 'sk-SECRET', request);
    expect(call.request).toEqual({
      url: 'https://llm.example.com/v1/stream',
      method: 'POST',
      headers: {
        authorization: 'Bearer sk-SECRET',
        'x-key-again': 'sk-SECRET/sk-SECRET',
        'x-trace': '1',
        accept: 'text/event-stream',
        'content-type': 'application/json',
      },
      // The template's own spacing is kept; only the placeholder is filled.
      body: `{"messages": ${JSON.stringify([
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ])}, "stream": true}`,
    });
    // Empty optional fields are left out of the format, not passed as "".
    expect(call.format).toEqual({ kind: 'custom', textPath: 'choices.0.delta.content', textMode: 'delta' });
  });

  it('puts a key with $ patterns in literally ($& and $` are not replacement patterns)', () => {
    const key = "ab$&cd$`x$'y$$z";
    const call = customProvider.buildCall(settings(endpoint), key, request);
    expect(call.request.headers.authorization).toBe(`Bearer ${key}`);
    expect(call.request.headers['x-key-again']).toBe(`${key}/${key}`);
  });

  it('keeps the optional stream fields that are set', () => {
    const call = customProvider.buildCall(
      settings({ ...endpoint, reasoningPath: 'r', textMode: 'cumulative', doneData: 'END', eventType: 'result' }),
      'k',
      request,
    );
    expect(call.format).toEqual({
      kind: 'custom',
      textPath: 'choices.0.delta.content',
      reasoningPath: 'r',
      textMode: 'cumulative',
      doneData: 'END',
      eventType: 'result',
    });
  });

  it('sends a GET without a body whatever the stored template says', () => {
    const call = customProvider.buildCall(settings({ ...endpoint, method: 'GET', bodyTemplate: '{"stale": true}' }), 'k', request);
    expect(call.request.method).toBe('GET');
    expect(call.request).not.toHaveProperty('body');
  });

  it('refuses missing settings (custom-incomplete) and a malformed header line (header-line, its 1-based number)', () => {
    expect(setupErrorOf(() => customProvider.buildCall(settings(null), 'k', request))).toEqual({
      code: 'custom-incomplete',
      params: undefined,
      detail: undefined,
    });
    expect(
      setupErrorOf(() => customProvider.buildCall(settings({ ...endpoint, headers: 'X-Ok: 1\n\nno colon here' }), 'k', request)),
    ).toEqual({
      code: 'header-line',
      params: { line: 3 },
      detail: undefined,
    });
  });
});
