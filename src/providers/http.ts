/**
 * The shared HTTP transport of every HTTP provider, and the only place Aside calls
 * `fetch`. The key-safety options are set here, once, so no request builder can forget
 * them: a redirect would carry `x-api-key` to another origin (only `Authorization` is
 * stripped on a cross-origin redirect), and the user's cookies for a provider's site
 * must not ride along.
 */
import { MAX_ERROR_BODY_BYTES } from '../shared/limits.ts';
import { readDeltaBatches } from './chat-stream.ts';
import type { EventMapper, HttpRequest, ProviderCall, StreamOptions } from './provider.ts';
import type { ChatDelta } from './types.ts';

// `manual`, not `error`: both keep the key from following a redirect, but `error` rejects
// like a dead network (Aside would retry it and blame the user's connection), while
// `manual` hands back a response that says it was a redirect.
const KEY_SAFETY: RequestInit = { redirect: 'manual', credentials: 'omit', cache: 'no-store' };

/**
 * The provider answered with a redirect, which Aside does not follow (the key would go
 * along). Browsers hide where it pointed (an `opaqueredirect` response has no headers), so
 * `location` is known only outside them (Node's fetch, the unit tests).
 */
export class RedirectRefused extends Error {
  readonly url: string;
  readonly location: string | null;

  constructor(url: string, location: string | null) {
    super(location ? `Redirected to ${location}` : 'Redirected to another address');
    this.name = 'RedirectRefused';
    this.url = url;
    this.location = location;
  }
}

function isRedirect(response: Response): boolean {
  return response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400);
}

/** The request went out and the server answered with an error status. */
export class HttpFailure extends Error {
  readonly status: number;
  readonly headers: Headers;
  /** The start of the body (at most MAX_ERROR_BODY_BYTES). */
  readonly bodyText: string;
  readonly url: string;

  constructor(url: string, status: number, headers: Headers, bodyText: string) {
    super(`HTTP ${status}`);
    this.name = 'HttpFailure';
    this.url = url;
    this.status = status;
    this.headers = headers;
    this.bodyText = bodyText;
  }
}

/** The server answered 200 with no body to read. */
export class NoBodyError extends Error {
  constructor() {
    super('The response has no body.');
    this.name = 'NoBodyError';
  }
}

export function sendRequest(
  request: HttpRequest,
  signal: AbortSignal,
  doFetch: typeof fetch = globalThis.fetch.bind(globalThis),
): Promise<Response> {
  const init: RequestInit = { ...KEY_SAFETY, method: request.method, headers: request.headers, signal };
  if (request.body !== undefined) init.body = request.body;
  return doFetch(request.url, init);
}

/** The body as text, at most `maxBytes` of it; the rest is never read (the stream is cancelled). */
export async function readBoundedText(response: Response, maxBytes = MAX_ERROR_BODY_BYTES): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const room = maxBytes - bytes;
      const part = value.length > room ? value.subarray(0, room) : value;
      bytes += part.length;
      text += decoder.decode(part, { stream: true });
      // Cut here: a character split by the bound is dropped, not turned into U+FFFD.
      if (bytes >= maxBytes) return text;
    }
    return text + decoder.decode();
  } catch {
    return text;
  } finally {
    reader.cancel().catch(() => {});
  }
}

/** Sends the request; a non-2xx answer throws HttpFailure with the start of its body. */
export async function fetchOk(request: HttpRequest, options: Omit<StreamOptions, 'onRawEvent'>): Promise<Response> {
  const response = await sendRequest(request, options.signal, options.fetch);
  if (isRedirect(response)) {
    response.body?.cancel().catch(() => {});
    throw new RedirectRefused(request.url, response.headers.get('location'));
  }
  if (!response.ok) {
    // Cut short (Stop, the idle watchdog) while the body is read, the status still says
    // what happened; the caller checks its own Stop.
    const bodyText = await readBoundedText(response);
    throw new HttpFailure(request.url, response.status, response.headers, bodyText);
  }
  return response;
}

/**
 * `Provider.stream` for HTTP providers: one request, then the body read as SSE events
 * mapped by the provider's `mapper`. Yields an empty batch once the answer has started (the status was OK),
 * then one batch per body chunk.
 */
export async function* streamHttp(
  call: ProviderCall,
  mapper: EventMapper,
  options: StreamOptions,
): AsyncGenerator<ChatDelta[], void, undefined> {
  const response = await fetchOk(call.request, options);
  const body = response.body;
  if (!body) throw new NoBodyError();
  let reading = false;
  try {
    yield [];
    reading = true;
  } finally {
    // Stopped before reading began: the body is not wanted.
    if (!reading) body.cancel().catch(() => {});
  }
  yield* readDeltaBatches(mapper, body, options);
}
