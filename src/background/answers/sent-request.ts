/**
 * The request of an answer as the details view shows it and "Copy as cURL" writes it: exactly
 * what was sent, except the key, which is replaced wherever it appears (a header, the URL, a
 * custom body template) by a placeholder the user fills in from their shell.
 */
import type { SentRequest } from '../../messaging/protocol.ts';
import type { HttpRequest } from '../../providers/provider.ts';
import { MAX_PORT_TEXT_CHARS, MAX_SHORT_TEXT_CHARS, MAX_URL_CHARS } from '../../shared/limits.ts';

export const KEY_PLACEHOLDER = '$ASIDE_API_KEY';

/** Literal replacement: a key may contain `$&` or regex characters. */
function masked(text: string, apiKey: string): string {
  return apiKey === '' ? text : text.split(apiKey).join(KEY_PLACEHOLDER);
}

export function sentRequest(request: HttpRequest, apiKey: string): SentRequest {
  return {
    url: masked(request.url, apiKey).slice(0, MAX_URL_CHARS),
    method: request.method.slice(0, MAX_SHORT_TEXT_CHARS),
    headers: Object.entries(request.headers)
      .slice(0, 100)
      .map(([name, value]): [string, string] => [
        name.slice(0, MAX_SHORT_TEXT_CHARS),
        masked(value, apiKey).slice(0, MAX_SHORT_TEXT_CHARS),
      ]),
    body: masked(request.body ?? '', apiKey).slice(0, MAX_PORT_TEXT_CHARS),
  };
}
