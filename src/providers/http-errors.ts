/**
 * Turns a provider's HTTP error response into plain words and the one fix that helps.
 * Body shapes: Anthropic `{"type":"error","error":{"type","message"}}`,
 * OpenAI-compatible `{"error":{"message","type","code"}}`; either may be absent
 * (a proxy's HTML page, an empty body).
 */
import type { UserError } from '../messaging/protocol.ts';

export interface ProviderErrorBody {
  type: string | null;
  code: string | null;
  message: string | null;
}

export function parseErrorBody(text: string): ProviderErrorBody {
  const empty: ProviderErrorBody = { type: null, code: null, message: null };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return empty;
  }
  const error = (json as { error?: unknown } | null)?.error;
  if (!error || typeof error !== 'object') {
    return typeof error === 'string' ? { ...empty, message: error } : empty;
  }
  const e = error as Record<string, unknown>;
  return {
    type: typeof e.type === 'string' ? e.type : null,
    code: typeof e.code === 'string' ? e.code : null,
    message: typeof e.message === 'string' ? e.message : null,
  };
}

/** Quota and spend-limit 429s: retrying cannot help, so they are never retried. */
export function isQuotaError(body: ProviderErrorBody): boolean {
  const words = `${body.type ?? ''} ${body.code ?? ''}`;
  return /insufficient_quota|spend_limit|billing|credit/i.test(words) ||
    /credit balance|spend limit|quota/i.test(body.message ?? '');
}

/** The Ollama origin fix, for Chrome and Firefox (the Firefox extension UUID is random per install). */
export const OLLAMA_ORIGINS_SETTING = 'OLLAMA_ORIGINS=chrome-extension://*,moz-extension://*';

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

/**
 * `url` (optional): the request URL, used to recognise Ollama's origin check, a 403 with
 * an empty body from its CORS middleware when the extension's origin is not in
 * OLLAMA_ORIGINS.
 */
/**
 * Provider text shown under an error is capped: the port protocol refuses longer strings,
 * and a refused message would leave the panel waiting forever.
 */
export const MAX_DETAIL_CHARS = 1_000;

export function capDetail(text: string): string {
  return text.length > MAX_DETAIL_CHARS ? `${text.slice(0, MAX_DETAIL_CHARS - 1)}…` : text;
}

export function describeHttpError(status: number, bodyText: string, model: string, url?: string): UserError {
  const body = parseErrorBody(bodyText);
  const raw = body.message ?? (bodyText.trim() ? bodyText.trim().slice(0, 300) : undefined);
  const detail = raw === undefined ? undefined : capDetail(raw);
  const withDetail = (error: UserError): UserError => (detail ? { ...error, detail } : error);
  switch (status) {
    case 400:
      // Anthropic reports an empty prepaid balance as a 400 invalid_request_error.
      if (/credit balance is too low/i.test(body.message ?? '')) {
        return withDetail({
          code: 'quota',
          message: 'Your provider account is out of credit (400). Add credit in your account’s billing page, then retry.',
        });
      }
      if (body.code === 'context_length_exceeded' ||
        /too long|too many tokens|context length|maximum context/i.test(body.message ?? '')) {
        return withDetail({
          code: 'too-large',
          message: 'The text is too long for this model. Select less text, or start a new conversation.',
        });
      }
      return withDetail({ code: 'bad-request', message: 'The provider rejected the request (400).' });
    case 401:
      return withDetail({
        code: 'auth',
        message: 'Your API key was not accepted (401). Check the key in settings.',
        fix: 'settings',
      });
    case 402:
      // OpenRouter: {"error":{"code":402,"message":"Insufficient credits. ..."}}.
      if (isQuotaError(body) || /credit/i.test(body.message ?? '')) {
        return withDetail({
          code: 'quota',
          message: 'Your provider account is out of credit (402). Add credit, then retry.',
        });
      }
      return withDetail({ code: 'unknown', message: `The provider answered with HTTP ${status}.`, fix: 'retry' });
    case 403:
      if (bodyText.trim() === '' && isLikelyOllama(url)) {
        return {
          code: 'forbidden',
          message: `Ollama refused this extension (403): it only accepts origins it is told to. Set ${OLLAMA_ORIGINS_SETTING} in Ollama's environment, restart Ollama, then retry.`,
          detail: 'Ollama checks the Origin header of each request; extension pages send chrome-extension://… or moz-extension://….',
          fix: 'retry',
        };
      }
      if (body.code === 'unsupported_country_region_territory') {
        return withDetail({
          code: 'forbidden',
          message: 'This provider is not available in your country or region (403).',
        });
      }
      return withDetail({
        code: 'forbidden',
        message: 'This API key is not allowed to do that (403). Check its permissions in your provider account.',
        fix: 'settings',
      });
    case 404:
      return withDetail({
        code: 'not-found',
        message: `Not found (404): the model "${model}" may not exist, or the base URL is wrong. Check settings.`,
        fix: 'settings',
      });
    case 413:
      return withDetail({ code: 'too-large', message: 'The request is too large. Select less text and try again.' });
    case 429:
      if (isQuotaError(body)) {
        return withDetail({
          code: 'quota',
          message: 'Your provider account is out of credit or hit its spend limit (429). Check billing, then retry.',
        });
      }
      return withDetail({
        code: 'rate-limit',
        message: 'Too many requests for now (429). Wait a moment, then retry.',
        fix: 'retry',
      });
    case 503:
    case 529:
      return withDetail({
        code: 'overloaded',
        message: `The provider is overloaded right now (${status}). Retry in a moment.`,
        fix: 'retry',
      });
    default:
      if (status >= 500) {
        return withDetail({
          code: 'server',
          message: `The provider had an internal error (${status}). Retry in a moment.`,
          fix: 'retry',
        });
      }
      return withDetail({ code: 'unknown', message: `The provider answered with HTTP ${status}.`, fix: 'retry' });
  }
}

/** A mid-stream error event (after a 200): the partial answer is kept. */
export function describeStreamError(error: { type: string; message: string }): UserError {
  const overloaded = error.type === 'overloaded_error';
  return {
    code: 'stream-error',
    message: overloaded
      ? 'The provider became overloaded and stopped in the middle of the answer. The part above is kept; retry to get a full answer.'
      : 'The provider stopped the answer with an error. The part above is kept; retry to get a full answer.',
    detail: capDetail(`${error.type}: ${error.message}`),
    fix: 'retry',
  };
}

/** The host:port of a URL for messages, or the raw text when it is not a URL. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** fetch() itself failed: offline, DNS, TLS, refused connection, or a blocked redirect. */
export function describeNetworkError(url: string, cause: unknown): UserError {
  const host = hostOf(url);
  return {
    code: 'network',
    message: `Could not reach ${host}. Check your internet connection and the base URL in settings, then retry.`,
    detail: capDetail(cause instanceof Error ? cause.message : String(cause)),
    fix: 'retry',
  };
}
