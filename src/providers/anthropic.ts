/**
 * Anthropic Messages API: building the streaming request, and mapping its SSE events
 * to ChatDelta. Wire format: https://docs.claude.com/en/docs/build-with-claude/streaming
 */
import type { SseEvent } from '../sse/index.ts';
import type { ChatDelta, ChatMessage, ChatUsage } from './types.ts';

export const ANTHROPIC_VERSION = '2023-06-01';

export interface AnthropicRequest {
  baseUrl: string;
  apiKey: string;
  model: string;
  system?: string;
  messages: ChatMessage[];
  maxTokens: number;
  stream: boolean;
}

export function buildAnthropicRequest(request: AnthropicRequest): { url: string; init: RequestInit } {
  const body: Record<string, unknown> = {
    model: request.model,
    max_tokens: request.maxTokens,
    messages: request.messages,
  };
  if (request.system) body.system = request.system;
  if (request.stream) body.stream = true;
  return {
    url: `${request.baseUrl.replace(/\/+$/, '')}/v1/messages`,
    init: {
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
      body: JSON.stringify(body),
      // A redirect would carry x-api-key to another origin (only Authorization is stripped).
      redirect: 'error',
      // No cookies of the user's provider session ride along.
      credentials: 'omit',
      cache: 'no-store',
    },
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
  const type = event.event === 'error' ? 'error' : (json.type as string | undefined) ?? event.event;
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
          return typeof delta.signature === 'string'
            ? [{ type: 'thinking-signature', signature: delta.signature }]
            : [];
        case 'input_json_delta':
          return typeof delta.partial_json === 'string'
            ? [{ type: 'tool-input', index, json: delta.partial_json }]
            : [];
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
            message: typeof error?.message === 'string' ? error.message : 'The provider reported an error.',
          },
        },
      ];
    }
    default:
      return [];
  }
}
