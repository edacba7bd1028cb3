/**
 * The OpenAI chat-completions dialect (and every compatible server): `data: {chunk}` lines
 * ending in `data: [DONE]`, the usage chunk with empty `choices` when
 * `stream_options.include_usage` is set, the non-streaming `chat.completion` object,
 * pretty-printed error bodies `{"error":{"message","type","param","code"}}`, and the models list.
 *
 * Chunk field order follows recorded API traffic (2025): id, object, created, model,
 * service_tier, system_fingerprint, choices, usage (only with include_usage), obfuscation.
 */
import type { ErrorResponse } from './anthropic.ts';
import {
  applyMaxTokens,
  scenarioText,
  estimateTokens,
  isRecord,
  randomAlnum,
  randomString,
  splitEvery,
  type HttpErrorSpec,
  type PlannedEvent,
  type RequestInfo,
  type Scenario,
} from './scenario.ts';

const HEX = '0123456789abcdef';

export function openaiRequestId(): string {
  return `req_${randomString(32, HEX)}`;
}

function completionId(): string {
  return `chatcmpl-${randomAlnum(29)}`;
}

function callId(): string {
  return `call_${randomAlnum(24)}`;
}

function maskKey(key: string): string {
  if (key.length <= 8) return '*'.repeat(key.length);
  return `${key.slice(0, 3)}${'*'.repeat(Math.min(key.length - 7, 24))}${key.slice(-4)}`;
}

interface OpenAIErrorDefault {
  type: string;
  code: string | null;
  param?: string | null;
  message: (info: Partial<RequestInfo> & { key?: string }) => string;
}

const DEFAULT_ERRORS: Record<string, OpenAIErrorDefault> = {
  '400': {
    type: 'invalid_request_error',
    code: null,
    message: () =>
      "This model's maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens. Please reduce the length of the messages.",
  },
  '401': {
    type: 'invalid_request_error',
    code: 'invalid_api_key',
    message: (info) =>
      `Incorrect API key provided: ${maskKey(info.key ?? 'sk-mock')}. You can find your API key at https://platform.openai.com/account/api-keys.`,
  },
  '403': {
    type: 'request_forbidden',
    code: 'unsupported_country_region_territory',
    message: () => 'Country, region, or territory not supported',
  },
  '404': {
    type: 'invalid_request_error',
    code: 'model_not_found',
    message: (info) => `The model \`${info.model ?? 'gpt-mock'}\` does not exist or you do not have access to it.`,
  },
  '429': {
    type: 'requests',
    code: 'rate_limit_exceeded',
    message: (info) =>
      `Rate limit reached for ${info.model ?? 'gpt-5.4-mini'} in organization org-mock on requests per min (RPM): Limit 3, Used 3, Requested 1. ` +
      'Please try again in 20s. Visit https://platform.openai.com/account/rate-limits to learn more.',
  },
  '429:insufficient_quota': {
    type: 'insufficient_quota',
    code: 'insufficient_quota',
    message: () =>
      'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
  },
  '500': {
    type: 'server_error',
    code: null,
    message: () => 'The server had an error while processing your request. Sorry about that!',
  },
  '503': { type: 'server_error', code: null, message: () => 'The engine is currently overloaded, please try again later' },
};

export function openaiBaseHeaders(requestId: string): Record<string, string> {
  return {
    'x-request-id': requestId,
    'openai-organization': 'user-mockmockmockmockmock',
    'openai-processing-ms': String(100 + Math.floor(Math.random() * 300)),
    'openai-version': '2020-10-01',
    'x-ratelimit-limit-requests': '5000',
    'x-ratelimit-remaining-requests': '4999',
    'x-ratelimit-reset-requests': '12ms',
  };
}

export function openaiStreamHeaders(requestId: string): Record<string, string> {
  return { 'content-type': 'text/event-stream; charset=utf-8', ...openaiBaseHeaders(requestId) };
}

