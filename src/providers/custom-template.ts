/**
 * The parts of a custom endpoint's request the user writes: a JSON body template with
 * placeholders and "Name: value" header lines. Pure, so settings checks can use them too.
 */
import { ProviderSetupError } from './provider.ts';

const PLACEHOLDER = /\{\{\s*([A-Za-z_]\w*)\s*\}\}/y;

/**
 * Fills `{{name}}` placeholders in a JSON template with JSON values. A bare placeholder
 * becomes the value's JSON text (`"text"`, `[...]`); a placeholder inside a JSON string
 * becomes the escaped contents of that string (a non-string value is written as its JSON
 * text, escaped), so `"Summarise: {{prompt}}"` stays one valid string whatever the prompt
 * holds. Unknown names are left as they are. Throws when the result is not valid JSON.
 */
export function fillJsonTemplate(template: string, values: Record<string, unknown>): string {
  let out = '';
  let inString = false;
  let i = 0;
  while (i < template.length) {
    const c = template[i] as string;
    if (c === '{' && template[i + 1] === '{') {
      PLACEHOLDER.lastIndex = i;
      const m = PLACEHOLDER.exec(template);
      const name = m?.[1];
      if (m && name !== undefined && Object.hasOwn(values, name)) {
        const value = values[name];
        if (inString) {
          const asText = typeof value === 'string' ? value : JSON.stringify(value);
          out += JSON.stringify(asText).slice(1, -1);
        } else {
          out += JSON.stringify(value);
        }
        i += m[0].length;
        continue;
      }
    }
    if (inString) {
      if (c === '\\') {
        out += c + (template[i + 1] ?? '');
        i += 2;
        continue;
      }
      if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
    }
    out += c;
    i++;
  }
  try {
    JSON.parse(out);
  } catch (cause) {
    throw new ProviderSetupError('template-json', { detail: cause instanceof Error ? cause.message : String(cause) });
  }
  return out;
}

/** Parses "Name: value" lines; a malformed line gives its 1-based number. */
export function parseHeaderLines(text: string): { ok: true; headers: Record<string, string> } | { ok: false; line: number } {
  const headers: Record<string, string> = {};
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) return { ok: false, line: index + 1 };
    headers[name] = line.slice(colon + 1).trim();
  }
  return { ok: true, headers };
}
