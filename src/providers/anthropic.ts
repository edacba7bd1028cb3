/**
 * Anthropic Messages API: building the streaming request, and mapping its SSE events
 * to ChatDelta. Wire format: https://docs.claude.com/en/docs/build-with-claude/streaming
 */
import type { SseEvent } from '../sse/index.ts';
import { effectiveBaseUrl, presetFor } from './catalog.ts';
import { classifyHttpFailure } from './failures.ts';
import { streamHttp } from './http.ts';
import { ANTHROPIC_VERSION, fetchModelList, modelsRequest } from './models.ts';
import type { EventMapper, HttpRequest, Provider } from './provider.ts';
import type { ChatDelta, ChatMessage, ChatUsage } from './types.ts';

export { ANTHROPIC_VERSION } from './models.ts';

export interface AnthropicRequest {
  baseUrl: string;
  apiKey: string;
  model: string;
  system?: string;
  messages: ChatMessage[];
  maxTokens: number;
  stream: boolean;
  temperature?: number;
  /** Extended thinking: `thinking: {type: 'enabled', budget_tokens}` (the effort is the OpenAI family's). */
  reasoning?: { budgetTokens: number };
  /** Merged into the body last, so they override what is above. */
  extraFields?: Record<string, unknown>;
}

export function buildAnthropicRequest(request: AnthropicRequest): HttpRequest {
  const body: Record<string, unknown> = {
    model: request.model,
    max_tokens: request.maxTokens,
    messages: request.messages,
  };
  if (request.system) body.system = request.system;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.reasoning) body.thinking = { type: 'enabled', budget_tokens: request.reasoning.budgetTokens };
  if (request.stream) body.stream = true;
  return {
    url: `${request.baseUrl.replace(/\/+$/, '')}/v1/messages`,
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: request.stream ? 'text/event-stream' : 'application/json',
      'x-api-key': request.apiKey,
      'anthropic-version': ANTHROPIC_VERSION,
      // Anthropic refuses browser-origin requests (extension pages send an Origin)
      // without this opt-in; the key never leaves the background.
      'anthropic-dangerous-direct-browser-access': 'true',
    },
    // Spread, not assignment: an extra `__proto__` field is a field like any other.
    body: JSON.stringify(request.extraFields ? { ...body, ...request.extraFields } : body),
  };
}

interface AnthropicUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
}

function mapUsage(usage: AnthropicUsage | undefined): ChatUsage | null {
  if (!usage || typeof usage !== 'object') return null;
  const out: ChatUsage = {};
  if (typeof usage.input_tokens === 'number') out.inputTokens = usage.input_tokens;
  if (typeof usage.output_tokens === 'number') out.outputTokens = usage.output_tokens;
  if (typeof usage.cache_read_input_tokens === 'number') out.cacheReadTokens = usage.cache_read_input_tokens;
  if (typeof usage.cache_creation_input_tokens === 'number') out.cacheWriteTokens = usage.cache_creation_input_tokens;
  return out;
}

