/**
 * Reading a provider's HTTP error answer (src/providers/failures.ts): the kind of failure
 * (an error code) and the provider's own message, no words. And what the background makes
 * of it (src/background/answers/errors.ts): the UserError with its params, the capped
 * detail and the one fix that helps, which the panel words.
 */
import { describe, expect, it } from 'vitest';
import { failureError, networkError, streamError } from '../../src/background/answers/errors.ts';
import { parseBackgroundMessage } from '../../src/messaging/protocol.ts';
import { anthropicProvider } from '../../src/providers/anthropic.ts';
import { CUMULATIVE_REWRITE_ERROR } from '../../src/providers/custom.ts';
import { MALFORMED_STREAM_ERROR } from '../../src/providers/index.ts';
import { classifyHttpFailure, isQuotaError, kindOfStatus, parseErrorBody } from '../../src/providers/failures.ts';
import type { Failure } from '../../src/providers/provider.ts';
import { MAX_DETAIL_CHARS } from '../../src/shared/limits.ts';

const MODEL = 'claude-sonnet-5-5';
const URL_ = 'https://api.anthropic.com/v1/messages';
const anthropicBody = (type: string, message: string) => JSON.stringify({ type: 'error', error: { type, message } });
const openaiBody = (message: string, type: string, code: string | null) =>
  JSON.stringify({ error: { message, type, code, param: null } });

/** The Anthropic provider's reading (the shared one plus its own credit-balance case). */
const classify = (status: number, body: string): Failure => anthropicProvider.classifyFailure(status, body, { url: URL_ });
/** What the user is shown for it (before the panel words the code). */
const describe_ = (status: number, body: string, model = MODEL) => failureError(classify(status, body), status, { model });

describe('parseErrorBody', () => {
  it('reads the Anthropic error shape', () => {
    expect(parseErrorBody(anthropicBody('rate_limit_error', 'Slow down'))).toEqual({
      type: 'rate_limit_error',
      code: null,
      message: 'Slow down',
    });
  });

  it('reads the OpenAI-compatible error shape, code included', () => {
    expect(parseErrorBody(openaiBody('You exceeded your current quota.', 'insufficient_quota', 'insufficient_quota'))).toEqual({
      type: 'insufficient_quota',
      code: 'insufficient_quota',
      message: 'You exceeded your current quota.',
    });
  });

  it('reads an error that is just a string', () => {
    expect(parseErrorBody('{"error":"Invalid token"}')).toEqual({ type: null, code: null, message: 'Invalid token' });
  });

  it.each([
    ['an HTML page', '<html><body><h1>502 Bad Gateway</h1></body></html>'],
    ['an empty body', ''],
    ['JSON null', 'null'],
    ['a JSON array', '[1,2]'],
    ['JSON without an error field', '{"message":"nope"}'],
    ['an error field that is a number', '{"error":500}'],
  ])('gives all nulls for %s', (_name, text) => {
    expect(parseErrorBody(text)).toEqual({ type: null, code: null, message: null });
  });

  it('ignores fields of the wrong type', () => {
    expect(parseErrorBody('{"error":{"type":1,"code":429,"message":["x"]}}')).toEqual({ type: null, code: null, message: null });
  });
});

describe('isQuotaError', () => {
  it.each([
    ['OpenAI insufficient_quota type', { type: 'insufficient_quota', code: null, message: null }],
    ['OpenAI insufficient_quota code', { type: null, code: 'insufficient_quota', message: null }],
    ['a spend_limit code', { type: null, code: 'spend_limit_reached', message: null }],
    ['a billing type', { type: 'billing_error', code: null, message: null }],
    ['a message about the credit balance', { type: 'invalid_request_error', code: null, message: 'Your credit balance is too low.' }],
    [
      'a message about a spend limit',
      { type: 'rate_limit_error', code: null, message: 'You have reached your workspace spend limit.' },
    ],
    ['a message about quota', { type: null, code: null, message: 'You exceeded your current quota, please check your plan.' }],
  ])('is true for %s', (_name, body) => {
    expect(isQuotaError(body)).toBe(true);
  });

  it.each([
    [
      'an Anthropic rate limit',
      { type: 'rate_limit_error', code: null, message: 'Number of request tokens has exceeded your per-minute rate limit.' },
    ],
    [
      'an OpenAI rate limit',
      { type: 'tokens', code: 'rate_limit_exceeded', message: 'Rate limit reached for gpt-4o on tokens per min (TPM).' },
    ],
    ['an empty body', { type: null, code: null, message: null }],
  ])('is false for %s', (_name, body) => {
    expect(isQuotaError(body)).toBe(false);
  });
});

