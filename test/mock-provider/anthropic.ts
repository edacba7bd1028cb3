/**
 * The Anthropic Messages dialect: request validation, the SSE event sequence, the
 * non-streaming Message object, error bodies and headers, and the models list.
 *
 * Wire format modelled on recorded API traffic (the SDK's own fixtures in
 * anthropics/anthropic-sdk-typescript `tests/lib/fixtures/*.txt` and a 2025 recording):
 * compact JSON with the `type` first, `model` first in the message object, `ping` as
 * `{"type": "ping"}` (with a space), a few padding spaces before the closing brace of most
 * `data:` lines, cumulative usage (with input and cache counts) in `message_delta`, and
 * error bodies `{"type":"error","error":{"type":…,"message":…},"request_id":…}`.
 */
import {
  applyMaxTokens,
  contentText,
  scenarioText,
  estimateTokens,
  isRecord,
  randomString,
  splitEvery,
  type HttpErrorSpec,
  type PlannedEvent,
  type RequestInfo,
  type Scenario,
} from './scenario.ts';

export interface ErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function anthropicRequestId(): string {
  return `req_011C${randomString(20)}`;
}

export function anthropicMessageId(): string {
  return `msg_01${randomString(22)}`;
}

export function anthropicToolId(): string {
  return `toolu_01${randomString(22)}`;
}

const DEFAULT_ERRORS: Record<number, { type: string; message: (info: Partial<RequestInfo>) => string }> = {
  400: { type: 'invalid_request_error', message: () => 'prompt is too long: 215341 tokens > 200000 maximum' },
  401: { type: 'authentication_error', message: () => 'invalid x-api-key' },
  402: {
    type: 'billing_error',
    message: () =>
      'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.',
  },
  403: { type: 'permission_error', message: () => 'Your API key does not have permission to use the specified resource.' },
  404: { type: 'not_found_error', message: (info) => (info.model ? `model: ${info.model}` : 'Not Found') },
  413: { type: 'request_too_large', message: () => 'Request exceeds the maximum allowed number of bytes.' },
  429: {
    type: 'rate_limit_error',
    message: () =>
      'This request would exceed the rate limit for your organization of 50,000 input tokens per minute. ' +
      'For details, refer to: https://docs.claude.com/en/api/rate-limits. You can see the response headers for current usage. ' +
      'Please reduce the prompt length or the maximum tokens requested, or try again later. ' +
      'You may also contact sales at https://www.anthropic.com/contact-sales to discuss your options for a rate limit increase.',
  },
  500: { type: 'api_error', message: () => 'Internal server error' },
  504: { type: 'timeout_error', message: () => 'Request timed out' },
  529: { type: 'overloaded_error', message: () => 'Overloaded' },
};

/** Headers every Anthropic response carries. */
export function anthropicBaseHeaders(requestId: string): Record<string, string> {
  const reset = new Date(Date.now() + 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    'request-id': requestId,
    'anthropic-organization-id': '00000000-0000-4000-8000-00000000a51d',
    'anthropic-ratelimit-requests-limit': '50',
    'anthropic-ratelimit-requests-remaining': '49',
    'anthropic-ratelimit-requests-reset': reset,
    'anthropic-ratelimit-input-tokens-limit': '50000',
    'anthropic-ratelimit-input-tokens-remaining': '50000',
    'anthropic-ratelimit-input-tokens-reset': reset,
    'anthropic-ratelimit-output-tokens-limit': '10000',
    'anthropic-ratelimit-output-tokens-remaining': '10000',
    'anthropic-ratelimit-output-tokens-reset': reset,
    'x-robots-tag': 'none',
  };
}

export function anthropicStreamHeaders(requestId: string): Record<string, string> {
  return {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    ...anthropicBaseHeaders(requestId),
  };
}