/** A complete HTTP error response in OpenAI's shape. */
export function openaiError(spec: HttpErrorSpec, info: Partial<RequestInfo> & { key?: string } = {}): ErrorResponse {
  const headers: Record<string, string> = { ...openaiBaseHeaders(openaiRequestId()) };
  const quota = spec.status === 429 && (spec.code === 'insufficient_quota' || spec.type === 'insufficient_quota');
  const retryAfter = spec.retryAfter ?? (spec.status === 429 && !quota ? 20 : undefined);
  if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
  if (spec.rawBody !== undefined) {
    headers['content-type'] = spec.rawContentType ?? 'text/html';
    return { status: spec.status, headers, body: spec.rawBody };
  }
  const fallback =
    DEFAULT_ERRORS[quota ? '429:insufficient_quota' : String(spec.status)] ??
    (spec.status >= 500 ? DEFAULT_ERRORS['500'] : DEFAULT_ERRORS['400']);
  const error = {
    message: spec.message ?? fallback?.message(info) ?? 'Error',
    type: spec.type ?? fallback?.type ?? 'invalid_request_error',
    param: spec.param !== undefined ? spec.param : (fallback?.param ?? null),
    code: spec.code !== undefined ? spec.code : (fallback?.code ?? null),
  };
  headers['content-type'] = 'application/json; charset=utf-8';
  // The API pretty-prints error bodies with 4 spaces and a trailing newline.
  return { status: spec.status, headers, body: JSON.stringify({ error }, null, 4) + '\n' };
}

export function bearerKey(headers: Record<string, string>): string | undefined {
  const auth = headers.authorization;
  if (!auth) return undefined;
  const m = /^Bearer\s+(.*)$/i.exec(auth);
  return m ? m[1] : undefined;
}

/** Validate like the API does. Keys are only checked when `requireApiKey` is set (local servers such as Ollama need none). */
export function validateOpenAI(
  headers: Record<string, string>,
  body: unknown,
  rawBody: string,
  options: { requireApiKey?: string; checkBody: boolean },
): ErrorResponse | null {
  if (options.requireApiKey !== undefined) {
    const key = bearerKey(headers);
    if (key === undefined || key === '') {
      return openaiError({
        status: 401,
        code: null,
        message:
          "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username. You can obtain an API key from https://platform.openai.com/account/api-keys.",
      });
    }
    if (key !== options.requireApiKey) return openaiError({ status: 401 }, { key });
  }
  if (!options.checkBody) return null;
  if (!isRecord(body)) {
    return openaiError({
      status: 400,
      message:
        rawBody.trim() === ''
          ? 'you must provide a model parameter'
          : "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)",
    });
  }
  if (typeof body.model !== 'string' || body.model === '') {
    return openaiError({ status: 400, message: 'you must provide a model parameter' });
  }
  if (!Array.isArray(body.messages)) {
    return openaiError({
      status: 400,
      message: "Missing required parameter: 'messages'.",
      param: 'messages',
      code: 'missing_required_parameter',
    });
  }
  if (body.messages.length === 0) {
    return openaiError({
      status: 400,
      message: "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      param: 'messages',
      code: 'empty_array',
    });
  }
  return null;
}

function resolveContent(scenario: Scenario, info: RequestInfo) {
  const fitted = applyMaxTokens(scenarioText(scenario, info.lastUserText), info.maxTokens);
  const tools = (scenario.toolCalls ?? []).map((t) => ({
    id: t.id ?? callId(),
    name: t.name,
    fragments: t.inputJson ?? splitEvery(JSON.stringify(t.input ?? {}), 12),
  }));
  const finishReason = scenario.stopReason ?? (fitted.truncated ? 'length' : tools.length > 0 ? 'tool_calls' : 'stop');
  const thinking = scenario.thinking ?? [];
  const usage = scenario.usage ?? {};
  const promptTokens = usage.inputTokens ?? estimateTokens(info.promptChars);
  const deltas = thinking.length + fitted.text.length + tools.reduce((n, t) => n + t.fragments.length, 0);
  const completionTokens = usage.outputTokens ?? Math.max(1, deltas);
  return {
    model: scenario.model ?? info.model,
    text: fitted.text,
    thinking,
    reasoningField: scenario.reasoningField ?? 'reasoning_content',
    tools,
    finishReason,
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      prompt_tokens_details: { cached_tokens: usage.cacheReadTokens ?? 0, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: usage.reasoningTokens ?? thinking.length,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    },
  };
}

