import { describe, expect, it } from 'vitest';
import { parseBackgroundMessage } from '../../src/messaging/protocol.ts';
import {
  describeHttpError,
  describeNetworkError,
  describeStreamError,
  isQuotaError,
  parseErrorBody,
} from '../../src/providers/http-errors.ts';

const MODEL = 'claude-sonnet-5-5';
const anthropicBody = (type: string, message: string) => JSON.stringify({ type: 'error', error: { type, message } });
const openaiBody = (message: string, type: string, code: string | null) => JSON.stringify({ error: { message, type, code, param: null } });

describe('parseErrorBody', () => {
  it('reads the Anthropic error shape', () => {
    expect(parseErrorBody(anthropicBody('rate_limit_error', 'Slow down'))).toEqual({ type: 'rate_limit_error', code: null, message: 'Slow down' });
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
    ['a message about a spend limit', { type: 'rate_limit_error', code: null, message: 'You have reached your workspace spend limit.' }],
    ['a message about quota', { type: null, code: null, message: 'You exceeded your current quota, please check your plan.' }],
  ])('is true for %s', (_name, body) => {
    expect(isQuotaError(body)).toBe(true);
  });

  it.each([
    ['an Anthropic rate limit', { type: 'rate_limit_error', code: null, message: 'Number of request tokens has exceeded your per-minute rate limit.' }],
    ['an OpenAI rate limit', { type: 'tokens', code: 'rate_limit_exceeded', message: 'Rate limit reached for gpt-4o on tokens per min (TPM).' }],
    ['an empty body', { type: null, code: null, message: null }],
  ])('is false for %s', (_name, body) => {
    expect(isQuotaError(body)).toBe(false);
  });
});

describe('describeHttpError', () => {
  it('maps a 400 "prompt is too long" to too-large, with the provider message as detail', () => {
    const message = 'prompt is too long: 212345 tokens > 200000 maximum';
    expect(describeHttpError(400, anthropicBody('invalid_request_error', message), MODEL)).toEqual({
      code: 'too-large',
      message: 'The text is too long for this model. Select less text, or start a new conversation.',
      detail: message,
    });
  });

  it.each([
    ["This model's maximum context length is 128000 tokens."],
    ['Input has too many tokens.'],
    ['Request exceeds the context length of the model.'],
  ])('maps other too-long wordings to too-large: %s', (message) => {
    expect(describeHttpError(400, openaiBody(message, 'invalid_request_error', 'context_length_exceeded'), MODEL).code).toBe('too-large');
  });

  it('maps any other 400 to bad-request without a fix button', () => {
    expect(describeHttpError(400, anthropicBody('invalid_request_error', 'max_tokens: must be positive'), MODEL)).toEqual({
      code: 'bad-request',
      message: 'The provider rejected the request (400).',
      detail: 'max_tokens: must be positive',
    });
  });

  it('maps 401 to auth, pointing to settings', () => {
    expect(describeHttpError(401, anthropicBody('authentication_error', 'invalid x-api-key'), MODEL)).toEqual({
      code: 'auth',
      message: 'Your API key was not accepted (401). Check the key in settings.',
      fix: 'settings',
      detail: 'invalid x-api-key',
    });
  });

  it('maps 403 to forbidden, pointing to settings', () => {
    expect(describeHttpError(403, anthropicBody('permission_error', 'Your API key does not have permission.'), MODEL)).toMatchObject({
      code: 'forbidden',
      fix: 'settings',
      detail: 'Your API key does not have permission.',
    });
  });

  it('maps 404 to not-found and names the model', () => {
    const error = describeHttpError(404, anthropicBody('not_found_error', 'model: claude-nope'), 'claude-nope');
    expect(error).toMatchObject({ code: 'not-found', fix: 'settings', detail: 'model: claude-nope' });
    expect(error.message).toContain('"claude-nope"');
  });

  it('maps 413 to too-large without a retry', () => {
    expect(describeHttpError(413, anthropicBody('request_too_large', 'Request exceeds the maximum allowed number of bytes.'), MODEL)).toEqual({
      code: 'too-large',
      message: 'The request is too large. Select less text and try again.',
      detail: 'Request exceeds the maximum allowed number of bytes.',
    });
  });

  it('maps a plain 429 rate limit to rate-limit with a retry', () => {
    expect(describeHttpError(429, anthropicBody('rate_limit_error', 'Number of requests has exceeded your rate limit.'), MODEL)).toEqual({
      code: 'rate-limit',
      message: 'Too many requests for now (429). Wait a moment, then retry.',
      fix: 'retry',
      detail: 'Number of requests has exceeded your rate limit.',
    });
  });

  it('maps a 429 insufficient_quota to quota, without a retry button', () => {
    const error = describeHttpError(
      429,
      openaiBody('You exceeded your current quota, please check your plan and billing details.', 'insufficient_quota', 'insufficient_quota'),
      MODEL,
    );
    expect(error.code).toBe('quota');
    expect(error.fix).toBeUndefined();
    expect(error.message).toMatch(/out of credit or hit its spend limit/);
  });

  it('maps a 429 spend-limit message to quota', () => {
    expect(describeHttpError(429, anthropicBody('rate_limit_error', 'You have reached your specified workspace API spend limit.'), MODEL).code).toBe('quota');
  });

  it('maps 500 to server with a retry', () => {
    expect(describeHttpError(500, anthropicBody('api_error', 'Internal server error'), MODEL)).toEqual({
      code: 'server',
      message: 'The provider had an internal error (500). Retry in a moment.',
      fix: 'retry',
      detail: 'Internal server error',
    });
  });

  it.each([502, 504, 599])('maps %i to server', (status) => {
    expect(describeHttpError(status, '', MODEL)).toMatchObject({ code: 'server', fix: 'retry' });
    expect(describeHttpError(status, '', MODEL).message).toContain(`(${status})`);
  });

  it.each([503, 529])('maps %i to overloaded with a retry', (status) => {
    expect(describeHttpError(status, anthropicBody('overloaded_error', 'Overloaded'), MODEL)).toEqual({
      code: 'overloaded',
      message: `The provider is overloaded right now (${status}). Retry in a moment.`,
      fix: 'retry',
      detail: 'Overloaded',
    });
  });

  it.each([402, 405, 418, 422, 451])('maps an unexpected status %i to unknown, naming it', (status) => {
    const error = describeHttpError(status, '', MODEL);
    expect(error).toEqual({ code: 'unknown', message: `The provider answered with HTTP ${status}.`, fix: 'retry' });
  });

  it('shows the start of a non-JSON body (a proxy HTML page) as detail, capped at 300 characters', () => {
    const html = `  <!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>${'x'.repeat(1_000)}</body></html>\n`;
    const error = describeHttpError(502, html, MODEL);
    expect(error.code).toBe('server');
    expect(error.detail).toBe(html.trim().slice(0, 300));
    expect(error.detail).toHaveLength(300);
  });

  it('a 400 with an HTML body is a bad request, not too-large, even if the page says "too long"', () => {
    expect(describeHttpError(400, '<html>URI too long</html>', MODEL).code).toBe('bad-request');
  });

  it.each([[''], ['   \n ']])('has no detail for an empty body %j', (body) => {
    const error = describeHttpError(401, body, MODEL);
    expect(error).not.toHaveProperty('detail');
    expect(error.code).toBe('auth');
  });

  it('every mapped error is a valid protocol message the panel will accept', () => {
    for (const status of [400, 401, 403, 404, 413, 429, 500, 503, 529, 418]) {
      const error = describeHttpError(status, anthropicBody('x', 'short message'), MODEL);
      expect(parseBackgroundMessage({ type: 'failed', requestId: 'r', seq: 0, error })).not.toBeNull();
    }
  });

  // BUG (left failing on purpose): the provider's message becomes `detail` uncapped, but the
  // protocol caps detail at 4,000 characters. The background reads error bodies up to 64 KB,
  // so a long provider message produces a `failed` message the panel's parseBackgroundMessage
  // drops, and the answer stays on "Thinking…" for good. (The non-JSON fallback is capped at 300.)
  it('caps a long provider message so the failed message still passes the protocol', () => {
    const error = describeHttpError(400, anthropicBody('invalid_request_error', `messages: ${'x'.repeat(5_000)}`), MODEL);
    expect(parseBackgroundMessage({ type: 'failed', requestId: 'r', seq: 0, error })).not.toBeNull();
  });

  it('caps a long mid-stream error and a long network error the same way', () => {
    for (const error of [
      describeStreamError({ type: 'api_error', message: 'y'.repeat(10_000) }),
      describeNetworkError('https://api.anthropic.com/v1/messages', new TypeError('z'.repeat(10_000))),
    ]) {
      expect(error.detail!.length).toBeLessThanOrEqual(1_000);
      expect(parseBackgroundMessage({ type: 'failed', requestId: 'r', seq: 0, error })).not.toBeNull();
    }
  });

  it('reports Anthropic’s empty credit balance (a 400) as a quota problem, not a bad request', () => {
    const error = describeHttpError(
      400,
      anthropicBody('invalid_request_error', 'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.'),
      MODEL,
    );
    expect(error.code).toBe('quota');
    expect(error.fix).toBeUndefined();
  });
});