/** A complete HTTP error response in Anthropic's shape. */
export function anthropicError(spec: HttpErrorSpec, info: Partial<RequestInfo> = {}): ErrorResponse {
  const requestId = anthropicRequestId();
  const headers: Record<string, string> = { ...anthropicBaseHeaders(requestId) };
  const retryAfter = spec.retryAfter ?? (spec.status === 429 ? 12 : undefined);
  if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
  if (spec.status === 429) headers['anthropic-ratelimit-input-tokens-remaining'] = '0';
  if (spec.rawBody !== undefined) {
    headers['content-type'] = spec.rawContentType ?? 'text/html';
    return { status: spec.status, headers, body: spec.rawBody };
  }
  const fallback = DEFAULT_ERRORS[spec.status] ?? (spec.status >= 500 ? DEFAULT_ERRORS[500] : DEFAULT_ERRORS[400]);
  const type = spec.type ?? fallback?.type ?? 'api_error';
  const message = spec.message ?? fallback?.message(info) ?? 'Error';
  headers['content-type'] = 'application/json';
  const body = JSON.stringify({ type: 'error', error: { type, message }, request_id: requestId });
  return { status: spec.status, headers, body };
}

/**
 * Validate like the API does. Returns the error response, or null when the request is fine.
 * `requireApiKey`: the key that must be sent; `browserAccessRule`: the 401 the API gives a
 * request with an `Origin` header but without `anthropic-dangerous-direct-browser-access: true`.
 */
export function validateAnthropic(
  headers: Record<string, string>,
  body: unknown,
  rawBody: string,
  options: { requireApiKey?: string; browserAccessRule: boolean; checkBody: boolean },
): ErrorResponse | null {
  if (!headers['anthropic-version']) {
    return anthropicError({ status: 400, message: 'anthropic-version: header is required' });
  }
  if (options.browserAccessRule && headers.origin !== undefined && headers['anthropic-dangerous-direct-browser-access'] !== 'true') {
    return anthropicError({
      status: 401,
      message: "CORS requests must set 'anthropic-dangerous-direct-browser-access' header",
    });
  }
  // The API takes the key as `x-api-key` (hand-written clients) or `Authorization: Bearer`
  // (what @anthropic-ai/sdk 1.x sends).
  const bearer = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '')?.[1];
  const key = headers['x-api-key'] || bearer;
  if (!key) return anthropicError({ status: 401, message: 'x-api-key header is required' });
  if (options.requireApiKey !== undefined && key !== options.requireApiKey) {
    return anthropicError({ status: 401, message: 'invalid x-api-key' });
  }
  if (!options.checkBody) return null;
  if (!isRecord(body)) {
    const message =
      rawBody.trim() === '' ? 'Request body is empty' : 'There was an issue with the format of your request: invalid JSON';
    return anthropicError({ status: 400, message });
  }
  for (const field of ['model', 'max_tokens', 'messages'] as const) {
    if (!(field in body)) return anthropicError({ status: 400, message: `${field}: Field required` });
  }
  if (typeof body.model !== 'string') return anthropicError({ status: 400, message: 'model: Input should be a valid string' });
  if (typeof body.max_tokens !== 'number' || !Number.isInteger(body.max_tokens)) {
    return anthropicError({ status: 400, message: 'max_tokens: Input should be a valid integer' });
  }
  if (body.max_tokens < 1) return anthropicError({ status: 400, message: 'max_tokens: Input should be greater than or equal to 1' });
  if (!Array.isArray(body.messages)) return anthropicError({ status: 400, message: 'messages: Input should be a valid list' });
  if (body.messages.length === 0) return anthropicError({ status: 400, message: 'messages: at least one message is required' });
  return null;
}

/** Pseudo-random padding like the API's: 1–7 spaces before the closing brace. */
function pad(json: string, padding: boolean): string {
  if (!padding) return json;
  const spaces = ' '.repeat(1 + Math.floor(Math.random() * 7));
  return json.slice(0, -1) + spaces + '}';
}

