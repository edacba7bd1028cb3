/**
 * The shared HTTP transport (src/providers/http.ts), the only place Aside calls fetch: the
 * key-safety options every request gets there, error answers read up to a bound, and the
 * first-batch contract of streamHttp.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { anthropicProvider } from '../../src/providers/anthropic.ts';
import { customProvider } from '../../src/providers/custom.ts';
import { fetchOk, HttpFailure, NoBodyError, readBoundedText, sendRequest, streamHttp } from '../../src/providers/http.ts';
import { openAIProvider } from '../../src/providers/openai.ts';
import type { EventMapper, HttpRequest, Provider, ProviderCall, ProviderSettings } from '../../src/providers/provider.ts';
import type { ChatDelta } from '../../src/providers/types.ts';
import { MAX_ERROR_BODY_BYTES } from '../../src/shared/limits.ts';

const enc = new TextEncoder();

const REQUEST: HttpRequest = {
  url: 'https://api.example.test/v1/chat',
  method: 'POST',
  headers: { 'content-type': 'application/json', 'x-api-key': 'sk-SECRET' },
  body: '{"q":1}',
};

/** A fetch that records what it was given and answers with `respond()`. */
function spyFetch(respond: () => Response | Promise<Response>) {
  return vi.fn<(url: string, init: RequestInit) => Promise<Response>>(async () => respond());
}
const asFetch = (spy: ReturnType<typeof spyFetch>) => spy as unknown as typeof fetch;

/** A body stream that records pulls and whether (and why) it was cancelled. */
function trackedBody(chunks: Uint8Array[] | (() => Uint8Array)) {
  const state = { pulls: 0, cancelled: false, cancelReason: undefined as unknown };
  let i = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      state.pulls++;
      if (typeof chunks === 'function') {
        controller.enqueue(chunks());
        return;
      }
      const chunk = chunks[i++];
      if (chunk === undefined) controller.close();
      else controller.enqueue(chunk);
    },
    cancel(reason) {
      state.cancelled = true;
      state.cancelReason = reason;
    },
  });
  return { stream, state };
}

/** A mapper that turns each event's data into a text delta; `[END]` ends the stream. */
const echoMapper: EventMapper = {
  map: (event) => (event.data === '[END]' ? [{ type: 'done' }] : [{ type: 'text', text: event.data }]),
  errorEnds: true,
};
const call = (request: HttpRequest = REQUEST): ProviderCall => ({ request, format: { kind: 'openai' } });

afterEach(() => {
  vi.restoreAllMocks();
});

describe('sendRequest', () => {
  it('sends the request with redirects refused, no cookies, no HTTP cache, and the signal', async () => {
    const fetch = spyFetch(() => new Response('ok'));
    const signal = new AbortController().signal;
    await sendRequest(REQUEST, signal, asFetch(fetch));
    expect(fetch).toHaveBeenCalledTimes(1);
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe('https://api.example.test/v1/chat');
    expect(init).toEqual({
      redirect: 'manual',
      credentials: 'omit',
      cache: 'no-store',
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'sk-SECRET' },
      body: '{"q":1}',
      signal,
    });
    expect(init.signal).toBe(signal);
  });

  it('leaves the body out of a request without one (a GET)', async () => {
    const fetch = spyFetch(() => new Response('ok'));
    const signal = new AbortController().signal;
    await sendRequest(
      { url: 'https://api.example.test/v1/models', method: 'GET', headers: { accept: 'application/json' } },
      signal,
      asFetch(fetch),
    );
    const init = fetch.mock.calls[0]![1];
    expect(init).toEqual({
      redirect: 'manual',
      credentials: 'omit',
      cache: 'no-store',
      method: 'GET',
      headers: { accept: 'application/json' },
      signal,
    });
    expect(init).not.toHaveProperty('body');
  });

  it('cannot be talked out of the key-safety options by a request object carrying its own', async () => {
    const fetch = spyFetch(() => new Response('ok'));
    const sneaky = { ...REQUEST, redirect: 'follow', credentials: 'include', cache: 'default', mode: 'no-cors' } as HttpRequest;
    await sendRequest(sneaky, new AbortController().signal, asFetch(fetch));
    const init = fetch.mock.calls[0]![1];
    expect(init).toMatchObject({ redirect: 'manual', credentials: 'omit', cache: 'no-store' });
    expect(init).not.toHaveProperty('mode');
  });

  it('uses the global fetch when none is given', async () => {
    const global = vi.spyOn(globalThis, 'fetch').mockResolvedValue(new Response('ok'));
    const signal = new AbortController().signal;
    await sendRequest(REQUEST, signal);
    expect(global).toHaveBeenCalledTimes(1);
    expect(global.mock.calls[0]![1]).toMatchObject({ redirect: 'manual', credentials: 'omit', cache: 'no-store', signal });
  });

  it('passes a network failure through as it is (the caller may retry it)', async () => {
    const cause = new TypeError('Failed to fetch');
    const fetch = spyFetch(() => {
      throw cause;
    });
    await expect(sendRequest(REQUEST, new AbortController().signal, asFetch(fetch))).rejects.toBe(cause);
  });
});

