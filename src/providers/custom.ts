/**
 * "Custom SSE" endpoints: a user-described request (URL, method, headers, a JSON body
 * template) and a user-described stream: how each event's data is read (custom-extract.ts
 * has the rules: a dot path or JSONPath into its JSON, the data itself, or a regular
 * expression's capture).
 */
import { DEFAULT_CUSTOM_BODY_TEMPLATE } from '../shared/custom-endpoint.ts';
import { compileFormat, createCustomReader, formatProblemError, streamFormatOf, type CustomStreamFormat } from './custom-extract.ts';
import { classifyHttpFailure } from './failures.ts';
import { streamHttp } from './http.ts';
import { fillJsonTemplate, parseHeaderLines } from './custom-template.ts';
import { ProviderSetupError, type EventMapper, type HttpRequest, type Provider } from './provider.ts';
import type { ChatDelta, ChatMessage } from './types.ts';

export { DEFAULT_CUSTOM_BODY_TEMPLATE } from '../shared/custom-endpoint.ts';
export { fillJsonTemplate, parseHeaderLines } from './custom-template.ts';
export { CUMULATIVE_REWRITE_ERROR, type CustomStreamFormat } from './custom-extract.ts';

/** A `done` or `error` delta ends the stream; `end()` gives `done` if a finish was seen. */
export type CustomEventMapper = EventMapper & { end(): ChatDelta[] };

/** The format checked: a path or pattern that cannot be read is a setup error (the settings check catches it first). */
function compiled(format: CustomStreamFormat) {
  const result = compileFormat(format);
  if (!result.ok) {
    const { code, params, detail } = formatProblemError(result.problem);
    throw new ProviderSetupError(code, { params, ...(detail !== undefined ? { detail } : {}) });
  }
  return result.format;
}

export function createCustomEventMapper(format: CustomStreamFormat): CustomEventMapper {
  const reader = createCustomReader(compiled(format));
  return {
    map: (event) => reader.step(event).deltas,
    end: () => reader.end(),
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
    compiled(streamFormatOf(custom));
    return {
      request: buildCustomRequest({
        url: custom.url,
        method: custom.method,
        headers: customHeaders(custom.headers, apiKey),
        bodyTemplate: custom.method === 'GET' ? undefined : custom.bodyTemplate,
        messages: request.messages,
        system: request.system,
      }),
      format: { kind: 'custom', ...streamFormatOf(custom) },
    };
  },
  eventMapper: (format) => createCustomEventMapper(format.kind === 'custom' ? format : { textPath: '' }),
  stream: (call, options) =>
    streamHttp(call, createCustomEventMapper(call.format.kind === 'custom' ? call.format : { textPath: '' }), options),
  classifyFailure: (status, bodyText) => classifyHttpFailure(status, bodyText),
};