function event(name: string, data: unknown, kind: PlannedEvent['kind'], padding: boolean): PlannedEvent {
  return { text: `event: ${name}\ndata: ${pad(JSON.stringify(data), padding)}\n\n`, kind };
}

/** Resolved content of a scenario for this request (shared by the stream and the JSON Message). */
function resolveContent(scenario: Scenario, info: RequestInfo) {
  const fitted = applyMaxTokens(scenarioText(scenario, info.lastUserText), info.maxTokens);
  const tools = (scenario.toolCalls ?? []).map((t) => {
    const json = t.inputJson ?? splitEvery(JSON.stringify(t.input ?? {}), 12);
    return { id: t.id ?? anthropicToolId(), name: t.name, fragments: json, input: t.input ?? safeParse(json.join('')) };
  });
  const stopReason = scenario.stopReason ?? (fitted.truncated ? 'max_tokens' : tools.length > 0 ? 'tool_use' : 'end_turn');
  const thinking = scenario.thinking ?? [];
  const deltaCount = thinking.length + fitted.text.length + tools.reduce((n, t) => n + t.fragments.length, 0);
  const usage = scenario.usage ?? {};
  return {
    model: scenario.model ?? info.model,
    text: fitted.text,
    thinking,
    tools,
    stopReason,
    inputTokens: usage.inputTokens ?? estimateTokens(info.promptChars),
    outputTokens: usage.outputTokens ?? Math.max(1, deltaCount),
    cacheRead: usage.cacheReadTokens ?? 0,
    cacheWrite: usage.cacheWriteTokens ?? 0,
  };
}

function safeParse(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return {};
  }
}

function startUsage(c: ReturnType<typeof resolveContent>) {
  return {
    input_tokens: c.inputTokens,
    cache_creation_input_tokens: c.cacheWrite,
    cache_read_input_tokens: c.cacheRead,
    cache_creation: { ephemeral_5m_input_tokens: c.cacheWrite, ephemeral_1h_input_tokens: 0 },
    output_tokens: 1,
    service_tier: 'standard',
    inference_geo: 'not_available',
  };
}

/** The full event sequence of a streamed Message (before any `end` truncation). */
export function anthropicStreamEvents(scenario: Scenario, info: RequestInfo): PlannedEvent[] {
  const padding = scenario.padding ?? true;
  const c = resolveContent(scenario, info);
  const events: PlannedEvent[] = [];
  events.push(
    event(
      'message_start',
      {
        type: 'message_start',
        message: {
          model: c.model,
          id: anthropicMessageId(),
          type: 'message',
          role: 'assistant',
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: startUsage(c),
        },
      },
      'meta',
      padding,
    ),
  );
  let index = 0;
  let pinged = false;
  const ping = () => {
    if (pinged || scenario.ping === false) return;
    pinged = true;
    events.push({ text: 'event: ping\ndata: {"type": "ping"}\n\n', kind: 'meta' });
  };
  const block = (contentBlock: unknown, deltas: unknown[], extra: unknown[] = []) => {
    events.push(event('content_block_start', { type: 'content_block_start', index, content_block: contentBlock }, 'meta', padding));
    ping();
    for (const delta of deltas) {
      events.push(event('content_block_delta', { type: 'content_block_delta', index, delta }, 'delta', padding));
    }
    for (const delta of extra) {
      events.push(event('content_block_delta', { type: 'content_block_delta', index, delta }, 'meta', padding));
    }
    events.push(event('content_block_stop', { type: 'content_block_stop', index }, 'meta', padding));
    index++;
  };
  if (c.thinking.length > 0) {
    block(
      { type: 'thinking', thinking: '', signature: '' },
      c.thinking.map((thinking) => ({ type: 'thinking_delta', thinking })),
      [{ type: 'signature_delta', signature: `Eq${randomString(86)}==` }],
    );
  }
  if (c.text.length > 0 || c.tools.length === 0) {
    block(
      { type: 'text', text: '' },
      c.text.map((text) => ({ type: 'text_delta', text })),
    );
  }
  for (const tool of c.tools) {
    block(
      { type: 'tool_use', id: tool.id, name: tool.name, input: {} },
      tool.fragments.map((partial_json) => ({ type: 'input_json_delta', partial_json })),
    );
  }
  events.push(
    event(
      'message_delta',
      {
        type: 'message_delta',
        delta: { stop_reason: c.stopReason, stop_sequence: null },
        usage: {
          input_tokens: c.inputTokens,
          cache_creation_input_tokens: c.cacheWrite,
          cache_read_input_tokens: c.cacheRead,
          output_tokens: c.outputTokens,
        },
      },
      'meta',
      padding,
    ),
  );
  events.push({ text: 'event: message_stop\ndata: {"type":"message_stop"}\n\n', kind: 'end' });
  return events;
}