describe('classifyFailure and failureError', () => {
  it('maps a 400 "prompt is too long" to context-too-long, with the provider message as detail', () => {
    const message = 'prompt is too long: 212345 tokens > 200000 maximum';
    expect(classify(400, anthropicBody('invalid_request_error', message))).toEqual({
      kind: 'context-too-long',
      providerMessage: message,
    });
    expect(describe_(400, anthropicBody('invalid_request_error', message))).toEqual({
      code: 'context-too-long',
      params: { status: 400 },
      detail: message,
    });
  });

  it.each([
    ["This model's maximum context length is 128000 tokens."],
    ['Input has too many tokens.'],
    ['Request exceeds the context length of the model.'],
  ])('maps other too-long wordings to context-too-long: %s', (message) => {
    expect(classify(400, openaiBody(message, 'invalid_request_error', 'context_length_exceeded')).kind).toBe('context-too-long');
    // The words alone are enough, without OpenAI's code.
    expect(classify(400, openaiBody(message, 'invalid_request_error', null)).kind).toBe('context-too-long');
  });

  it('maps the context_length_exceeded code alone to context-too-long', () => {
    expect(classify(400, openaiBody('Bad input.', 'invalid_request_error', 'context_length_exceeded')).kind).toBe('context-too-long');
  });

  it('maps any other 400 to bad-request without a fix button', () => {
    expect(describe_(400, anthropicBody('invalid_request_error', 'max_tokens: must be positive'))).toEqual({
      code: 'bad-request',
      params: { status: 400 },
      detail: 'max_tokens: must be positive',
    });
  });

  it('maps 401 to auth, pointing to settings', () => {
    expect(describe_(401, anthropicBody('authentication_error', 'invalid x-api-key'))).toEqual({
      code: 'auth',
      params: { status: 401 },
      fix: 'settings',
      detail: 'invalid x-api-key',
    });
  });

  it('maps 403 to forbidden, pointing to settings', () => {
    expect(describe_(403, anthropicBody('permission_error', 'Your API key does not have permission.'))).toEqual({
      code: 'forbidden',
      params: { status: 403 },
      fix: 'settings',
      detail: 'Your API key does not have permission.',
    });
  });

  it('maps 404 to not-found and names the model', () => {
    const failure = classify(404, anthropicBody('not_found_error', 'model: claude-nope'));
    expect(failure).toEqual({ kind: 'not-found', providerMessage: 'model: claude-nope' });
    expect(failureError(failure, 404, { model: 'claude-nope' })).toEqual({
      code: 'not-found',
      params: { status: 404, model: 'claude-nope' },
      fix: 'settings',
      detail: 'model: claude-nope',
    });
  });

  it('names the model only for not-found', () => {
    for (const status of [400, 401, 403, 413, 429, 500, 503]) {
      expect(describe_(status, '', 'claude-nope').params).not.toHaveProperty('model');
    }
  });

  it('maps 413 to too-large without a retry', () => {
    expect(describe_(413, anthropicBody('request_too_large', 'Request exceeds the maximum allowed number of bytes.'))).toEqual({
      code: 'too-large',
      params: { status: 413 },
      detail: 'Request exceeds the maximum allowed number of bytes.',
    });
  });

  it('maps a plain 429 rate limit to rate-limit with a retry', () => {
    expect(describe_(429, anthropicBody('rate_limit_error', 'Number of requests has exceeded your rate limit.'))).toEqual({
      code: 'rate-limit',
      params: { status: 429 },
      fix: 'retry',
      detail: 'Number of requests has exceeded your rate limit.',
    });
  });

  it('maps a 429 insufficient_quota to quota, without a retry button', () => {
    const error = describe_(
      429,
      openaiBody(
        'You exceeded your current quota, please check your plan and billing details.',
        'insufficient_quota',
        'insufficient_quota',
      ),
    );
    expect(error).toEqual({
      code: 'quota',
      params: { status: 429 },
      detail: 'You exceeded your current quota, please check your plan and billing details.',
    });
    expect(error.fix).toBeUndefined();
  });

  it('maps a 429 spend-limit message to quota', () => {
    expect(classify(429, anthropicBody('rate_limit_error', 'You have reached your specified workspace API spend limit.')).kind).toBe(
      'quota',
    );
  });

  it('maps 500 to server with a retry', () => {
    expect(describe_(500, anthropicBody('api_error', 'Internal server error'))).toEqual({
      code: 'server',
      params: { status: 500 },
      fix: 'retry',
      detail: 'Internal server error',
    });
  });

  it.each([502, 504, 599])('maps %i to server, naming the status', (status) => {
    expect(describe_(status, '')).toEqual({ code: 'server', params: { status }, fix: 'retry' });
  });

  it.each([503, 529])('maps %i to overloaded with a retry', (status) => {
    expect(describe_(status, anthropicBody('overloaded_error', 'Overloaded'))).toEqual({
      code: 'overloaded',
      params: { status },
      fix: 'retry',
      detail: 'Overloaded',
    });
  });

  it.each([402, 405, 418, 422, 451])('maps an unexpected status %i to http-status, naming it', (status) => {
    expect(classify(status, '')).toEqual({ kind: 'http-status' });
    expect(describe_(status, '')).toEqual({ code: 'http-status', params: { status }, fix: 'retry' });
  });

  it('shows the start of a non-JSON body (a proxy HTML page) as detail, capped at 300 characters', () => {
    const html = `  <!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>${'x'.repeat(1_000)}</body></html>\n`;
    const failure = classify(502, html);
    expect(failure.kind).toBe('server');
    expect(failure.providerMessage).toBe(html.trim().slice(0, 300));
    expect(failure.providerMessage).toHaveLength(300);
    expect(failureError(failure, 502, { model: MODEL }).detail).toBe(html.trim().slice(0, 300));
  });

  it('a 400 with an HTML body is a bad request, not context-too-long, even if the page says "too long"', () => {
    expect(classify(400, '<html>URI too long</html>').kind).toBe('bad-request');
  });

  it.each([[''], ['   \n ']])('has no detail for an empty body %j', (body) => {
    expect(classify(401, body)).toEqual({ kind: 'auth' });
    const error = describe_(401, body);
    expect(error).not.toHaveProperty('detail');
    expect(error.code).toBe('auth');
  });

  it('every mapped error is a valid protocol message the panel will accept', () => {
    for (const status of [400, 401, 402, 403, 404, 413, 429, 500, 503, 529, 418]) {
      const error = describe_(status, anthropicBody('x', 'short message'));
      expect(parseBackgroundMessage({ type: 'failed', requestId: 'r', seq: 0, error })).not.toBeNull();
    }
  });

  it('caps a long provider message so the failed message still passes the protocol', () => {
    const message = `messages: ${'x'.repeat(5_000)}`;
    // The classification keeps the provider's words; the UserError caps them.
    expect(classify(400, anthropicBody('invalid_request_error', message)).providerMessage).toBe(message);
    const error = describe_(400, anthropicBody('invalid_request_error', message));
    expect(error.detail).toHaveLength(MAX_DETAIL_CHARS);
    expect(error.detail).toBe(`${message.slice(0, MAX_DETAIL_CHARS - 1)}…`);
    expect(parseBackgroundMessage({ type: 'failed', requestId: 'r', seq: 0, error })).not.toBeNull();
  });

  it('caps a long mid-stream error and a long network error the same way', () => {
    for (const error of [
      streamError({ type: 'api_error', message: 'y'.repeat(10_000) }),
      networkError('https://api.anthropic.com/v1/messages', new TypeError('z'.repeat(10_000))),
    ]) {
      expect(error.detail!.length).toBeLessThanOrEqual(1_000);
      expect(parseBackgroundMessage({ type: 'failed', requestId: 'r', seq: 0, error })).not.toBeNull();
    }
  });

  it('reports Anthropic’s empty credit balance (a 400) as a quota problem, not a bad request', () => {
    const message =
      'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.';
    const failure = classify(400, anthropicBody('invalid_request_error', message));
    expect(failure).toEqual({ kind: 'quota', providerMessage: message });
    const error = failureError(failure, 400, { model: MODEL });
    expect(error.code).toBe('quota');
    expect(error.fix).toBeUndefined();
  });
});

