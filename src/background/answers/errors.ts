/**
 * From what went wrong to a UserError: a code, its params, the provider's own words as
 * detail, and the one fix that helps. No sentences here; the panel words each code.
 */
import { matchedNothingError } from '../../providers/custom-extract.ts';
import { RedirectRefused } from '../../providers/http.ts';
import type { Failure } from '../../providers/provider.ts';
import { OLLAMA_ORIGINS_SETTING } from '../../providers/catalog.ts';
import { hostOf, userError, type ErrorCode, type Fix, type UserError } from '../../shared/errors.ts';
import { ON_DEVICE_ERROR_TYPES } from '../../shared/on-device-ai.ts';

const FIX_BY_KIND: Partial<Record<Failure['kind'], Fix>> = {
  auth: 'settings',
  forbidden: 'settings',
  'not-found': 'settings',
  'rate-limit': 'retry',
  overloaded: 'retry',
  server: 'retry',
  'http-status': 'retry',
  'ollama-origin': 'retry',
};

/** An HTTP error answer, as the provider classified it. */
export function failureError(failure: Failure, status: number, context: { model: string }): UserError {
  const params: Record<string, string | number> = { status };
  if (failure.kind === 'not-found') params.model = context.model;
  if (failure.kind === 'ollama-origin') params.setting = OLLAMA_ORIGINS_SETTING;
  const fix = FIX_BY_KIND[failure.kind];
  return userError(failure.kind, {
    params,
    ...(failure.providerMessage !== undefined ? { detail: failure.providerMessage } : {}),
    ...(fix ? { fix } : {}),
  });
}

function causeText(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

/** fetch() itself failed (offline, DNS, TLS, refused connection), or the provider redirected. */
export function networkError(url: string, cause: unknown): UserError {
  if (cause instanceof RedirectRefused) return redirectedError(cause);
  return userError('network', { params: { host: hostOf(url) }, detail: causeText(cause), fix: 'retry' });
}

/**
 * A redirect, refused so the key cannot follow it: not a network error, and never retried.
 * The target host is named when it is known (browsers hide it).
 */
export function redirectedError(cause: RedirectRefused): UserError {
  const target = cause.location ? hostOf(new URL(cause.location, cause.url).href) : '';
  return userError('redirected', {
    params: { host: hostOf(cause.url) },
    ...(target ? { detail: `→ ${target}` } : {}),
    fix: 'settings',
  });
}

/** The on-device model's failures, by the error type the built-in provider reports. */
const ON_DEVICE_CODES: Record<string, { code: ErrorCode; fix: Fix }> = {
  [ON_DEVICE_ERROR_TYPES.unavailable]: { code: 'builtin-unavailable', fix: 'settings' },
  [ON_DEVICE_ERROR_TYPES.needsDownload]: { code: 'builtin-needs-download', fix: 'settings' },
  [ON_DEVICE_ERROR_TYPES.tooLong]: { code: 'builtin-too-long', fix: 'retry' },
  [ON_DEVICE_ERROR_TYPES.failed]: { code: 'builtin-failed', fix: 'retry' },
};

/** An error reported inside the stream, after a 200: the partial answer is kept. */
export function streamError(error: { type: string; message: string }): UserError {
  const onDevice = ON_DEVICE_CODES[error.type];
  if (onDevice) return userError(onDevice.code, { ...(error.message ? { detail: error.message } : {}), fix: onDevice.fix });
  const detail = error.message ? `${error.type}: ${error.message}` : error.type;
  if (error.type === 'malformed_stream') return userError('malformed-stream', { fix: 'retry' });
  if (error.type === 'cumulative_text_rewritten') return userError('text-rewritten', { fix: 'retry' });
  const nothing = matchedNothingError(error);
  if (nothing) return userError(nothing.code, { params: nothing.params, fix: 'settings' });
  const code = error.type === 'overloaded_error' ? 'stream-overloaded' : 'stream-error';
  return userError(code, { detail, fix: 'retry' });
}

export function noPermissionError(url: string): UserError {
  return userError('no-permission', { params: { host: hostOf(url) }, fix: 'settings' });
}

export function internalError(cause: unknown): UserError {
  return userError('internal', { detail: causeText(cause).slice(0, 500) });
}