function parseJson(data: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(data);
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * Maps one Anthropic SSE event to deltas. Returns 'malformed' for data that is not a JSON
 * object: the stream can no longer be trusted and the caller stops reading.
 * Unknown event types map to nothing (forward compatible); so does `ping`.
 */
export function mapAnthropicEvent(event: SseEvent): ChatDelta[] | 'malformed' {
  const json = parseJson(event.data);
  if (!json) return 'malformed';
  const type = event.event === 'error' ? 'error' : ((json.type as string | undefined) ?? event.event);
  switch (type) {
    case 'message_start': {
      const usage = mapUsage((json.message as { usage?: AnthropicUsage } | undefined)?.usage);
      return usage ? [{ type: 'usage', usage }] : [];
    }
    case 'content_block_start': {
      const index = typeof json.index === 'number' ? json.index : 0;
      const block = json.content_block as { type?: string; id?: string; name?: string; text?: string } | undefined;
      if (block?.type === 'tool_use') return [{ type: 'tool-start', index, id: block.id ?? '', name: block.name ?? '' }];
      // A text block may start with text already in it (the API sends "" today).
      if (block?.type === 'text' && block.text) return [{ type: 'text', text: block.text }];
      return [];
    }
    case 'content_block_delta': {
      const index = typeof json.index === 'number' ? json.index : 0;
      const delta = json.delta as Record<string, unknown> | undefined;
      switch (delta?.type) {
        case 'text_delta':
          return typeof delta.text === 'string' ? [{ type: 'text', text: delta.text }] : [];
        case 'thinking_delta':
          return typeof delta.thinking === 'string' ? [{ type: 'thinking', text: delta.thinking }] : [];
        case 'signature_delta':
          return typeof delta.signature === 'string' ? [{ type: 'thinking-signature', signature: delta.signature }] : [];
        case 'input_json_delta':
          return typeof delta.partial_json === 'string' ? [{ type: 'tool-input', index, json: delta.partial_json }] : [];
        default:
          return [];
      }
    }
    case 'message_delta': {
      const out: ChatDelta[] = [];
      const usage = mapUsage(json.usage as AnthropicUsage | undefined);
      if (usage) out.push({ type: 'usage', usage });
      const stopReason = (json.delta as { stop_reason?: unknown } | undefined)?.stop_reason;
      if (typeof stopReason === 'string') out.push({ type: 'stop', reason: stopReason });
      return out;
    }
    case 'message_stop':
      return [{ type: 'done' }];
    case 'error': {
      const error = json.error as { type?: unknown; message?: unknown } | undefined;
      return [
        {
          type: 'error',
          error: {
            type: typeof error?.type === 'string' ? error.type : 'error',
            message: typeof error?.message === 'string' ? error.message : '',
          },
        },
      ];
    }
    default:
      return [];
  }
}

const TEXT_DELTA_HEAD = '{"type":"content_block_delta","index":';
const TEXT_DELTA_MID = ',"delta":{"type":"text_delta","text":"';
const TEXT_DELTA_TAIL = '"}}';
/** Characters that make a JSON string's raw text differ from its value, or invalid. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what must be found
const NEEDS_JSON_DECODING = /["\\\u0000-\u001f]/;

/**
 * The text of an Anthropic text_delta event in the API's exact compact form
 * (`{"type":"content_block_delta","index":N,"delta":{"type":"text_delta","text":"…"}}`),
 * read without building the event object; null for anything else (the caller then does
 * the full JSON.parse). Text deltas are nearly every event of a long answer, and parsing
 * them whole was most of the cost of reading a stream. Anything the fast path cannot
 * prove equal to the full parse (escapes it cannot skip, extra members, whitespace,
 * a leading zero) falls back, so the two always agree (tested as a property).
 */
export function anthropicTextFastPath(event: SseEvent): string | null {
  const data = event.data;
  if (event.event === 'error' || !data.startsWith(TEXT_DELTA_HEAD) || !data.endsWith(TEXT_DELTA_TAIL)) return null;
  let i = TEXT_DELTA_HEAD.length;
  const digits = i;
  for (let c = data.charCodeAt(i); c >= 48 && c <= 57; c = data.charCodeAt(++i));
  if (i === digits || (i - digits > 1 && data.charCodeAt(digits) === 48)) return null;
  if (!data.startsWith(TEXT_DELTA_MID, i)) return null;
  const start = i + TEXT_DELTA_MID.length;
  const end = data.length - TEXT_DELTA_TAIL.length;
  if (end < start) return null;
  const raw = data.slice(start, end);
  if (!NEEDS_JSON_DECODING.test(raw)) return raw;
  try {
    // An unescaped quote or control character makes this throw: then it was not one string.
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return null;
  }
}

const anthropicMapper: EventMapper = { map: mapAnthropicEvent, errorEnds: false, fastText: anthropicTextFastPath };

export const anthropicProvider: Provider = {
  dialect: 'anthropic',
  continuesAssistantMessage: true,
  buildCall(settings, apiKey, request) {
    return {
      request: buildAnthropicRequest({ baseUrl: effectiveBaseUrl(settings), apiKey, model: settings.model, ...request }),
      format: { kind: 'anthropic' },
    };
  },
  eventMapper: () => anthropicMapper,
  stream: (call, options) => streamHttp(call, anthropicMapper, options),
  classifyFailure: (status, bodyText) =>
    // Anthropic reports an empty prepaid balance as a 400 invalid_request_error.
    classifyHttpFailure(status, bodyText, (code, body) =>
      code === 400 && /credit balance is too low/i.test(body.message ?? '') ? 'quota' : null,
    ),
  listModels: (settings, apiKey, options) =>
    presetFor(settings.provider).listsModels
      ? fetchModelList('anthropic', modelsRequest('anthropic', effectiveBaseUrl(settings), apiKey), options)
      : Promise.resolve([]),
};

/**
 * `POST /v1/messages/count_tokens`: the exact input tokens of a request, free of charge
 * (https://docs.claude.com/en/api/messages-count-tokens). Same headers as a message; the
 * body is the message's without max_tokens, stream or temperature, which it refuses.
 */
export function countTokensRequest(request: {
  baseUrl: string;
  apiKey: string;
  model: string;
  system?: string;
  messages: ChatMessage[];
}): HttpRequest {
  const message = buildAnthropicRequest({ ...request, maxTokens: 1, stream: false });
  const body: Record<string, unknown> = { model: request.model, messages: request.messages };
  if (request.system) body.system = request.system;
  return { ...message, url: message.url.replace(/\/v1\/messages$/, '/v1/messages/count_tokens'), body: JSON.stringify(body) };
}

/** `{input_tokens}` from a count_tokens response; null when the body is not that. */
export function parseCountTokens(bodyText: string): number | null {
  try {
    const json = JSON.parse(bodyText) as { input_tokens?: unknown };
    const tokens = json.input_tokens;
    return typeof tokens === 'number' && Number.isInteger(tokens) && tokens >= 0 ? tokens : null;
  } catch {
    return null;
  }
}
