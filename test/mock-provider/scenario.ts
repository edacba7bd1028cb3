/**
 * What the mock provider does with one chat request. A scenario is dialect-neutral: the
 * same object streams as Anthropic Messages SSE when it is consumed by `POST /v1/messages`
 * and as OpenAI chat-completion chunks when consumed by `POST /v1/chat/completions`.
 *
 * Every field is optional; `{}` streams the default answer (see `defaultAnswer`).
 *
 * ```ts
 * mock.enqueue(
 *   { text: ['Hel', 'lo', ' world'], delayMs: 50 },                         // a plain answer
 *   { text: ['a', 'b', 'c'], chunking: { offsets: [3, 17, 200] } },          // awkward TCP reads
 *   { text: ['x', 'y', 'z'], end: { kind: 'error', afterDeltas: 2 } },       // event: error overloaded_error
 *   { httpError: { status: 429, retryAfter: 7 } },                           // real 429 body + headers
 *   { hangAfterHeaders: true },                                              // 200 + headers, then silence
 *   { redirect: { status: 307, location: 'http://127.0.0.1:9/v1/messages' } }, // a redirect to another origin
 * );
 * ```
 */
export interface Scenario {
  /** Text deltas, in order. Default: `answer`'s, else the default answer, word by word. */
  text?: string[];
  /** Text deltas made from the request's last user message, when `text` is not given (the demo's summary, `demo-answer.ts`). */
  answer?: (lastUserText: string) => string[];
  /**
   * Thinking deltas, streamed before the text. Anthropic: a `thinking` block with
   * `thinking_delta`s and a closing `signature_delta`; OpenAI dialect: `reasoning_content`
   * (DeepSeek) or `reasoning` (OpenRouter and others), see `reasoningField`.
   */
  thinking?: string[];
  /** Which delta field carries thinking in the OpenAI dialect. Default `reasoning_content`. */
  reasoningField?: 'reasoning_content' | 'reasoning';
  /** Tool calls streamed after the text (Anthropic `tool_use` blocks / OpenAI `tool_calls`). */
  toolCalls?: ToolCallSpec[];
  /** The provider's stop reason. Default: `end_turn` / `stop`, `tool_use` / `tool_calls` with tool calls, `max_tokens` / `length` when `max_tokens` cut the answer. */
  stopReason?: string;
  /** Token counts reported in usage. Defaults: input estimated from the request (chars / 4), output = number of deltas. */
  usage?: UsageSpec;
  /** Model name reported back. Default: the request's `model`. */
  model?: string;

  /** Milliseconds to wait before sending the status line and headers. Default 0. */
  headersDelayMs?: number;
  /** Milliseconds between consecutive SSE events (every event after the first). Default 0. */
  delayMs?: number;
  /** Silence mid-answer: after this many content deltas, nothing for `ms` (then the rest, as before). */
  pause?: { afterDeltas: number; ms: number };
  /** How the response body is cut into socket writes. Default `'event'`. */
  chunking?: Chunking;
  /** Pause between two writes of a split event/body (so the client really sees separate reads). Default 2 ms; only used by `bytes`/`offsets` chunking. */
  writeGapMs?: number;
  /** How the stream ends. Default `{ kind: 'normal' }`. */
  end?: Ending;
  /** Send the 200 status and headers, then nothing at all until the client hangs up (or the server closes). */
  hangAfterHeaders?: boolean;
  /** Anthropic only: the `event: ping` after the first content_block_start. Default true. */
  ping?: boolean;
  /**
   * Anthropic only: the API pads most `data:` JSON with a few spaces before the closing
   * brace (`{"type":"content_block_stop","index":0    }`); default true, like the real API.
   */
  padding?: boolean;
  /** Replace the generated body by these exact SSE bytes (events split on blank lines; chunking, delays and `end` still apply; `afterDeltas` counts events). */
  raw?: string;

