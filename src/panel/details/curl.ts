/**
 * "Copy as cURL": the answer's request as a shell command. The key is already a placeholder
 * ($ASIDE_API_KEY, see background/answers/sent-request.ts), left for the shell to expand;
 * everything else is single-quoted, so nothing in a header or the body is run.
 */
import type { SentRequest } from '../../messaging/protocol.ts';

const KEY = '$ASIDE_API_KEY';

/** Single-quoted for a POSIX shell, with the key placeholder outside the quotes so it expands. */
function quote(text: string): string {
  const parts = text.split(KEY).map((part) => `'${part.replace(/'/g, `'\\''`)}'`);
  return parts.join(`"${KEY}"`).replace(/^''(?=")|(?<=")''$/g, '');
}

export function curlCommand(request: SentRequest): string {
  const lines = [`curl -N -X ${quote(request.method)} ${quote(request.url)}`];
  for (const [name, value] of request.headers) lines.push(`  -H ${quote(`${name}: ${value}`)}`);
  if (request.body !== '') lines.push(`  --data-raw ${quote(request.body)}`);
  return lines.join(' \\\n');
}