describe('describeStreamError', () => {
  it('keeps the partial answer and offers a retry, with the overloaded wording for overloaded_error', () => {
    expect(describeStreamError({ type: 'overloaded_error', message: 'Overloaded' })).toEqual({
      code: 'stream-error',
      message:
        'The provider became overloaded and stopped in the middle of the answer. The part above is kept; retry to get a full answer.',
      detail: 'overloaded_error: Overloaded',
      fix: 'retry',
    });
  });

  it('uses the general wording for other stream errors', () => {
    const error = describeStreamError({ type: 'api_error', message: 'Internal' });
    expect(error.message).toMatch(/^The provider stopped the answer with an error\./);
    expect(error.detail).toBe('api_error: Internal');
  });
});

describe('describeNetworkError', () => {
  it('names the host (with its port) the request could not reach', () => {
    const error = describeNetworkError('http://127.0.0.1:8787/v1/messages', new TypeError('Failed to fetch'));
    expect(error).toEqual({
      code: 'network',
      message: 'Could not reach 127.0.0.1:8787. Check your internet connection and the base URL in settings, then retry.',
      detail: 'Failed to fetch',
      fix: 'retry',
    });
  });

  it('names only the host, not the path or anything after it', () => {
    const error = describeNetworkError('https://api.anthropic.com/v1/messages', new TypeError('NetworkError when attempting to fetch resource.'));
    expect(error.message).toContain('Could not reach api.anthropic.com.');
    expect(error.message).not.toContain('/v1');
  });

  it('falls back to the raw string when the url does not parse, and stringifies a non-Error cause', () => {
    const error = describeNetworkError('not a url', 'boom');
    expect(error.message).toContain('Could not reach not a url.');
    expect(error.detail).toBe('boom');
  });
});