describe('every provider sends through it', () => {
  const sse = 'data: [DONE]\n\n';
  const request = { system: 'S', messages: [{ role: 'user' as const, content: 'Hi' }], maxTokens: 10, stream: true };
  const cases: [string, Provider, ProviderSettings][] = [
    ['anthropic', anthropicProvider, { provider: 'anthropic', model: 'claude-x', baseUrl: '', custom: null }],
    ['openai', openAIProvider, { provider: 'openai', model: 'gpt-x', baseUrl: '', custom: null }],
    [
      'custom',
      customProvider,
      {
        provider: 'custom-sse',
        model: '',
        baseUrl: '',
        custom: {
          url: 'https://llm.example.test/stream',
          method: 'POST',
          headers: 'Authorization: Bearer {{key}}',
          bodyTemplate: '',
          dataMode: 'json',
          textPath: 'delta',
          pattern: '',
          reasoningPath: '',
          textMode: 'delta',
          doneData: '',
          eventType: '',
        },
      },
    ],
  ];

  it.each(cases)(
    '%s: stream() fetches the built request with the key-safety options and the signal',
    async (_name, provider, settings) => {
      const fetch = spyFetch(() => new Response(sse, { status: 200 }));
      const built = provider.buildCall(settings, 'sk-SECRET', request);
      const signal = new AbortController().signal;
      for await (const batch of provider.stream(built, { signal, fetch: asFetch(fetch) })) void batch;
      expect(fetch).toHaveBeenCalledTimes(1);
      const [url, init] = fetch.mock.calls[0]!;
      expect(url).toBe(built.request.url);
      expect(init).toEqual({
        redirect: 'manual',
        credentials: 'omit',
        cache: 'no-store',
        method: built.request.method,
        headers: built.request.headers,
        body: built.request.body,
        signal,
      });
    },
  );

  it.each(cases.filter(([, provider]) => provider.listModels))('%s: listModels() too', async (_name, provider, settings) => {
    const fetch = spyFetch(() => new Response('{"data":[]}', { status: 200 }));
    const signal = new AbortController().signal;
    await provider.listModels!(settings, 'sk-SECRET', { signal, fetch: asFetch(fetch) });
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(fetch.mock.calls[0]![1]).toMatchObject({
      redirect: 'manual',
      credentials: 'omit',
      cache: 'no-store',
      method: 'GET',
      signal,
    });
  });
});