/** The in-stream error event (after a 200). */
export function anthropicErrorEvent(errorType = 'overloaded_error', message = 'Overloaded'): PlannedEvent {
  const data = { type: 'error', error: { details: null, type: errorType, message }, request_id: anthropicRequestId() };
  return { text: `event: error\ndata: ${JSON.stringify(data)}\n\n`, kind: 'meta' };
}

/** The non-streaming Message object (`stream` absent or false). */
export function anthropicMessage(scenario: Scenario, info: RequestInfo): string {
  const c = resolveContent(scenario, info);
  const content: unknown[] = [];
  if (c.thinking.length > 0) {
    content.push({ type: 'thinking', thinking: c.thinking.join(''), signature: `Eq${randomString(86)}==` });
  }
  if (c.text.length > 0 || c.tools.length === 0) content.push({ type: 'text', text: c.text.join('') });
  for (const tool of c.tools) content.push({ type: 'tool_use', id: tool.id, name: tool.name, input: tool.input });
  return JSON.stringify({
    model: c.model,
    id: anthropicMessageId(),
    type: 'message',
    role: 'assistant',
    content,
    stop_reason: c.stopReason,
    stop_sequence: null,
    usage: { ...startUsage(c), output_tokens: c.outputTokens },
  });
}

export const ANTHROPIC_MODELS = [
  { id: 'claude-sonnet-5-5', display_name: 'Claude Sonnet 5.5', created_at: '2026-05-12T00:00:00Z' },
  { id: 'claude-opus-5-5', display_name: 'Claude Opus 5.5', created_at: '2026-05-12T00:00:00Z' },
  { id: 'claude-haiku-5-5', display_name: 'Claude Haiku 5.5', created_at: '2026-05-12T00:00:00Z' },
  { id: 'claude-sonnet-4-5-20250929', display_name: 'Claude Sonnet 4.5', created_at: '2025-09-29T00:00:00Z' },
];

/** `GET /v1/models` in Anthropic's page shape. */
export function anthropicModels(): string {
  const data = ANTHROPIC_MODELS.map((m) => ({ type: 'model', ...m }));
  return JSON.stringify({ data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null });
}

/**
 * `POST /v1/messages/count_tokens`: `{input_tokens}`, deterministic: one token per 3
 * characters of the system prompt and every message's text, plus 7 (so a test can tell it
 * from Aside's own estimate, which divides by 4).
 */
export function anthropicCountTokens(body: unknown): string {
  let chars = 0;
  if (isRecord(body)) {
    if (typeof body.system === 'string') chars += body.system.length;
    if (Array.isArray(body.messages)) {
      for (const message of body.messages) if (isRecord(message)) chars += contentText(message.content).length;
    }
  }
  return JSON.stringify({ input_tokens: countTokensFor(chars) });
}

/** The mock's count for this many characters (exported for tests). */
export function countTokensFor(chars: number): number {
  return Math.ceil(chars / 3) + 7;
}
