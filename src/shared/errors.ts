/**
 * Errors as data. The core never writes a sentence for the user: it returns a code, the
 * parameters the sentence needs, and the provider's own words (`detail`) where there are
 * some. The panel turns that into words in the user's language (src/panel/i18n). Every
 * code below has an entry `error_<code with _ for ->` in each catalog, and carries the
 * params listed next to it; a provider answer (auth … http-status) also carries `status`,
 * the HTTP status it came from.
 */
import * as v from 'valibot';
import { MAX_DETAIL_CHARS, MAX_ERROR_DETAIL_CHARS, MAX_ERROR_PARAM_CHARS } from './limits.ts';

export const ERROR_CODES = [
  // Provider answers (HTTP status before the stream)
  /** A key is needed and missing. params: provider (a ProviderId) */
  'no-key',
  /** 401. */
  'auth',
  /** 400 without a more specific reason. params: status */
  'bad-request',
  /** Out of credit or over a spend limit: never retried. params: status */
  'quota',
  /** 400 context length: the text is too long for this model. */
  'context-too-long',
  /** 413. */
  'too-large',
  /** 403: the key may not do this. */
  'forbidden',
  /** 403: not offered in the user's country or region. */
  'region-blocked',
  /** 403 from Ollama's origin check. params: setting (the OLLAMA_ORIGINS value to set) */
  'ollama-origin',
  /** 404. params: model */
  'not-found',
  /** 429. */
  'rate-limit',
  /** 503 / 529. params: status */
  'overloaded',
  /** Other 5xx. params: status */
  'server',
  /** Any other status. params: status */
  'http-status',

  // The connection and the stream
  /** fetch() failed: offline, DNS, TLS, refused. params: host */
  'network',
  /** The provider redirected; refused so the key cannot follow. params: host; detail: the target, when known */
  'redirected',
  /** No byte for the idle timeout before the answer started. params: host, seconds */
  'no-response',
  /**
   * stalled, connection-dropped, stream-error, stream-overloaded: params.partial is 'none'
   * when no text had arrived (the panel then does not speak of "the part above").
   */
  /** No byte for the idle timeout in the middle of the answer (partial kept). params: seconds */
  'stalled',
  /** The connection dropped in the middle of the answer (partial kept). */
  'connection-dropped',
  /** The provider reported an error inside the stream (partial kept). detail: type: message */
  'stream-error',
  /** The same, when the provider said it is overloaded. */
  'stream-overloaded',
  /** The stream carried data that is not valid JSON. */
  'malformed-stream',
  /** A cumulative custom stream rewrote text it had already sent (partial kept). */
  'text-rewritten',
  /**
   * A custom stream's text path (or pattern) found text in none of its events. params:
   * mode ('json' | 'regex'), where (the path or the pattern)
   */
  'custom-nothing-extracted',
  /** The answer passed MAX_ANSWER_CHARS: it ends there, the text so far kept. params: max */
  'answer-too-long',
  /** A 200 without a body. */
  'no-body',
  /** Aside has no host permission for the address. params: host */
  'no-permission',
  // The browser's own model (src/shared/on-device-ai.ts); detail: the browser's words
  /** No on-device model here: this browser has none, or this device cannot run it. */
  'builtin-unavailable',
  /** The model is not downloaded yet (Chrome's NotAllowedError without a gesture). */
  'builtin-needs-download',
  /** The conversation is over the on-device model's context (QuotaExceededError). */
  'builtin-too-long',
  /** The on-device model failed otherwise. */
  'builtin-failed',
  /** Nothing answered at a local or LAN address (refused, unreachable, timed out). params: host; detail: the browser's words */
  'local-unreachable',
  /** Something answered at the address, but not as a model server. params: host */
  'local-not-server',

  // Settings (checked in the panel and again in the background)
  /** params: value */
  'url-invalid',
  /** params: field ('base-url' | 'endpoint-url') */
  'url-scheme',
  /** Plain http with a key to a non-loopback host. params: field */
  'url-needs-https',
  /** params: field */
  'url-credentials',
  'url-query',
  /** params: max */
  'url-too-long',
  /** params: line */
  'header-line',
  'custom-incomplete',
  'custom-text-path',
  /** A text or reasoning path that is not valid JSONPath. params: field ('text-path' | 'reasoning-path'), column */
  'custom-path-syntax',
  /** A JSONPath feature Aside does not read (wildcard, filter, …). params: field, token, column */
  'custom-path-unsupported',
  /** Regex data mode without a pattern. */
  'custom-pattern-missing',
  /** A pattern that is not a valid regular expression. detail: the engine's message */
  'custom-pattern-invalid',
  /** A pattern without a capture group. */
  'custom-pattern-group',
  /** detail: the JSON parser's message */
  'template-json',
  /** A GET request with a body template. params: method */
  'get-with-body',
  'model-spaces',
  'model-missing',
  'base-url-missing',
  'key-characters',
  /** A saved key is sent only to the address it was saved for. */
  'key-retype',
  /** Save: the address changed to another origin and the stored key was neither typed again nor confirmed. params: host */
  'key-new-origin',
  /** Compare models: the second model's address is not where its provider's saved key goes. params: provider, host */
  'compare-key-origin',
  // Model options (src/shared/model-options.ts)
  /** Not a number in the provider's range. params: max */
  'temperature-range',
  /** Not a whole number from 1 to max. params: max */
  'max-tokens-range',
  /** params: max */
  'system-prompt-too-long',
  /** Anthropic: under min, or not below max_tokens. params: min, maxTokens */
  'thinking-budget-range',
  /** Anthropic's extended thinking needs the default temperature (unset, or 1). */
  'thinking-temperature',
  /** Extra request fields that do not parse. detail: the JSON parser's message */
  'extra-fields-json',
  /** Extra request fields that parse to something other than an object. */
  'extra-fields-object',
  /** Extra request fields that set what Aside sets itself. params: field */
  'extra-fields-reserved',
  /** params: max */
  'extra-fields-too-long',

  // Pages and selections
  'restricted-page',
  'empty-selection',
  /** fix: grant-page-access; detail: the browser's words */
  'no-page-access',
  'no-tab',
  /** detail: the browser's words */
  'page-unreadable',
  /** "Ask about this page" found no readable text (an empty page, only scripts or images). */
  'empty-page',
  /** "Ask about this page" on a PDF in the browser's viewer, which extensions cannot read. detail: the browser's words */
  'pdf-page',
  /** A user action's {{page}} got the selection: the page could not be read with it. */
  'page-fallback',

  // Conversations and the panel
  /** Nothing to send: no question and no selection. */
  'nothing-to-send',
  /** The staged text does not fit the model's window: the user picks how to send it first. */
  'over-budget',
  /** A follow-up: the conversation no longer fits the model's window; the user leaves its start out or starts anew. */
  'conversation-over-budget',
  /** The conversation cannot be sent (over the turn limit, malformed). */
  'conversation-invalid',
  /** params: max */
  'turn-limit',
  /** params: length, max */
  'question-too-long',
  'busy',
  'reconnecting',
  /** The user did not allow an address. params: host */
  'permission-denied',
  /** The provider cannot list its models. params: provider */
  'models-unsupported',
  'models-invalid',
  /** Connection test: the custom endpoint's events had no text at the text path. */
  'preview-no-text',
  /** Connection test: reading the stream failed. detail */
  'preview-failed',
  /** Stored data could not be read and was reset. params: item */
  'storage-reset',
  /** conversation.open: no such conversation in history (deleted meanwhile). */
  'conversation-not-found',
  /** The tab's conversation could not be read from history, so a new one was started. */
  'conversation-unreadable',
  /** An error saved by an earlier version of Aside; detail: what it said then. */
  'earlier-error',

  // Aside itself
  /** A message was too long or malformed to deliver. */
  'undeliverable',
  /** A handler in the background failed. detail */
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The one button that helps: open settings, retry, or grant page access. */
export const FIXES = ['settings', 'retry', 'grant-page-access'] as const;
export type Fix = (typeof FIXES)[number];

const ParamSchema = v.union([v.pipe(v.string(), v.maxLength(MAX_ERROR_PARAM_CHARS)), v.number(), v.boolean()]);
export type ErrorParam = v.InferOutput<typeof ParamSchema>;

export const UserErrorSchema = v.object({
  code: v.picklist(ERROR_CODES),
  params: v.optional(v.record(v.pipe(v.string(), v.maxLength(40)), ParamSchema)),
  /** The provider's (or browser's) own words, shown small under the message, untranslated. */
  detail: v.optional(v.pipe(v.string(), v.maxLength(MAX_ERROR_DETAIL_CHARS))),
  fix: v.optional(v.picklist(FIXES)),
});
export type UserError = v.InferOutput<typeof UserErrorSchema>;

export function capDetail(text: string): string {
  return text.length > MAX_DETAIL_CHARS ? `${text.slice(0, MAX_DETAIL_CHARS - 1)}…` : text;
}

/** Builds a UserError; `detail` is capped so the port never refuses it. */
export function userError(
  code: ErrorCode,
  options: { params?: Record<string, ErrorParam>; detail?: string; fix?: Fix } = {},
): UserError {
  const error: UserError = { code };
  if (options.params && Object.keys(options.params).length > 0) error.params = options.params;
  if (options.detail !== undefined && options.detail !== '') error.detail = capDetail(options.detail);
  if (options.fix) error.fix = options.fix;
  return error;
}

/** The host:port of a URL, for error params, or the raw text when it is not a URL. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** What stands for a secret in an error shown to the user. */
export const MASKED_SECRET = '••••';

/**
 * The error with every literal occurrence of `secret` masked, in its detail and its
 * params: a provider's 401 body may echo the key it refused, and the panel (and history)
 * must never hold the key.
 */
export function maskSecret(error: UserError, secret: string): UserError {
  if (secret.length < 4) return error;
  const mask = (text: string) => (text.includes(secret) ? text.split(secret).join(MASKED_SECRET) : text);
  const out: UserError = { ...error };
  if (out.detail !== undefined) out.detail = mask(out.detail);
  if (out.params) {
    out.params = Object.fromEntries(
      Object.entries(out.params).map(([name, value]) => [name, typeof value === 'string' ? mask(value) : value]),
    );
  }
  return out;
}
