/**
 * "Custom SSE" endpoints: a user-described request (URL, method, headers, a JSON body
 * template) and a user-described stream (dot paths into each event's JSON).
 *
 * Stream rules, in order, for each SSE event:
 * 1. data equal to `doneData` (default `[DONE]`, surrounding whitespace ignored) is the end
 *    marker: `done`, stop reading. It is recognised in events of any type.
 * 2. With `eventType` set, events of other types are skipped (except `event: error`).
 *    SSE events without an `event:` line have the type "message".
 * 3. data that is not JSON: one malformed-stream error, stop reading.
 * 4. An error event (`event: error`, or JSON with an `error` member) → `error`, stop reading.
 * 5. The string at `reasoningPath` → thinking, at `textPath` → text. A missing path or a
 *    non-string value gives nothing. Paths are dot separated; numeric segments index arrays
 *    (`choices.0.delta.content`; `choices[0]` is accepted too); an empty path is the whole value.
 * 6. `textMode: 'cumulative'`: each event repeats the whole text so far, so only the new
 *    suffix is emitted. An event whose text is a prefix of what was already emitted (a
 *    repeat) emits nothing. An event whose text rewrites what was already emitted cannot be
 *    shown faithfully (text already shown cannot be taken back), so the stream stops there
 *    with a `cumulative_text_rewritten` error; the part shown so far is kept.
 * 7. A finish: a `finish_reason` (or `finishReason`) string other than "" and "null" (DashScope
 *    sends the string "null" while generating) on the event's root object or on any object
 *    along `textPath` (e.g. `output.finish_reason` for `output.text`,
 *    `choices.0.finish_reason` for `choices.0.delta.content`) → `stop` with that reason.
 * 8. A root `usage` object (`input_tokens`/`output_tokens` or `prompt_tokens`/
 *    `completion_tokens`) → usage.
 *
 * Completeness: the stream is complete when the done marker arrives, or, for formats
 * without one (DashScope), when the body ends normally after an event carried a finish
 * (rule 7). A body that ends without either is incomplete (truncated).
 */
import { DEFAULT_CUSTOM_BODY_TEMPLATE } from '../shared/custom-endpoint.ts';
import { classifyHttpFailure } from './failures.ts';
import { streamHttp } from './http.ts';
import { mapOpenAIUsage, streamErrorOf } from './openai.ts';
import { fillJsonTemplate, parseHeaderLines } from './custom-template.ts';
import { ProviderSetupError, type EventMapper, type HttpRequest, type Provider } from './provider.ts';
import type { ChatDelta, ChatMessage, ChatUsage, StreamFormat } from './types.ts';

export { DEFAULT_CUSTOM_BODY_TEMPLATE } from '../shared/custom-endpoint.ts';
export { fillJsonTemplate, parseHeaderLines } from './custom-template.ts';

/** Where the text is in a custom endpoint's events (StreamFormat's custom variant). */
export type CustomStreamFormat = Omit<Extract<StreamFormat, { kind: 'custom' }>, 'kind'>;

/** Text already shown cannot be taken back: the stream stops with this error. */
export const CUMULATIVE_REWRITE_ERROR = { type: 'cumulative_text_rewritten', message: '' };

type Segment = string | number;