/** The full chunk sequence of a streamed chat completion (before any `end` truncation). */
export function openaiStreamEvents(scenario: Scenario, info: RequestInfo): PlannedEvent[] {
  const c = resolveContent(scenario, info);
  const id = completionId();
  const created = Math.floor(Date.now() / 1000);
  const fingerprint = `fp_${randomString(10, HEX)}`;
  const chunk = (choices: unknown[], usage: unknown = null) => {
    const obj: Record<string, unknown> = {
      id,
      object: 'chat.completion.chunk',
      created,
      model: c.model,
      service_tier: 'default',
      system_fingerprint: fingerprint,
      choices,
    };
    if (info.includeUsage) obj.usage = usage;
    obj.obfuscation = randomAlnum(1 + Math.floor(Math.random() * 14));
    return `data: ${JSON.stringify(obj)}\n\n`;
  };
  const choice = (delta: unknown, finish: string | null = null) => [{ index: 0, delta, logprobs: null, finish_reason: finish }];
  const events: PlannedEvent[] = [];
  events.push({ text: chunk(choice({ role: 'assistant', content: '', refusal: null })), kind: 'meta' });
  for (const t of c.thinking) {
    events.push({ text: chunk(choice({ content: null, [c.reasoningField]: t })), kind: 'delta' });
  }
  for (const t of c.text) events.push({ text: chunk(choice({ content: t })), kind: 'delta' });
  c.tools.forEach((tool, index) => {
    events.push({
      text: chunk(choice({ tool_calls: [{ index, id: tool.id, type: 'function', function: { name: tool.name, arguments: '' } }] })),
      kind: 'meta',
    });
    for (const args of tool.fragments) {
      events.push({ text: chunk(choice({ tool_calls: [{ index, function: { arguments: args } }] })), kind: 'delta' });
    }
  });
  events.push({ text: chunk(choice({}, c.finishReason)), kind: 'meta' });
  if (info.includeUsage) events.push({ text: chunk([], c.usage), kind: 'meta' });
  events.push({ text: 'data: [DONE]\n\n', kind: 'end' });
  return events;
}

/** An error reported inside the stream after a 200 (then the stream ends without [DONE]). */
export function openaiErrorEvent(
  errorType = 'server_error',
  message = 'The server had an error while processing your request. Sorry about that!',
): PlannedEvent {
  const error = { message, type: errorType, param: null, code: null };
  return { text: `data: ${JSON.stringify({ error })}\n\n`, kind: 'meta' };
}

/** The non-streaming `chat.completion` object. */
export function openaiCompletion(scenario: Scenario, info: RequestInfo): string {
  const c = resolveContent(scenario, info);
  const message: Record<string, unknown> = {
    role: 'assistant',
    content: c.tools.length > 0 && c.text.length === 0 ? null : c.text.join(''),
  };
  if (c.thinking.length > 0) message[c.reasoningField] = c.thinking.join('');
  if (c.tools.length > 0) {
    message.tool_calls = c.tools.map((t) => ({
      id: t.id,
      type: 'function',
      function: { name: t.name, arguments: t.fragments.join('') },
    }));
  }
  message.refusal = null;
  message.annotations = [];
  return (
    JSON.stringify(
      {
        id: completionId(),
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: c.model,
        choices: [{ index: 0, message, logprobs: null, finish_reason: c.finishReason }],
        usage: c.usage,
        service_tier: 'default',
        system_fingerprint: `fp_${randomString(10, HEX)}`,
      },
      null,
      2,
    ) + '\n'
  );
}

export const OPENAI_MODELS: { id: string; created: number; context_length?: number }[] = [
  { id: 'gpt-5.5', created: 1776902400 },
  { id: 'gpt-5.4-mini', created: 1773705600 },
  { id: 'gpt-5.4-nano', created: 1773705600 },
  // A small window, reported the way OpenRouter and Together do, for the budget tests.
  { id: 'mock-small-2k', created: 1773705600, context_length: 2048 },
];

/** `GET /v1/models` in OpenAI's list shape. */
export function openaiModels(): string {
  return (
    JSON.stringify(
      {
        object: 'list',
        data: OPENAI_MODELS.map((m) => ({
          id: m.id,
          object: 'model',
          created: m.created,
          owned_by: 'system',
          ...(m.context_length ? { context_length: m.context_length } : {}),
        })),
      },
      null,
      2,
    ) + '\n'
  );
}
