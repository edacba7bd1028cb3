/**
 * OpenAI chat completions and the compatible family (Gemini's OpenAI endpoint, OpenRouter,
 * Groq, DeepSeek, Mistral, xAI, Together, LM Studio, Ollama, ...): building the request,
 * and mapping the `chat.completion.chunk` SSE stream to ChatDelta.
 *
 * Wire format: https://platform.openai.com/docs/api-reference/chat-streaming — one
 * `data: {json}` event per chunk, ending with `data: [DONE]`. Dialect extras handled here:
 * `delta.reasoning_content` (DeepSeek, vLLM, DashScope compatible mode), `delta.reasoning`
 * (OpenRouter, Ollama, ...), `x_groq.usage` (Groq), `prompt_cache_hit_tokens` (DeepSeek),
 * and the mid-stream error chunk `{"error": {...}}` (OpenAI, OpenRouter, SGLang) or
 * `{"object": "error", ...}` (vLLM).
 */
import { effectiveBaseUrl, presetFor } from './catalog.ts';
import { classifyHttpFailure } from './failures.ts';
import { streamHttp } from './http.ts';
import { fetchModelList, modelsRequest } from './models.ts';
import { isLocalAddress } from './local-servers.ts';
import type { EventMapper, HttpRequest, Provider } from './provider.ts';
import type { ChatDelta, ChatMessage } from './types.ts';
import type { ReasoningEffort } from '../shared/model-options.ts';
import { mapOpenAIUsage, streamErrorOf } from './stream-fields.ts';

export { mapOpenAIUsage, streamErrorOf } from './stream-fields.ts';

export interface OpenAIRequest {
  /** Includes the API version segment, e.g. `https://api.openai.com/v1`, `http://localhost:11434/v1`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …` only when non-empty (Ollama and LM Studio need none). */
  apiKey?: string;
  model: string;
  system?: string;
  messages: ChatMessage[];
  maxTokens: number;
  stream: boolean;
  temperature?: number;
  /** Sent as `reasoning_effort` (the budget is Anthropic's). */
  reasoning?: { effort: ReasoningEffort };
  /** Merged into the body last, so they override what is above. */
  extraFields?: Record<string, unknown>;
  /**
   * Ask for the final usage chunk (`stream_options.include_usage`) when streaming.
   * Default true; a server that rejects unknown fields can be given false.
   */
  includeUsage?: boolean;
}

/**
 * True for OpenAI's own API. OpenAI deprecated `max_tokens` in favour of
 * `max_completion_tokens`, and its reasoning models (o1, o3, gpt-5, ...) reject
 * `max_tokens` with a 400. Most compatible servers (Ollama, LM Studio, DeepSeek, Groq,
 * Mistral, older vLLM, ...) only know `max_tokens` and ignore or reject the new name,
 * so everything else keeps the old one.
 */
export function usesMaxCompletionTokens(baseUrl: string): boolean {
  try {
    return new URL(baseUrl).hostname.toLowerCase() === 'api.openai.com';
  } catch {
    return false;
  }
}

export function buildOpenAIRequest(request: OpenAIRequest): HttpRequest {
  const messages: { role: string; content: string }[] = [];
  if (request.system) messages.push({ role: 'system', content: request.system });
  for (const m of request.messages) messages.push({ role: m.role, content: m.content });
  const body: Record<string, unknown> = { model: request.model, messages };
  body[usesMaxCompletionTokens(request.baseUrl) ? 'max_completion_tokens' : 'max_tokens'] = request.maxTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.reasoning) body.reasoning_effort = request.reasoning.effort;
  if (request.stream) {
    body.stream = true;
    if (request.includeUsage !== false) body.stream_options = { include_usage: true };
  }
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: request.stream ? 'text/event-stream' : 'application/json',
  };
  if (request.apiKey) headers.authorization = `Bearer ${request.apiKey}`;
  return {
    url: `${request.baseUrl.replace(/\/+$/, '')}/chat/completions`,
    method: 'POST',
    headers,
    // Spread, not assignment: an extra `__proto__` field is a field like any other.
    body: JSON.stringify(request.extraFields ? { ...body, ...request.extraFields } : body),
  };
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object';

/** The error of a mid-stream error chunk, or null when the chunk is not one. */
export function openAIStreamError(json: Json, eventType: string): { type: string; message: string } | null {
  let error: unknown = json.error;
  if (!(isObject(error) || (typeof error === 'string' && error !== ''))) {
    if (json.object === 'error')
      error = json; // vLLM
    else if (eventType === 'error') error = json;
    else return null;
  }
  return streamErrorOf(error);
}

/**
 * Maps one SSE event. Returns 'malformed' for data that is not a JSON object. A `done`
 * delta (for `[DONE]`) or an `error` delta ends the stream; the caller stops reading.
 */
export type OpenAIEventMapper = EventMapper;

interface ToolState {
  id: string;
  name: string;
}

/**
 * A mapper for one stream. It is stateful because tool calls arrive as fragments: the
 * first fragment of each `index` carries `id` and `function.name` (→ `tool-start`), the
 * rest carry pieces of `function.arguments` (→ `tool-input`). A later fragment that
 * repeats the same id/name emits nothing new; one that changes them emits another
 * `tool-start` for the same index (accumulateChat keeps the arguments joined so far),
 * which matches the SDK, where the last name wins.
 *
 * Only choice index 0 is read (Aside never asks for n > 1).
 */
