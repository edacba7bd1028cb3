/**
 * A mock LLM provider for tests and for local development without a key.
 *
 * Speaks Anthropic Messages (`POST /v1/messages`, streamed or not) and OpenAI chat
 * completions (`POST /v1/chat/completions`), plus `GET /v1/models` in either shape and
 * Anthropic's `POST /v1/messages/count_tokens` (a deterministic count), and a custom SSE
 * server (`POST /custom/stream?shape=jsonpath|plain|tagged`, custom-sse.ts). Binds
 * 127.0.0.1 only. Each POST to a chat endpoint consumes the next queued `Scenario`
 * (see `scenario.ts`); with an empty queue the default scenario streams a friendly canned
 * answer that quotes the question, word by word, 40 ms apart.
 *
 * ```ts
 * const mock = await startMockProvider();
 * mock.enqueue({ text: ['Hello', ' there'], delayMs: 100 });
 * // … point the code under test at mock.url …
 * const req = await mock.nextRequest();          // the recorded POST (headers, parsed body)
 * const { clientClosed } = await mock.responseFinished(req.index);
 * await mock.close();
 * ```
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  anthropicError,
  anthropicErrorEvent,
  anthropicMessage,
  anthropicModels,
  anthropicRequestId,
  anthropicStreamEvents,
  anthropicStreamHeaders,
  anthropicBaseHeaders,
  anthropicCountTokens,
  validateAnthropic,
  type ErrorResponse,
} from './anthropic.ts';
import {
  bearerKey,
  openaiBaseHeaders,
  openaiCompletion,
  openaiError,
  openaiErrorEvent,
  openaiModels,
  openaiRequestId,
  openaiStreamEvents,
  openaiStreamHeaders,
  validateOpenAI,
} from './openai.ts';
import { handleOllama, type OllamaModeOptions } from './ollama.ts';
import { CUSTOM_SSE_PATH, customShapeOf, customStreamEvents } from './custom-sse.ts';
import {
  contentText,
  isRecord,
  lastUserText,
  type Chunking,
  type PlannedEvent,
  type RecordedRequest,
  type RequestInfo,
  type Scenario,
} from './scenario.ts';

export type { Chunking, Ending, HttpErrorSpec, RecordedRequest, Scenario, ToolCallSpec, UsageSpec } from './scenario.ts';
export { defaultAnswer, splitWords } from './scenario.ts';

export interface MockProviderOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Print one line per request to stdout. Default false. */
  log?: boolean;
  /** Every chat and models request must carry this key (`x-api-key` / `Authorization: Bearer`), else 401. */
  requireApiKey?: string;
  /**
   * Anthropic's rule for browser callers: a request with an `Origin` header (every extension
   * fetch has one) but without `anthropic-dangerous-direct-browser-access: true` gets
   * 401 authentication_error. Default true, like the real API.
   */
  browserAccessRule?: boolean;
  /**
   * Ollama mode (ollama.ts): Ollama's origin check (403, empty body, for an Origin not on its
   * list, e.g. any extension's) in front of every route, and its native /api routes.
   */
  ollama?: boolean | OllamaModeOptions;
  /** The scenario used when the queue is empty. Default: the friendly word-by-word answer, 40 ms apart. */
  defaultScenario?: Scenario;
}

export interface MockProvider {
  /** "http://127.0.0.1:PORT" */
  url: string;
  port: number;
  /** Queue scenarios; each POST to a chat endpoint takes the next one; when the queue is empty the default scenario runs. */
  enqueue(...scenarios: Scenario[]): void;
  /** Scenarios not consumed yet. */
  readonly pending: number;
  /** Every request, in order (OPTIONS and GET too). */
  requests: RecordedRequest[];
  /** Resolves at the next request to a chat endpoint (or immediately for one not yet awaited). */
  nextRequest(timeoutMs?: number): Promise<RecordedRequest>;
  /**
   * Resolves when the response to request number n (index into requests) finished:
   * {clientClosed: true} if the client hung up before the server ended the response.
   */
  responseFinished(n: number, timeoutMs?: number): Promise<{ clientClosed: boolean }>;
  /** Forget recorded requests and queued scenarios (the server keeps running). */
  reset(): void;
  close(): Promise<void>;
}