describe('the shared reading (classifyHttpFailure, kindOfStatus)', () => {
  it('lets a provider recognise its own case first, and falls back to the status for the rest', () => {
    const refine = (status: number) => (status === 418 ? ('overloaded' as const) : null);
    expect(classifyHttpFailure(418, '{"error":{"message":"teapot"}}', refine)).toEqual({
      kind: 'overloaded',
      providerMessage: 'teapot',
    });
    expect(classifyHttpFailure(401, '', refine)).toEqual({ kind: 'auth' });
    expect(classifyHttpFailure(418, '')).toEqual({ kind: 'http-status' });
  });

  it('drops the provider message for ollama-origin (the body is empty; the setting says it all)', () => {
    expect(classifyHttpFailure(403, 'anything', () => 'ollama-origin')).toEqual({ kind: 'ollama-origin' });
  });

  it('reads a 403 unsupported region by its code', () => {
    expect(kindOfStatus(403, { type: null, code: 'unsupported_country_region_territory', message: null })).toBe('region-blocked');
    expect(kindOfStatus(403, { type: null, code: null, message: null })).toBe('forbidden');
  });

  it.each<[number, Failure['kind']]>([
    [400, 'bad-request'],
    [401, 'auth'],
    [402, 'http-status'],
    [403, 'forbidden'],
    [404, 'not-found'],
    [408, 'http-status'],
    [413, 'too-large'],
    [429, 'rate-limit'],
    [500, 'server'],
    [501, 'server'],
    [503, 'overloaded'],
    [529, 'overloaded'],
    [599, 'server'],
    [301, 'http-status'],
  ])('reads %i with an empty body as %s', (status, kind) => {
    expect(kindOfStatus(status, { type: null, code: null, message: null })).toBe(kind);
  });
});