  /** Answer with an HTTP error instead of a stream: the real JSON body and headers for the dialect. */
  httpError?: HttpErrorSpec;
  /** Answer with a redirect instead of a stream (e.g. a 307 to another origin, which a client must not follow with the key). */
  redirect?: { status?: 301 | 302 | 303 | 307 | 308; location: string };
  /** 401 unless the request's key (`x-api-key` / `Authorization: Bearer`) is exactly this. Also settable for the whole server. */
  requireApiKey?: string;
  /** Extra response headers (also applied to HTTP errors), e.g. `{ 'x-should-retry': 'false' }`. */
  headers?: Record<string, string>;
}

export interface ToolCallSpec {
  name: string;
  /** Default: a realistic random id (`toolu_…` / `call_…`). */
  id?: string;
  /** The tool input as an object; streamed as JSON fragments unless `inputJson` is given. */
  input?: unknown;
  /** The exact JSON fragments to stream (joined they should be the JSON of the input). */
  inputJson?: string[];
}

export interface UsageSpec {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  reasoningTokens?: number;
}

/**
 * - `'event'`: one socket write per SSE event (default).
 * - `'whole'`: the whole body in one write (after the `delayMs` of all events has passed).
 * - `{ bytes: n }`: the whole body cut every n bytes (pieces straddle events and UTF-8 sequences).
 * - `{ offsets: [...] }`: the whole body cut at these byte offsets.
 *
 * A piece is written as soon as all its bytes are due (events become due `delayMs` apart).
 */
export type Chunking = 'event' | 'whole' | { bytes: number } | { offsets: number[] };

/**
 * - `normal`: the full stream, ending with `message_stop` / `data: [DONE]`, then a clean end of the response.
 * - `no-end-marker`: a clean end of the response without `message_stop` / `[DONE]`; with `afterDeltas`, the body is
 *   cut right after that many content deltas (a truncated answer), else only the final marker is missing.
 * - `error`: after `afterDeltas` content deltas, an in-stream error (Anthropic `event: error` with `overloaded_error`
 *   by default; OpenAI `data: {"error":…}`), then a clean end.
 * - `destroy`: after `afterDeltas` content deltas the server destroys the socket (no chunked terminator);
 *   `reset: true` sends a TCP RST instead of a FIN.
 *
 * Content deltas are text, thinking and tool-input fragments, counted in the order they are sent.
 */
export type Ending =
  | { kind: 'normal' }
  | { kind: 'no-end-marker'; afterDeltas?: number }
  | { kind: 'error'; afterDeltas: number; errorType?: string; message?: string }
  | { kind: 'destroy'; afterDeltas: number; reset?: boolean };

export interface HttpErrorSpec {
  /** 400, 401, 403, 404, 413, 429, 500, 503, 529 have realistic defaults for each dialect. */
  status: number;
  /** Anthropic `error.type` / OpenAI `error.type`. Default from the status. */
  type?: string;
  /** OpenAI `error.code` (e.g. `insufficient_quota` for a 429 quota error). Default from the status. */
  code?: string | null;
  /** OpenAI `error.param`. */
  param?: string | null;
  /** Default: the provider's usual message for the status. */
  message?: string;
  /** Seconds, sent as `retry-after` (and `retry-after-ms`-less, like the real APIs). 429 defaults to a value. */
  retryAfter?: number;
  /** Send this body verbatim instead of the JSON (e.g. the non-JSON 413 page from Cloudflare). */
  rawBody?: string;
  /** Content type for `rawBody`. Default `text/html`. */
  rawContentType?: string;
}