export const DEFAULT_SCENARIO: Scenario = { delayMs: 40 };

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  settled: boolean;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  const d: Deferred<T> = {
    promise,
    settled: false,
    resolve(value) {
      if (d.settled) return;
      d.settled = true;
      resolve(value);
    },
  };
  return d;
}

function withTimeout<T>(promise: Promise<T>, ms: number | undefined, what: string): Promise<T> {
  if (ms === undefined) return promise;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`mock provider: timed out after ${ms} ms waiting for ${what}`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

const CORS_ALLOW_HEADERS = [
  'x-api-key',
  'anthropic-version',
  'anthropic-beta',
  'anthropic-dangerous-direct-browser-access',
  'authorization',
  'content-type',
  'accept',
  'x-stainless-arch',
  'x-stainless-lang',
  'x-stainless-os',
  'x-stainless-package-version',
  'x-stainless-retry-count',
  'x-stainless-runtime',
  'x-stainless-runtime-version',
  'x-stainless-timeout',
  'x-stainless-helper-method',
];

const CORS_EXPOSE_HEADERS = ['request-id', 'x-request-id', 'retry-after', 'x-should-retry'];

function corsHeaders(headers: Record<string, string>): Record<string, string> {
  const origin = headers.origin;
  const out: Record<string, string> = {
    'access-control-allow-origin': origin ?? '*',
    'access-control-expose-headers': CORS_EXPOSE_HEADERS.join(', '),
  };
  if (origin !== undefined) out.vary = 'Origin';
  return out;
}

function preflightHeaders(headers: Record<string, string>): Record<string, string> {
  const requested = (headers['access-control-request-headers'] ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  const allow = [...new Set([...CORS_ALLOW_HEADERS, ...requested])];
  return {
    ...corsHeaders(headers),
    'access-control-allow-methods': 'GET, POST, OPTIONS',
    'access-control-allow-headers': allow.join(', '),
    'access-control-max-age': '600',
  };
}

function flattenHeaders(raw: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function requestInfo(body: unknown, dialect: 'anthropic' | 'openai'): RequestInfo {
  const b = isRecord(body) ? body : {};
  const messages = Array.isArray(b.messages) ? b.messages : [];
  let promptChars = 0;
  for (const m of messages) if (isRecord(m)) promptChars += contentText(m.content).length;
  if (typeof b.system === 'string') promptChars += b.system.length;
  const maxTokens =
    dialect === 'anthropic'
      ? typeof b.max_tokens === 'number'
        ? b.max_tokens
        : null
      : typeof b.max_completion_tokens === 'number'
        ? b.max_completion_tokens
        : typeof b.max_tokens === 'number'
          ? b.max_tokens
          : null;
  const streamOptions = isRecord(b.stream_options) ? b.stream_options : {};
  return {
    model: typeof b.model === 'string' ? b.model : 'mock-model',
    lastUserText: lastUserText(messages),
    promptChars,
    maxTokens,
    includeUsage: streamOptions.include_usage === true,
  };
}

/** Apply the scenario's `end` to the planned events: truncation, error event, or destroy. */
function applyEnding(
  events: PlannedEvent[],
  scenario: Scenario,
  dialect: 'anthropic' | 'openai',
): { events: PlannedEvent[]; finish: 'end' | 'destroy' | 'reset' } {
  const end = scenario.end ?? { kind: 'normal' };
  const cutAfterDeltas = (n: number): PlannedEvent[] => {
    const out: PlannedEvent[] = [];
    let seen = 0;
    // With `raw`, every event counts as a delta.
    for (const e of events) {
      if (seen >= n) break;
      out.push(e);
      if (e.kind === 'delta') seen++;
    }
    return out;
  };
  switch (end.kind) {
    case 'normal':
      return { events, finish: 'end' };
    case 'no-end-marker':
      return {
        events: end.afterDeltas === undefined ? events.filter((e) => e.kind !== 'end') : cutAfterDeltas(end.afterDeltas),
        finish: 'end',
      };
    case 'error': {
      const errorEvent =
        dialect === 'anthropic'
          ? anthropicErrorEvent(end.errorType, end.message)
          : openaiErrorEvent(
              end.errorType === undefined || end.errorType === 'overloaded_error' ? undefined : end.errorType,
              end.message,
            );
      return { events: [...cutAfterDeltas(end.afterDeltas), errorEvent], finish: 'end' };
    }
    case 'destroy':
      return { events: cutAfterDeltas(end.afterDeltas), finish: end.reset ? 'reset' : 'destroy' };
  }
}

/** Split raw SSE text into events (each keeping its terminating blank line). */
function rawEvents(raw: string): PlannedEvent[] {
  const parts = raw.match(/[\s\S]*?(?:\r\n\r\n|\n\n|\r\r|$)/g) ?? [];
  return parts.filter((p) => p.length > 0).map((text) => ({ text, kind: 'delta' as const }));
}

/** Cut offsets (absolute, ascending, inside (0, total)) for bytes/offsets chunking. */
function cutOffsets(chunking: Chunking, total: number): number[] {
  if (chunking === 'event' || chunking === 'whole') return [];
  if ('bytes' in chunking) {
    const size = Math.max(1, Math.floor(chunking.bytes));
    const out: number[] = [];
    for (let at = size; at < total; at += size) out.push(at);
    return out;
  }
  return [...new Set(chunking.offsets.map(Math.floor))].filter((o) => o > 0 && o < total).sort((a, b) => a - b);
}

/** High-resolution epoch milliseconds: comparable with a browser page's `performance.timeOrigin + performance.now()`. */
const epochNow = () => performance.timeOrigin + performance.now();

export async function startMockProvider(options: MockProviderOptions = {}): Promise<MockProvider> {
  const queue: Scenario[] = [];
  const requests: RecordedRequest[] = [];
  const chatRequests: RecordedRequest[] = [];
  let chatCursor = 0;
  const chatWaiters: Deferred<RecordedRequest>[] = [];
  const finished = new Map<number, Deferred<{ clientClosed: boolean }>>();
  const sockets = new Set<Socket>();
  let closing = false;
  const closeListeners = new Set<() => void>();
  const log = options.log ? (line: string) => console.log(line) : () => {};

  const finishedFor = (n: number) => {
    let d = finished.get(n);
    if (!d) {
      d = deferred();
      finished.set(n, d);
    }
    return d;
  };

  /** Resolves after ms, or early when the response closed or the server is closing. */
  const wait = (ms: number, res: http.ServerResponse): Promise<void> => {
    if (ms <= 0 || res.destroyed || closing) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        res.off('close', done);
        closeListeners.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      res.on('close', done);
      closeListeners.add(done);
    });
  };

  const write = async (res: http.ServerResponse, chunk: Buffer): Promise<void> => {
    if (res.destroyed || closing) return;
    if (!res.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  };

  const sendError = (res: http.ServerResponse, err: ErrorResponse, extra: Record<string, string>) => {
    res.writeHead(err.status, { ...err.headers, 'content-length': String(Buffer.byteLength(err.body)), ...extra });
    res.end(err.body);
  };

  const sendJson = (res: http.ServerResponse, json: string, headers: Record<string, string>) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(json)), ...headers });
    res.end(json);
  };

  const stream = async (
    res: http.ServerResponse,
    state: { serverEnded: boolean },
    scenario: Scenario,
    headers: Record<string, string>,
    planned: PlannedEvent[],
    dialect: 'anthropic' | 'openai',
    record: RecordedRequest,
  ): Promise<{ deltas: number; bytes: number; sent?: Buffer }> => {
    await wait(scenario.headersDelayMs ?? 0, res);
    if (res.destroyed || closing) return { deltas: 0, bytes: 0 };
    res.writeHead(200, headers);
    res.flushHeaders();
    if (scenario.hangAfterHeaders) {
      await new Promise<void>((resolve) => {
        if (res.destroyed || closing) return resolve();
        const done = () => {
          closeListeners.delete(done);
          resolve();
        };
        res.once('close', done);
        closeListeners.add(done);
      });
      return { deltas: 0, bytes: 0 };
    }
    const { events, finish } = applyEnding(planned, scenario, dialect);
    const buffers = events.map((e) => Buffer.from(e.text, 'utf8'));
    const total = buffers.reduce((n, b) => n + b.length, 0);
    const chunking = scenario.chunking ?? 'event';
    const delay = scenario.delayMs ?? 0;
    const gap = scenario.writeGapMs ?? 2;
    const cuts = cutOffsets(chunking, total);
    const body = Buffer.concat(buffers);
    let written = 0; // bytes handed to the socket
    let available = 0; // bytes that are due
    let cutIndex = 0;
    let deltasSoFar = 0;
    for (let i = 0; i < buffers.length; i++) {
      if (i > 0) await wait(delay, res);
      if (scenario.pause && events[i]!.kind === 'delta' && deltasSoFar++ === scenario.pause.afterDeltas) {
        await wait(scenario.pause.ms, res);
      }
      if (res.destroyed || closing) break;
      const buf = buffers[i]!;
      if (chunking === 'event') {
        await write(res, buf);
        if (events[i]!.kind === 'delta') (record.deltaWrites ??= []).push(epochNow());
        written += buf.length;
        continue;
      }
      available += buf.length;
      if (chunking === 'whole') continue;
      while (cutIndex < cuts.length && cuts[cutIndex]! <= available) {
        const cut = cuts[cutIndex++]!;
        await write(res, body.subarray(written, cut));
        written = cut;
        await wait(gap, res);
      }
    }
    if (!res.destroyed && !closing && written < available) {
      await write(res, body.subarray(written, available));
      written = available;
    }
    const deltas = events.filter((e) => e.kind === 'delta').length;
    if (res.destroyed || closing) return { deltas, bytes: written, sent: body.subarray(0, written) };
    state.serverEnded = true;
    if (finish === 'end') {
      res.end();
    } else {
      const socket = res.socket;
      // Let the last write reach the client before the socket goes away.
      await new Promise<void>((resolve) => (socket && !socket.destroyed ? socket.write('', () => resolve()) : resolve()));
      if (finish === 'reset' && socket) socket.resetAndDestroy();
      else socket?.destroy();
    }
    return { deltas, bytes: written, sent: body.subarray(0, written) };
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const started = Date.now();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const headers = flattenHeaders(req.headers);
    let body: unknown = null;
    if (rawBody !== '') {
      try {
        body = JSON.parse(rawBody);
      } catch {
        body = null;
      }
    }
    const url = req.url ?? '/';
    const path = url.split('?')[0] ?? '/';
    const method = req.method ?? 'GET';
    const isCustom = method === 'POST' && path === CUSTOM_SSE_PATH;
    const isChat = method === 'POST' && (path === '/v1/messages' || path === '/v1/chat/completions' || isCustom);
    const dialect: RecordedRequest['dialect'] =
      method === 'OPTIONS'
        ? null
        : path === '/v1/messages' || path === '/v1/messages/count_tokens'
          ? 'anthropic'
          : path === '/v1/chat/completions'
            ? 'openai'
            : path === CUSTOM_SSE_PATH
              ? 'custom'
              : path === '/v1/models'
                ? headers['anthropic-version']
                  ? 'anthropic'
                  : 'openai'
                : null;
    const record: RecordedRequest = {
      index: requests.length,
      method,
      path,
      url,
      headers,
      body,
      rawBody,
      time: started,
      dialect,
      chat: isChat,
    };
    requests.push(record);
    const done = finishedFor(record.index);
    const state = { serverEnded: false };
    res.on('finish', () => done.resolve({ clientClosed: false }));
    res.on('close', () => {
      const clientClosed = !state.serverEnded && !res.writableFinished;
      if (clientClosed) record.clientClosedAt = epochNow();
      done.resolve({ clientClosed });
    });
    // A client that closes its side mid-response has gone away for good (HTTP/1.1 clients never half-close).
    const socket = req.socket;
    const onEnd = () => {
      if (!res.writableEnded) res.destroy();
    };
    socket.once('end', onEnd);
    res.on('close', () => socket.off('end', onEnd));

    if (isChat) {
      chatRequests.push(record);
      while (chatWaiters.length > 0 && chatCursor < chatRequests.length) {
        chatWaiters.shift()!.resolve(chatRequests[chatCursor++]!);
      }
    }

    const cors = corsHeaders(headers);
    let summary = '';
    try {
      if (options.ollama && (await handleOllama(record, res, cors, options.ollama === true ? {} : options.ollama))) {
        summary = record.status === 403 ? '403 (Ollama origin check)' : 'ollama';
      } else if (method === 'OPTIONS') {
        res.writeHead(204, preflightHeaders(headers));
        res.end();
        summary = 'preflight';
      } else if (method === 'POST' && path === '/v1/messages/count_tokens') {
        const err = validateAnthropic(headers, body, rawBody, {
          requireApiKey: options.requireApiKey,
          browserAccessRule: options.browserAccessRule ?? true,
          checkBody: false,
        });
        if (err) {
          sendError(res, err, cors);
          summary = `${err.status}`;
        } else {
          sendJson(res, anthropicCountTokens(body), { ...anthropicBaseHeaders(anthropicRequestId()), ...cors });
          summary = 'count_tokens';
        }
      } else if (method === 'GET' && path === '/v1/models') {
        if (dialect === 'anthropic') {
          const err = validateAnthropic(headers, null, '', {
            requireApiKey: options.requireApiKey,
            browserAccessRule: options.browserAccessRule ?? true,
            checkBody: false,
          });
          if (err) {
            sendError(res, err, cors);
            summary = `${err.status}`;
          } else {
            sendJson(res, anthropicModels(), { ...anthropicBaseHeaders(anthropicRequestId()), ...cors });
            summary = 'models (anthropic)';
          }
        } else {
          const err = validateOpenAI(headers, null, '', { requireApiKey: options.requireApiKey, checkBody: false });
          if (err) {
            sendError(res, err, cors);
            summary = `${err.status}`;
          } else {
            sendJson(res, openaiModels(), { ...openaiBaseHeaders(openaiRequestId()), ...cors });
            summary = 'models (openai)';
          }
        }
      } else if (isCustom) {
        // A custom SSE endpoint: no key rule, no validation; always a stream (custom-sse.ts).
        const scenario = queue.shift() ?? options.defaultScenario ?? DEFAULT_SCENARIO;
        const planned = customStreamEvents(scenario, requestInfo(body, 'openai'), customShapeOf(url));
        const headers = {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache',
          ...cors,
          ...scenario.headers,
        };
        const r = await stream(res, state, scenario, headers, planned, 'openai', record);
        if (r.sent) record.sent = r.sent;
        summary = `200 custom stream (${customShapeOf(url)}), ${r.deltas} deltas, ${r.bytes} bytes`;
      } else if (isChat) {
        const chatDialect = dialect === 'anthropic' ? 'anthropic' : 'openai';
        const scenario = queue.shift() ?? options.defaultScenario ?? DEFAULT_SCENARIO;
        const requireApiKey = scenario.requireApiKey ?? options.requireApiKey;
        const err =
          chatDialect === 'anthropic'
            ? validateAnthropic(headers, body, rawBody, {
                requireApiKey,
                browserAccessRule: options.browserAccessRule ?? true,
                checkBody: true,
              })
            : validateOpenAI(headers, body, rawBody, { requireApiKey, checkBody: true });
        const info = requestInfo(body, chatDialect);
        const extra = { ...cors, ...scenario.headers };
        if (err) {
          sendError(res, err, extra);
          summary = `${err.status} (validation: ${JSON.parse(err.body)?.error?.message ?? ''})`;
        } else if (scenario.redirect) {
          await wait(scenario.headersDelayMs ?? 0, res);
          const status = scenario.redirect.status ?? 307;
          res.writeHead(status, { location: scenario.redirect.location, 'content-type': 'text/plain', ...extra });
          res.end(`Redirecting to ${scenario.redirect.location}`);
          summary = `${status} redirect to ${scenario.redirect.location}`;
        } else if (scenario.httpError) {
          await wait(scenario.headersDelayMs ?? 0, res);
          const e =
            chatDialect === 'anthropic'
              ? anthropicError(scenario.httpError, info)
              : openaiError(scenario.httpError, { ...info, key: bearerKey(headers) });
          sendError(res, e, extra);
          summary = `${e.status} (scenario)`;
        } else if (isRecord(body) && body.stream === true) {
          const planned =
            scenario.raw !== undefined
              ? rawEvents(scenario.raw)
              : chatDialect === 'anthropic'
                ? anthropicStreamEvents(scenario, info)
                : openaiStreamEvents(scenario, info);
          const streamHeaders =
            chatDialect === 'anthropic' ? anthropicStreamHeaders(anthropicRequestId()) : openaiStreamHeaders(openaiRequestId());
          const r = await stream(res, state, scenario, { ...streamHeaders, ...extra }, planned, chatDialect, record);
          if (r.sent) record.sent = r.sent;
          summary = scenario.hangAfterHeaders ? '200 stream (hung after headers)' : `200 stream, ${r.deltas} deltas, ${r.bytes} bytes`;
        } else {
          await wait(scenario.headersDelayMs ?? 0, res);
          const json = chatDialect === 'anthropic' ? anthropicMessage(scenario, info) : openaiCompletion(scenario, info);
          const base = chatDialect === 'anthropic' ? anthropicBaseHeaders(anthropicRequestId()) : openaiBaseHeaders(openaiRequestId());
          sendJson(res, json, { ...base, ...extra });
          summary = '200 json';
        }
      } else {
        const err =
          headers['anthropic-version'] !== undefined || path.startsWith('/v1/messages')
            ? anthropicError({ status: 404, message: 'Not Found' })
            : openaiError({ status: 404, message: `Invalid URL (${method} ${path})`, code: null });
        sendError(res, err, cors);
        summary = '404';
      }
    } catch (e) {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain', ...cors });
        res.end(`mock provider bug: ${e instanceof Error ? e.stack : String(e)}`);
      } else {
        res.destroy();
      }
      summary = `mock error: ${e instanceof Error ? e.message : String(e)}`;
    }
    void done.promise.then(({ clientClosed }) => {
      log(
        `[mock] #${record.index} ${method} ${url} → ${summary} in ${Date.now() - started} ms${clientClosed ? ' (client closed the connection)' : ''}`,
      );
    });
  };

  const server = http.createServer((req, res) => {
    void handle(req, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  const provider: MockProvider = {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    get pending() {
      return queue.length;
    },
    enqueue(...scenarios) {
      queue.push(...scenarios);
    },
    nextRequest(timeoutMs) {
      if (chatCursor < chatRequests.length) return Promise.resolve(chatRequests[chatCursor++]!);
      const d = deferred<RecordedRequest>();
      chatWaiters.push(d);
      return withTimeout(d.promise, timeoutMs, 'the next chat request');
    },
    responseFinished(n, timeoutMs) {
      return withTimeout(finishedFor(n).promise, timeoutMs, `the response to request #${n}`);
    },
    reset() {
      queue.length = 0;
      requests.length = 0;
      chatRequests.length = 0;
      chatCursor = 0;
      finished.clear();
    },
    async close() {
      if (closing) return;
      closing = true;
      for (const l of [...closeListeners]) l();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
  };
  return provider;
}