export function createOpenAIEventMapper(): OpenAIEventMapper {
  const tools = new Map<number, ToolState>();
  const indexById = new Map<string, number>();
  let lastToolIndex = -1;

  function mapToolCalls(calls: unknown[], out: ChatDelta[]): void {
    for (let i = 0; i < calls.length; i++) {
      const call = calls[i];
      if (!isObject(call)) continue;
      const id = typeof call.id === 'string' ? call.id : '';
      let index: number;
      if (typeof call.index === 'number' && Number.isInteger(call.index) && call.index >= 0) {
        index = call.index;
      } else if (id !== '') {
        // Some servers (Gemini's compatible endpoint) leave out `index`: a new id is a new call.
        index = indexById.get(id) ?? Math.max(lastToolIndex + 1, tools.size);
      } else {
        index = lastToolIndex >= 0 ? lastToolIndex : i;
      }
      if (id !== '') indexById.set(id, index);
      lastToolIndex = index;
      const fn = isObject(call.function) ? call.function : null;
      const name = fn && typeof fn.name === 'string' ? fn.name : '';
      let state = tools.get(index);
      if (!state) {
        state = { id: '', name: '' };
        tools.set(index, state);
      }
      if ((id !== '' && id !== state.id) || (name !== '' && name !== state.name)) {
        if (id !== '') state.id = id;
        if (name !== '') state.name = name;
        out.push({ type: 'tool-start', index, id: state.id, name: state.name });
      }
      const args = fn?.arguments;
      if (typeof args === 'string' && args !== '') out.push({ type: 'tool-input', index, json: args });
    }
  }

  return {
    map(event) {
      const data = event.data;
      if (data === '[DONE]') return [{ type: 'done' }];
      let json: unknown;
      try {
        json = JSON.parse(data);
      } catch {
        return 'malformed';
      }
      if (!isObject(json)) return 'malformed';
      const error = openAIStreamError(json, event.event);
      if (error) return [{ type: 'error', error }];

      const out: ChatDelta[] = [];
      let stop: string | null = null;
      const choices = json.choices;
      if (Array.isArray(choices)) {
        for (const choice of choices) {
          if (!isObject(choice)) continue;
          if (typeof choice.index === 'number' && choice.index !== 0) continue;
          const delta = choice.delta;
          if (isObject(delta)) {
            // DeepSeek says reasoning_content, OpenRouter and Ollama say reasoning; a server
            // sending both carries the same text twice, so one is taken, not both.
            const reasoning =
              typeof delta.reasoning_content === 'string' && delta.reasoning_content !== '' ? delta.reasoning_content : delta.reasoning;
            if (typeof reasoning === 'string' && reasoning !== '') out.push({ type: 'thinking', text: reasoning });
            const content = delta.content;
            if (typeof content === 'string' && content !== '') out.push({ type: 'text', text: content });
            // A refusal is the model's visible answer in its own field; the panel shows it as text.
            const refusal = delta.refusal;
            if (typeof refusal === 'string' && refusal !== '') out.push({ type: 'text', text: refusal });
            if (Array.isArray(delta.tool_calls)) mapToolCalls(delta.tool_calls, out);
          }
          if (typeof choice.finish_reason === 'string' && choice.finish_reason !== '') stop = choice.finish_reason;
        }
      }
      const usage = mapOpenAIUsage(json.usage ?? (isObject(json.x_groq) ? json.x_groq.usage : undefined));
      if (usage) out.push({ type: 'usage', usage });
      if (stop !== null) out.push({ type: 'stop', reason: stop });
      return out;
    },
    errorEnds: true,
  };
}

/** An Ollama server, by its default port (11434) or a host name that says so. */
export function isLikelyOllama(url: string | undefined): boolean {
  if (!url) return false;
  try {
    const u = new URL(url);
    return u.port === '11434' || /(^|[.-])ollama([.-]|$)/i.test(u.hostname);
  } catch {
    return false;
  }
}

export const openAIProvider: Provider = {
  dialect: 'openai',
  // Only some servers continue a trailing assistant message (DeepSeek's beta prefix, Mistral's
  // `prefix`), each its own way: the family as a whole is asked instead.
  continuesAssistantMessage: false,
  buildCall(settings, apiKey, request) {
    return {
      request: buildOpenAIRequest({ baseUrl: effectiveBaseUrl(settings), apiKey, model: settings.model, ...request }),
      format: { kind: 'openai' },
    };
  },
  eventMapper: () => createOpenAIEventMapper(),
  stream: (call, options) => streamHttp(call, createOpenAIEventMapper(), options),
  classifyFailure: (status, bodyText, { url }) =>
    // Ollama's origin check: a 403 with an empty body from its CORS middleware when the
    // extension's origin is not in OLLAMA_ORIGINS.
    classifyHttpFailure(status, bodyText, (code, _body, text) =>
      code === 403 && text.trim() === '' && (isLikelyOllama(url) || (url !== undefined && isLocalAddress(url)))
        ? 'ollama-origin'
        : null,
    ),
  listModels: (settings, apiKey, options) =>
    presetFor(settings.provider).listsModels
      ? fetchModelList('openai', modelsRequest('openai', effectiveBaseUrl(settings), apiKey), options)
      : Promise.resolve([]),
};