describe('fetchOk', () => {
  it('returns an OK response unread', async () => {
    const { stream, state } = trackedBody([enc.encode('hello')]);
    const response = new Response(stream, { status: 200 });
    const got = await fetchOk(REQUEST, { signal: new AbortController().signal, fetch: asFetch(spyFetch(() => response)) });
    expect(got).toBe(response);
    expect(got.bodyUsed).toBe(false);
    expect(state.cancelled).toBe(false);
    expect(await got.text()).toBe('hello');
  });

  it('throws HttpFailure with the URL, status, headers and body text of an error answer', async () => {
    const body = '{"error":{"message":"Slow down","type":"rate_limit_error"}}';
    const response = new Response(body, { status: 429, headers: { 'retry-after': '7', 'content-type': 'application/json' } });
    const failure = await fetchOk(REQUEST, { signal: new AbortController().signal, fetch: asFetch(spyFetch(() => response)) }).catch(
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(HttpFailure);
    const f = failure as HttpFailure;
    expect(f.name).toBe('HttpFailure');
    expect(f.status).toBe(429);
    expect(f.url).toBe(REQUEST.url);
    expect(f.bodyText).toBe(body);
    expect(f.headers.get('retry-after')).toBe('7');
    // No words for the user, and not the provider's either: those are data.
    expect(f.message).toBe('HTTP 429');
  });

  it('reads a huge error body only up to MAX_ERROR_BODY_BYTES, then cancels it', async () => {
    const chunk = enc.encode('x'.repeat(10_000));
    const chunks = Array.from({ length: 100 }, () => chunk); // 1 MB
    const { stream, state } = trackedBody(chunks);
    const failure = await fetchOk(REQUEST, {
      signal: new AbortController().signal,
      fetch: asFetch(spyFetch(() => new Response(stream, { status: 500 }))),
    }).catch((e: unknown) => e as HttpFailure);
    expect(failure).toBeInstanceOf(HttpFailure);
    expect((failure as HttpFailure).bodyText).toBe('x'.repeat(MAX_ERROR_BODY_BYTES));
    expect(state.cancelled).toBe(true);
    // Only what the bound needs was pulled (plus the stream's one chunk of read-ahead).
    expect(state.pulls).toBeLessThanOrEqual(Math.ceil(MAX_ERROR_BODY_BYTES / chunk.length) + 1);
  });

  it('reads an error body that never ends only up to the bound, then cancels it', async () => {
    const { stream, state } = trackedBody(() => enc.encode('y'.repeat(1_000)));
    const failure = await fetchOk(REQUEST, {
      signal: new AbortController().signal,
      fetch: asFetch(spyFetch(() => new Response(stream, { status: 502 }))),
    }).catch((e: unknown) => e as HttpFailure);
    expect(failure).toBeInstanceOf(HttpFailure);
    expect((failure as HttpFailure).status).toBe(502);
    expect((failure as HttpFailure).bodyText).toBe('y'.repeat(MAX_ERROR_BODY_BYTES));
    expect(state.cancelled).toBe(true);
    expect(state.pulls).toBeLessThanOrEqual(Math.ceil(MAX_ERROR_BODY_BYTES / 1_000) + 1);
  });

  it('gives an empty body text for an error answer without a body', async () => {
    const failure = await fetchOk(REQUEST, {
      signal: new AbortController().signal,
      fetch: asFetch(spyFetch(() => new Response(null, { status: 403 }))),
    }).catch((e: unknown) => e as HttpFailure);
    expect(failure).toBeInstanceOf(HttpFailure);
    expect((failure as HttpFailure).bodyText).toBe('');
  });

  it('keeps what it read of an error body that breaks off', async () => {
    let sent = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (!sent) {
          sent = true;
          controller.enqueue(enc.encode('<html>Bad Gat'));
        } else {
          controller.error(new TypeError('connection reset'));
        }
      },
    });
    const failure = await fetchOk(REQUEST, {
      signal: new AbortController().signal,
      fetch: asFetch(spyFetch(() => new Response(stream, { status: 502 }))),
    }).catch((e: unknown) => e as HttpFailure);
    expect(failure).toBeInstanceOf(HttpFailure);
    expect((failure as HttpFailure).bodyText).toBe('<html>Bad Gat');
  });
});

describe('readBoundedText', () => {
  it('decodes UTF-8 split across chunks', async () => {
    const bytes = enc.encode('Zürich — 東京 🌦️');
    const chunks = Array.from(bytes, (b) => new Uint8Array([b]));
    expect(await readBoundedText(new Response(trackedBody(chunks).stream), 1_000)).toBe('Zürich — 東京 🌦️');
  });

  it('stops at the bound inside a chunk', async () => {
    const { stream, state } = trackedBody([enc.encode('abcdef'), enc.encode('ghij')]);
    expect(await readBoundedText(new Response(stream), 8)).toBe('abcdefgh');
    expect(state.cancelled).toBe(true);
  });
});