/** One parsed request as the server saw it. */
export interface RecordedRequest {
  /** Index in `MockProvider.requests`. */
  index: number;
  method: string;
  /** Path without the query string. */
  path: string;
  /** Full request target including the query string. */
  url: string;
  /** Lower-cased header names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** Parsed JSON body, or null (no body, or not JSON). */
  body: unknown;
  /** The body as text ("" when there was none). */
  rawBody: string;
  /** Date.now() when the request arrived. */
  time: number;
  /** Which dialect answered: anthropic, openai, custom (custom-sse.ts), or null for OPTIONS / unknown paths. */
  dialect: 'anthropic' | 'openai' | 'custom' | null;
  /** True for POST /v1/messages, POST /v1/chat/completions and POST /custom/stream (these consume scenarios). */
  chat: boolean;
  /** A streamed answer's body bytes as handed to the socket, once the stream is over. */
  sent?: Buffer;
  /**
   * When each content delta was handed to the socket (`event` chunking only), as high-resolution
   * epoch milliseconds (`performance.timeOrigin + performance.now()`), so a browser page's own
   * clock can be compared with it (bench/latency.ts).
   */
  deltaWrites?: number[];
  /** When the client closed the connection before the response ended (same clock as deltaWrites). */
  clientClosedAt?: number;
  /** Set when the request was refused before any route answered (Ollama mode's 403 origin check). */
  status?: number;
}

/** An SSE event as planned by a dialect, before chunking. */
export interface PlannedEvent {
  /** The exact bytes of the event including its terminating blank line. */
  text: string;
  /** `delta` = one content delta (counted by `afterDeltas`); `end` = the final marker. */
  kind: 'meta' | 'delta' | 'end';
}

/** What a dialect needs to know about the request to build a response. */
export interface RequestInfo {
  model: string;
  lastUserText: string;
  promptChars: number;
  maxTokens: number | null;
  /** OpenAI `stream_options.include_usage`. */
  includeUsage: boolean;
}

// ---------------------------------------------------------------------------------------
// helpers shared by both dialects

/** The canned answer of the default scenario: friendly, quotes the start of the question. */
export function defaultAnswer(lastUserText: string): string[] {
  const words = lastUserText.replace(/\s+/g, ' ').trim().split(' ').filter(Boolean);
  const quoted = words.slice(0, 12).join(' ') + (words.length > 12 ? ' …' : '');
  const answer =
    words.length === 0
      ? 'Hello from the Aside mock provider! Your message was empty. This answer is canned: no real model was called.'
      : `Hello from the Aside mock provider! You wrote: "${quoted}". ` +
        'This answer is canned, streamed word by word, and no real model was called.';
  return splitWords(answer);
}

/** The text deltas a scenario streams for a request: its `text`, else its `answer`'s, else the default answer. */
export function scenarioText(scenario: Scenario, lastUserText: string): string[] {
  return scenario.text ?? (scenario.answer ?? defaultAnswer)(lastUserText);
}

/** "a b c" → ["a", " b", " c"]: how models tend to stream words. */
export function splitWords(text: string): string[] {
  const parts = text.match(/\s*\S+/g);
  return parts ?? [text];
}

/** Split a string into fragments of about `size` characters (for tool-input JSON). */
export function splitEvery(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length > 0 ? out : [''];
}

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function randomString(length: number, alphabet: string = BASE58): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(Math.random() * alphabet.length)];
  return out;
}

export function randomAlnum(length: number): string {
  return randomString(length, ALNUM);
}

/** Text of the last user message (string content, or the text blocks of an array content). */
export function lastUserText(messages: unknown): string {
  if (!Array.isArray(messages)) return '';
  for (let i = messages.length - 1; i >= 0; i--) {
    const m: unknown = messages[i];
    if (!isRecord(m) || m.role !== 'user') continue;
    return contentText(m.content);
  }
  return '';
}

export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((block: unknown) => (isRecord(block) && typeof block.text === 'string' ? block.text : ''))
    .filter(Boolean)
    .join('\n');
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Rough token estimate used for usage numbers. */
export function estimateTokens(chars: number): number {
  return Math.max(1, Math.ceil(chars / 4));
}

/**
 * Apply `max_tokens` the way a model would: each delta is about one token; cut the text and
 * report a max-tokens stop when the answer does not fit.
 */
export function applyMaxTokens(text: string[], maxTokens: number | null): { text: string[]; truncated: boolean } {
  if (maxTokens === null || maxTokens <= 0 || text.length <= maxTokens) return { text, truncated: false };
  return { text: text.slice(0, maxTokens), truncated: true };
}
