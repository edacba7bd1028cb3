/**
 * A deliberately naive, independent implementation of the WHATWG event-stream algorithm
 * over a whole stream at once, used as an oracle by the property tests. It shares no code
 * with src/sse.
 */
import type { Item } from './helpers.ts';

export function referenceParse(input: Uint8Array): { log: Item[]; incomplete: boolean } {
  // The WHATWG "UTF-8 decode" strips one leading BOM and replaces invalid bytes.
  const text = new TextDecoder('utf-8').decode(input);
  const log: Item[] = [];
  const lines: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\r') {
      lines.push(current);
      current = '';
      if (text[i + 1] === '\n') i++;
    } else if (ch === '\n') {
      lines.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  let data: string[] = [];
  let type = '';
  let lastId = '';
  let retry: number | undefined;
  let fieldsSinceBlank = false;
  for (const line of lines) {
    if (line === '') {
      fieldsSinceBlank = false;
      if (data.length > 0) {
        const event = { event: type || 'message', data: data.join('\n'), id: lastId };
        log.push({ kind: 'event', event: retry === undefined ? event : { ...event, retry } });
      }
      data = [];
      type = '';
      retry = undefined;
      continue;
    }
    if (line.startsWith(':')) {
      const c = line.slice(1);
      log.push({ kind: 'comment', text: c.startsWith(' ') ? c.slice(1) : c });
      continue;
    }
    fieldsSinceBlank = true;
    const colon = line.indexOf(':');
    const name = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (name === 'data') data.push(value);
    else if (name === 'event') type = value;
    else if (name === 'id') {
      if (!value.includes('\u0000')) lastId = value;
    } else if (name === 'retry') {
      if (/^[0-9]+$/.test(value)) {
        retry = Number(value);
        log.push({ kind: 'retry', ms: retry });
      }
    }
  }
  return { log, incomplete: current !== '' || fieldsSinceBlank };
}