/** Parses a dot path: "output.text", "choices.0.delta.content", "choices[0].delta". */
export function parsePath(path: string): Segment[] {
  const normalized = path
    .trim()
    .replace(/\[(\d+)\]/g, '.$1')
    .replace(/^\./, '');
  if (normalized === '') return [];
  return normalized.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** The value at a parsed path, or undefined when any step is missing. Own properties only. */
export function getPath(value: unknown, path: readonly Segment[]): unknown {
  let v = value;
  for (const segment of path) {
    if (v === null || typeof v !== 'object') return undefined;
    if (Array.isArray(v)) {
      if (typeof segment !== 'number') return undefined;
      v = v[segment];
    } else {
      const key = String(segment);
      if (!Object.hasOwn(v, key)) return undefined;
      v = (v as Record<string, unknown>)[key];
    }
  }
  return v;
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object';

function finishReasonOf(value: Record<string, unknown>): string | null {
  const reason = value.finish_reason ?? value.finishReason;
  return typeof reason === 'string' && reason !== '' && reason !== 'null' ? reason : null;
}

/** A finish found on the root object or any object along the path (the deepest wins). */
function findFinish(root: unknown, path: readonly Segment[]): string | null {
  let found: string | null = null;
  let v = root;
  for (let i = 0; ; i++) {
    if (isObject(v) && !Array.isArray(v)) found = finishReasonOf(v) ?? found;
    if (i >= path.length) break;
    v = getPath(v, [path[i] as Segment]);
    if (v === undefined) break;
  }
  return found;
}

function mapGenericUsage(usage: unknown): ChatUsage | null {
  if (!isObject(usage)) return null;
  const out = mapOpenAIUsage(usage) ?? {};
  if (out.inputTokens === undefined && typeof usage.input_tokens === 'number') out.inputTokens = usage.input_tokens;
  if (out.outputTokens === undefined && typeof usage.output_tokens === 'number') out.outputTokens = usage.output_tokens;
  const inputDetails = usage.input_tokens_details;
  if (out.cacheReadTokens === undefined && isObject(inputDetails) && typeof inputDetails.cached_tokens === 'number') {
    out.cacheReadTokens = inputDetails.cached_tokens;
  }
  const outputDetails = usage.output_tokens_details;
  if (out.reasoningTokens === undefined && isObject(outputDetails) && typeof outputDetails.reasoning_tokens === 'number') {
    out.reasoningTokens = outputDetails.reasoning_tokens;
  }
  return Object.keys(out).length > 0 ? out : null;
}

function errorOf(json: unknown, eventType: string): { type: string; message: string } | null {
  const root = isObject(json) ? json : null;
  let error: unknown = root?.error;
  if (!(isObject(error) || (typeof error === 'string' && error !== ''))) {
    if (eventType !== 'error') return null;
    error = json;
  }
  return streamErrorOf(error);
}

/** A `done` or `error` delta ends the stream; `end()` gives `done` if a finish was seen. */
export type CustomEventMapper = EventMapper & { end(): ChatDelta[] };

export function createCustomEventMapper(format: CustomStreamFormat): CustomEventMapper {
  const textPath = parsePath(format.textPath);
  const reasoningPath = format.reasoningPath ? parsePath(format.reasoningPath) : null;
  const cumulative = format.textMode === 'cumulative';
  const doneData = (format.doneData ?? '[DONE]').trim();
  const eventType = format.eventType ? format.eventType : null;
  let finished = false;
  let shownText = '';
  let shownReasoning = '';

  return {
    map(event) {
      if (doneData !== '' && event.data.trim() === doneData) return [{ type: 'done' }];
      if (eventType !== null && event.event !== eventType && event.event !== 'error') return [];
      let json: unknown;
      try {
        json = JSON.parse(event.data);
      } catch {
        return 'malformed';
      }
      const error = errorOf(json, event.event);
      if (error) return [{ type: 'error', error }];

      const out: ChatDelta[] = [];
      if (reasoningPath) {
        const reasoning = getPath(json, reasoningPath);
        if (typeof reasoning === 'string' && reasoning !== '') {
          if (!cumulative) out.push({ type: 'thinking', text: reasoning });
          else if (reasoning.startsWith(shownReasoning)) {
            const suffix = reasoning.slice(shownReasoning.length);
            shownReasoning = reasoning;
            if (suffix !== '') out.push({ type: 'thinking', text: suffix });
          } else if (!shownReasoning.startsWith(reasoning)) {
            out.push({ type: 'error', error: CUMULATIVE_REWRITE_ERROR });
            return out;
          }
        }
      }
      const text = getPath(json, textPath);
      if (typeof text === 'string' && text !== '') {
        if (!cumulative) out.push({ type: 'text', text });
        else if (text.startsWith(shownText)) {
          const suffix = text.slice(shownText.length);
          shownText = text;
          if (suffix !== '') out.push({ type: 'text', text: suffix });
        } else if (!shownText.startsWith(text)) {
          out.push({ type: 'error', error: CUMULATIVE_REWRITE_ERROR });
          return out;
        }
      }
      if (isObject(json)) {
        const usage = mapGenericUsage(json.usage);
        if (usage) out.push({ type: 'usage', usage });
      }
      const finish = findFinish(json, textPath);
      if (finish !== null) {
        finished = true;
        out.push({ type: 'stop', reason: finish });
      }
      return out;
    },
    end() {
      return finished ? [{ type: 'done' }] : [];
    },
    errorEnds: true,
  };
}

// ---------------------------------------------------------------------------------------
// Request
// ---------------------------------------------------------------------------------------

export interface CustomRequest {
  url: string;
  /** Default POST. */
  method?: string;
  headers?: Record<string, string>;
  /**
   * A JSON document with placeholders: `{{messages}}`, `{{prompt}}`, `{{system}}`.
   * Default `{"messages": {{messages}}, "stream": true}`. Not allowed for GET/HEAD.
   */
  bodyTemplate?: string;
  messages: ChatMessage[];
  system?: string;
  /** Default: the content of the last user message. */
  prompt?: string;
}

export function buildCustomRequest(request: CustomRequest): HttpRequest {
  let parsed: URL;
  try {
    parsed = new URL(request.url);
  } catch {
    throw new ProviderSetupError('url-invalid', { params: { value: request.url.slice(0, 200) } });
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new ProviderSetupError('url-scheme', { params: { field: 'endpoint-url' } });
  }
  const method = (request.method ?? 'POST').trim().toUpperCase();
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
  headers.accept ??= 'text/event-stream';

  if (method === 'GET' || method === 'HEAD') {
    if (request.bodyTemplate !== undefined && request.bodyTemplate.trim() !== '') {
      throw new ProviderSetupError('get-with-body', { params: { method } });
    }
    return { url: parsed.href, method, headers };
  }

  const template =
    request.bodyTemplate === undefined || request.bodyTemplate.trim() === '' ? DEFAULT_CUSTOM_BODY_TEMPLATE : request.bodyTemplate;
  // With its own {{system}} placeholder the template places the system prompt itself;
  // otherwise it leads {{messages}} as a system message, as in OpenAI's format.
  const system = request.system ?? '';
  const ownSystem = /\{\{\s*system\s*\}\}/.test(template);
  const messages: { role: string; content: string }[] = [];
  if (system !== '' && !ownSystem) messages.push({ role: 'system', content: system });
  for (const m of request.messages) messages.push({ role: m.role, content: m.content });
  let prompt = request.prompt;
  if (prompt === undefined) {
    prompt = '';
    for (let i = request.messages.length - 1; i >= 0; i--) {
      const m = request.messages[i];
      if (m?.role === 'user') {
        prompt = m.content;
        break;
      }
    }
  }
  const body = fillJsonTemplate(template, { messages, prompt, system });
  headers['content-type'] ??= 'application/json';
  return { url: parsed.href, method, headers, body };
}

/** `{{key}}` in custom headers is the provider's API key (kept out of settings). */
function customHeaders(text: string, apiKey: string): Record<string, string> {
  const parsed = parseHeaderLines(text);
  if (!parsed.ok) throw new ProviderSetupError('header-line', { params: { line: parsed.line } });
  const headers = parsed.headers;
  // A function, not the key itself, as the replacement: `$&` or `$'` in a key are not patterns.
  for (const name of Object.keys(headers)) headers[name] = headers[name]!.replace(/\{\{\s*key\s*\}\}/g, () => apiKey);
  return headers;
}

export const customProvider: Provider = {
  dialect: 'custom',
  continuesAssistantMessage: false,
  buildCall(settings, apiKey, request) {
    const custom = settings.custom;
    if (!custom) throw new ProviderSetupError('custom-incomplete');
    return {
      request: buildCustomRequest({
        url: custom.url,
        method: custom.method,
        headers: customHeaders(custom.headers, apiKey),
        bodyTemplate: custom.method === 'GET' ? undefined : custom.bodyTemplate,
        messages: request.messages,
        system: request.system,
      }),
      format: {
        kind: 'custom',
        textPath: custom.textPath,
        ...(custom.reasoningPath ? { reasoningPath: custom.reasoningPath } : {}),
        textMode: custom.textMode,
        ...(custom.doneData ? { doneData: custom.doneData } : {}),
        ...(custom.eventType ? { eventType: custom.eventType } : {}),
      },
    };
  },
  eventMapper: (format) => createCustomEventMapper(format.kind === 'custom' ? format : { textPath: '' }),
  stream: (call, options) =>
    streamHttp(call, createCustomEventMapper(call.format.kind === 'custom' ? call.format : { textPath: '' }), options),
  classifyFailure: (status, bodyText) => classifyHttpFailure(status, bodyText),
};
