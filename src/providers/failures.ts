/**
 * Reading a provider's HTTP error response: which kind of failure it is and the
 * provider's own message. No words: the panel says what each kind means. Body shapes:
 * Anthropic `{"type":"error","error":{"type","message"}}`, OpenAI-compatible
 * `{"error":{"message","type","code"}}`; either may be absent (a proxy's HTML page, an
 * empty body).
 */
import { MAX_BODY_SNIPPET_CHARS } from '../shared/limits.ts';
import type { Failure, FailureKind } from './provider.ts';

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

/** Quota and spend-limit errors: retrying cannot help, so they are never retried. */
export function isQuotaError(body: ProviderErrorBody): boolean {
  const words = `${body.type ?? ''} ${body.code ?? ''}`;
  return /insufficient_quota|spend_limit|billing|credit/i.test(words) || /credit balance|spend limit|quota/i.test(body.message ?? '');
}

/** The provider's message, or the start of a body that is not the usual JSON. */
function providerMessageOf(body: ProviderErrorBody, bodyText: string): string | undefined {
  // The provider's JSON said something (or said "" on purpose): that, not the raw body.
  if (body.message !== null) return body.message === '' ? undefined : body.message;
  const trimmed = bodyText.trim();
  return trimmed ? trimmed.slice(0, MAX_BODY_SNIPPET_CHARS) : undefined;
}

/** What a status means when nothing more specific applies (every provider shares this). */
export function kindOfStatus(status: number, body: ProviderErrorBody): FailureKind {
  switch (status) {
    case 400:
      // Anthropic reports an empty prepaid balance this way; proxies in front of it pass it on.
      if (/credit balance is too low/i.test(body.message ?? '')) return 'quota';
      if (
        body.code === 'context_length_exceeded' ||
        /too long|too many tokens|context length|maximum context/i.test(body.message ?? '')
      )
        return 'context-too-long';
      return 'bad-request';
    case 401:
      return 'auth';
    case 402:
      // OpenRouter: {"error":{"code":402,"message":"Insufficient credits. ..."}}.
      return isQuotaError(body) || /credit/i.test(body.message ?? '') ? 'quota' : 'http-status';
    case 403:
      return body.code === 'unsupported_country_region_territory' ? 'region-blocked' : 'forbidden';
    case 404:
      return 'not-found';
    case 413:
      return 'too-large';
    case 429:
      return isQuotaError(body) ? 'quota' : 'rate-limit';
    case 503:
    case 529:
      return 'overloaded';
    default:
      return status >= 500 ? 'server' : 'http-status';
  }
}

/**
 * The common reading of an error response. `refine` lets a provider recognise its own
 * cases first (Anthropic's out-of-credit 400, Ollama's bare 403).
 */
export function classifyHttpFailure(
  status: number,
  bodyText: string,
  refine?: (status: number, body: ProviderErrorBody, bodyText: string) => FailureKind | null,
): Failure {
  const body = parseErrorBody(bodyText);
  const kind = refine?.(status, body, bodyText) ?? kindOfStatus(status, body);
  const providerMessage = kind === 'ollama-origin' ? undefined : providerMessageOf(body, bodyText);
  return providerMessage === undefined ? { kind } : { kind, providerMessage };
}
