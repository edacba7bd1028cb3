/**
 * The mock provider's Ollama mode (`startMockProvider({ ollama: true })`): Ollama's origin
 * check and its native routes. The OpenAI-compatible routes (`/v1/chat/completions`,
 * `/v1/models`) stay the mock's usual ones, behind the same origin check.
 *
 * The origin check is Ollama's own (ollama `envconfig.AllowedOrigins`, applied by gin-contrib
 * `cors` in `server/routes.go`): a request without an `Origin` header passes; one whose
 * origin is not on the list gets 403 with an empty body (`AbortWithStatus`), preflights too.
 * The default list is localhost, 127.0.0.1 and 0.0.0.0 (http and https, any port) plus
 * app://, file://, tauri://, vscode-webview:// and vscode-file://; OLLAMA_ORIGINS adds to it.
 * No extension origin is on it: chrome-extension:// and moz-extension:// get 403.
 *
 * Native routes: `GET /api/tags`, `POST /api/show` (`model_info["llama.context_length"]`),
 * `POST /api/chat` (NDJSON: one JSON object a line, `done: true` last), `GET /api/version`.
 */
import type http from 'node:http';
import { defaultAnswer, lastUserText, isRecord, type RecordedRequest } from './scenario.ts';

/** The models the mock's Ollama has, with the context window /api/show reports. */
export const OLLAMA_MODELS = [
  { name: 'llama3.2:latest', family: 'llama', parameterSize: '3.2B', contextLength: 131_072 },
  { name: 'qwen2.5:7b', family: 'qwen2', parameterSize: '7.6B', contextLength: 32_768 },
  // No table of known models has this one: its window can only come from /api/show.
  { name: 'smollm2:1.7b', family: 'llama', parameterSize: '1.7B', contextLength: 8_192 },
] as const;

const DEFAULT_ALLOWED = [
  ...['localhost', '127.0.0.1', '0.0.0.0'].flatMap((host) => [
    `http://${host}`,
    `https://${host}`,
    `http://${host}:*`,
    `https://${host}:*`,
  ]),
  'app://*',
  'file://*',
  'tauri://*',
  'vscode-webview://*',
  'vscode-file://*',
];

/** gin-contrib/cors with AllowWildcard: `*` stands for any run of characters. */
function matches(pattern: string, origin: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return regex.test(origin);
}

/** Whether Ollama would let this Origin through (extra: what OLLAMA_ORIGINS would add). */
export function ollamaAllowsOrigin(origin: string | undefined, extra: readonly string[] = []): boolean {
  if (origin === undefined) return true;
  return [...extra, ...DEFAULT_ALLOWED].some((pattern) => matches(pattern, origin));
}

export interface OllamaModeOptions {
  /** Origins added to the default list, as OLLAMA_ORIGINS would. */
  allowedOrigins?: readonly string[];
  /** Delay between NDJSON lines of /api/chat. Default 40 ms. */
  delayMs?: number;
}

function sendJson(res: http.ServerResponse, status: number, json: unknown, headers: Record<string, string>): void {
  const body = JSON.stringify(json);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    ...headers,
  });
  res.end(body);
}

function tags(): unknown {
  return {
    models: OLLAMA_MODELS.map((model) => ({
      name: model.name,
      model: model.name,
      modified_at: '2026-11-30T10:00:00.000000000Z',
      size: 2_019_393_189,
      digest: 'a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72',
      details: {
        parent_model: '',
        format: 'gguf',
        family: model.family,
        families: [model.family],
        parameter_size: model.parameterSize,
        quantization_level: 'Q4_K_M',
      },
    })),
  };
}

function show(body: unknown): { status: number; json: unknown } {
  const name = isRecord(body) ? (typeof body.model === 'string' ? body.model : body.name) : undefined;
  const model = OLLAMA_MODELS.find((m) => m.name === name || m.name === `${String(name)}:latest`);
  if (!model) return { status: 404, json: { error: `model '${String(name)}' not found` } };
  return {
    status: 200,
    json: {
      modelfile: '',
      parameters: '',
      template: '{{ .Prompt }}',
      details: { format: 'gguf', family: model.family, parameter_size: model.parameterSize, quantization_level: 'Q4_K_M' },
      model_info: {
        'general.architecture': model.family,
        'general.parameter_count': 3_212_749_888,
        [`${model.family}.context_length`]: model.contextLength,
        [`${model.family}.embedding_length`]: 3072,
      },
      capabilities: ['completion'],
    },
  };
}

async function chat(res: http.ServerResponse, body: unknown, cors: Record<string, string>, delayMs: number): Promise<void> {
  const b = isRecord(body) ? body : {};
  const model = typeof b.model === 'string' ? b.model : 'llama3.2:latest';
  const words = defaultAnswer(lastUserText(b.messages));
  const line = (content: string, done: boolean, extra: Record<string, unknown> = {}) =>
    `${JSON.stringify({ model, created_at: new Date().toISOString(), message: { role: 'assistant', content }, done, ...extra })}\n`;
  if (b.stream === false) {
    sendJson(res, 200, JSON.parse(line(words.join(''), true, { done_reason: 'stop' })), cors);
    return;
  }
  res.writeHead(200, { 'content-type': 'application/x-ndjson', ...cors });
  for (const word of words) {
    if (res.destroyed) return;
    res.write(line(word, false));
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
  res.end(line('', true, { done_reason: 'stop', total_duration: 1_000_000, prompt_eval_count: 12, eval_count: words.length }));
}

/**
 * Ollama's part of a request: true when it answered (the origin check refused it, or a
 * native route), false to let the mock's usual routes answer.
 */
export async function handleOllama(
  record: RecordedRequest,
  res: http.ServerResponse,
  cors: Record<string, string>,
  options: OllamaModeOptions,
): Promise<boolean> {
  if (!ollamaAllowsOrigin(record.headers.origin, options.allowedOrigins)) {
    record.status = 403;
    res.writeHead(403, { 'content-length': '0' });
    res.end();
    return true;
  }
  const { method, path } = record;
  if (method === 'GET' && path === '/api/tags') sendJson(res, 200, tags(), cors);
  else if (method === 'GET' && path === '/api/version') sendJson(res, 200, { version: '0.13.0' }, cors);
  else if (method === 'POST' && path === '/api/show') {
    const { status, json } = show(record.body);
    sendJson(res, status, json, cors);
  } else if (method === 'POST' && path === '/api/chat') await chat(res, record.body, cors, options.delayMs ?? 40);
  else return false;
  return true;
}