describe('streamError', () => {
  it('keeps the partial answer and offers a retry, with its own code for overloaded_error', () => {
    expect(streamError({ type: 'overloaded_error', message: 'Overloaded' })).toEqual({
      code: 'stream-overloaded',
      detail: 'overloaded_error: Overloaded',
      fix: 'retry',
    });
  });

  it('uses stream-error for other stream errors, with type and message as detail', () => {
    expect(streamError({ type: 'api_error', message: 'Internal' })).toEqual({
      code: 'stream-error',
      detail: 'api_error: Internal',
      fix: 'retry',
    });
  });

  it('gives only the type as detail when the provider sent no message', () => {
    expect(streamError({ type: 'error', message: '' })).toEqual({ code: 'stream-error', detail: 'error', fix: 'retry' });
  });

  it('names a malformed stream and a rewritten cumulative text by their own codes', () => {
    expect(streamError(MALFORMED_STREAM_ERROR)).toEqual({ code: 'malformed-stream', fix: 'retry' });
    expect(streamError(CUMULATIVE_REWRITE_ERROR)).toEqual({ code: 'text-rewritten', fix: 'retry' });
  });
});

describe('networkError', () => {
  it('names the host (with its port) the request could not reach', () => {
    expect(networkError('http://127.0.0.1:8787/v1/messages', new TypeError('Failed to fetch'))).toEqual({
      code: 'network',
      params: { host: '127.0.0.1:8787' },
      detail: 'Failed to fetch',
      fix: 'retry',
    });
  });

  it('names only the host, not the path or anything after it', () => {
    const error = networkError(
      'https://api.anthropic.com/v1/messages?x=1',
      new TypeError('NetworkError when attempting to fetch resource.'),
    );
    expect(error.params).toEqual({ host: 'api.anthropic.com' });
    expect(JSON.stringify(error)).not.toContain('/v1');
  });

  it('falls back to the raw string when the url does not parse, and stringifies a non-Error cause', () => {
    expect(networkError('not a url', 'boom')).toEqual({ code: 'network', params: { host: 'not a url' }, detail: 'boom', fix: 'retry' });
  });
});