describe('streamHttp', () => {
  const options = (fetch: ReturnType<typeof spyFetch>, signal = new AbortController().signal) => ({ signal, fetch: asFetch(fetch) });

  it('yields an empty first batch once the status is OK, before reading the body, then one batch per chunk', async () => {
    const { stream, state } = trackedBody([
      enc.encode('data: a\n\n'),
      enc.encode('data: b\n\ndata: c\n\n'),
      enc.encode('data: [END]\n\n'),
    ]);
    const fetch = spyFetch(() => new Response(stream, { status: 200 }));
    const gen = streamHttp(call(), echoMapper, options(fetch));
    const first = await gen.next();
    expect(first).toEqual({ done: false, value: [] });
    expect(fetch).toHaveBeenCalledTimes(1);
    const rest: ChatDelta[][] = [];
    for await (const batch of gen) rest.push(batch);
    expect(rest).toEqual([
      [{ type: 'text', text: 'a' }],
      [
        { type: 'text', text: 'b' },
        { type: 'text', text: 'c' },
      ],
      [{ type: 'done' }],
    ]);
    expect(state.pulls).toBeGreaterThan(0);
  });

  it('throws HttpFailure before any batch for an error status', async () => {
    const fetch = spyFetch(() => new Response('{"error":{"message":"nope"}}', { status: 401 }));
    const gen = streamHttp(call(), echoMapper, options(fetch));
    const failure = await gen.next().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(HttpFailure);
    expect(failure).toMatchObject({ status: 401, bodyText: '{"error":{"message":"nope"}}', url: REQUEST.url });
  });

  it('throws NoBodyError for a 200 without a body, before any batch', async () => {
    const fetch = spyFetch(() => new Response(null, { status: 200 }));
    const gen = streamHttp(call(), echoMapper, options(fetch));
    const error = await gen.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoBodyError);
    expect((error as Error).name).toBe('NoBodyError');
  });

  it('passes a network failure through before any batch', async () => {
    const cause = new TypeError('Failed to fetch');
    const fetch = spyFetch(() => {
      throw cause;
    });
    const gen = streamHttp(call(), echoMapper, options(fetch));
    await expect(gen.next()).rejects.toBe(cause);
  });

  it('cancels the body when returned right after the first batch', async () => {
    const { stream, state } = trackedBody([enc.encode('data: a\n\n'), enc.encode('data: [END]\n\n')]);
    const fetch = spyFetch(() => new Response(stream, { status: 200 }));
    const gen = streamHttp(call(), echoMapper, options(fetch));
    expect(await gen.next()).toEqual({ done: false, value: [] });
    expect(await gen.return(undefined)).toEqual({ done: true, value: undefined });
    await Promise.resolve();
    expect(state.cancelled).toBe(true);
    expect(await gen.next()).toEqual({ done: true, value: undefined });
  });

  it('cancels the body when stopped in the middle of it', async () => {
    const { stream, state } = trackedBody(() => enc.encode('data: more\n\n'));
    const fetch = spyFetch(() => new Response(stream, { status: 200 }));
    const gen = streamHttp(call(), echoMapper, options(fetch));
    await gen.next();
    expect((await gen.next()).value).toEqual([{ type: 'text', text: 'more' }]);
    await gen.return(undefined);
    await Promise.resolve();
    expect(state.cancelled).toBe(true);
  });

  it('rejects with the signal’s reason when aborted while reading', async () => {
    const { stream, state } = trackedBody(() => enc.encode('data: more\n\n'));
    const controller = new AbortController();
    const fetch = spyFetch(() => new Response(stream, { status: 200 }));
    const gen = streamHttp(call(), echoMapper, options(fetch, controller.signal));
    await gen.next();
    await gen.next();
    const reason = new Error('stopped by the user');
    controller.abort(reason);
    await expect(gen.next()).rejects.toBe(reason);
    await Promise.resolve();
    expect(state.cancelled).toBe(true);
  });

  it('passes every raw event to onRawEvent', async () => {
    const fetch = spyFetch(() => new Response('event: x\ndata: a\n\ndata: [END]\n\n', { status: 200 }));
    const seen: string[] = [];
    for await (const batch of streamHttp(call(), echoMapper, {
      ...options(fetch),
      onRawEvent: (e) => seen.push(`${e.event}:${e.data}`),
    }))
      void batch;
    expect(seen).toEqual(['x:a', 'message:[END]']);
  });
});
