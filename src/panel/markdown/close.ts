/**
 * Closes what is left open at the end of a streaming answer, for the render of the open
 * tail only (finished blocks are always rendered from their own text): an unfinished
 * `**bold`, `_em`, `~~del`, `` `code ``, `[link](https://exa` or table delimiter row would
 * otherwise show its markers and then jump when the closer arrives. Like the `remend`
 * library, in a few lines: the result only has to look right for a moment.
 */

const FENCE_START = /^ {0,3}(`{3,}|~{3,})/;
/** A line that could still become a setext underline, a bullet or a break: hidden until complete. */
const PENDING_MARKER_LINE = /\n {0,3}[-=*+_]+ *$/;
const PARTIAL_DELIMITER_ROW = /^ {0,3}\|?(?: *:?-*:? *\|)* *:?-*:? *$/;

function cellCount(row: string): number {
  let line = row.trim();
  if (line.startsWith('|')) line = line.slice(1);
  if (line.endsWith('|') && !line.endsWith('\\|')) line = line.slice(0, -1);
  return line.split(/(?<!\\)\|/).length;
}

/** `| a | b |` + a partial `|--` → the delimiter row the header asks for. */
function completeDelimiterRow(text: string): string {
  const lastBreak = text.lastIndexOf('\n');
  if (lastBreak < 0) return text;
  const last = text.slice(lastBreak + 1);
  if (!PARTIAL_DELIMITER_ROW.test(last) || !/[-|]/.test(last)) return text;
  const before = text.slice(0, lastBreak);
  const header = before.slice(before.lastIndexOf('\n') + 1);
  if (!header.includes('|') || PARTIAL_DELIMITER_ROW.test(header)) return text;
  const cells = cellCount(header);
  return `${before}\n|${' --- |'.repeat(cells)}`;
}

/** Where emphasis at the end could have been opened: the last paragraph, list item or table cell. */
function regionStart(text: string): number {
  let start = text.lastIndexOf('\n\n') + 1;
  const lines = /(?:^|\n)( {0,3}(?:[-*+]|\d{1,9}[.)])(?: |$)| {0,3}>)/g;
  for (let m = lines.exec(text); m; m = lines.exec(text)) {
    if (m.index >= start) start = m.index + (text[m.index] === '\n' ? 1 : 0) + m[1]!.length;
  }
  const lastLine = text.lastIndexOf('\n') + 1;
  const pipe = text.lastIndexOf('|');
  if (pipe >= lastLine && pipe >= start) start = pipe + 1;
  return start;
}

interface Opener {
  marker: string;
  /** Index just after the opener in the text. */
  end: number;
}

const isSpace = (ch: string | undefined) => ch === undefined || /\s/.test(ch);
const isWordChar = (ch: string | undefined) => ch !== undefined && /[\p{L}\p{N}]/u.test(ch);

/**
 * Closes emphasis, strikethrough, code spans and a link destination left open at the end
 * of `text` (a streaming paragraph, heading, list, quote or table).
 */
export function closeOpenInline(text: string): string {
  if (FENCE_START.test(text)) return text; // an open fence renders as code already
  let out = text;
  if (PENDING_MARKER_LINE.test(out)) out = out.slice(0, out.lastIndexOf('\n'));
  out = completeDelimiterRow(out);
  // A bare opener at the very end (`a **`): hidden until something follows it.
  const bare = /(?:^|[ \t])([*_~]+|`+)$/.exec(out);
  if (bare && !/\n/.test(out.slice(-bare[1]!.length - 1)) && out.length > bare[1]!.length) {
    out = out.slice(0, out.length - bare[1]!.length);
  }

  const start = regionStart(out);
  const stack: Opener[] = [];
  let suffix = '';
  let scanEnd = out.length;

  // An open link destination: `[text](partial` or `![alt](partial "tit`.
  const link = /\]\(([^()\s]*)(?: +("[^"]*|'[^']*))?$/.exec(out.slice(start));
  if (link) {
    scanEnd = start + link.index;
    suffix = `${link[2] ? link[2][0] : ''})`;
  }

  let codeSuffix = '';
  let cutAt = -1;
  for (let i = start; i < scanEnd;) {
    const ch = out[i]!;
    if (ch === '\\') {
      i += 2;
      continue;
    }
    if (ch === '`') {
      let n = 1;
      while (out[i + n] === '`') n++;
      const run = '`'.repeat(n);
      let j = out.indexOf(run, i + n);
      while (j >= 0 && out[j + n] === '`') {
        let k = j;
        while (out[k] === '`') k++;
        j = out.indexOf(run, k);
      }
      if (j < 0 || j >= scanEnd) {
        // An open code span: what follows is code. Close it (or hide a bare opener) and stop.
        if (out.slice(i + n, scanEnd).trim() === '') cutAt = i;
        else codeSuffix = run;
        break;
      }
      i = j + n;
      continue;
    }
    if (ch === '*' || ch === '_' || ch === '~') {
      let n = 1;
      while (out[i + n] === ch) n++;
      const before = out[i - 1];
      const after = out[i + n];
      const marker = ch.repeat(ch === '~' ? Math.min(n, 2) : Math.min(n, 3));
      const intraword = ch === '_' && isWordChar(before) && isWordChar(after);
      const canClose = !isSpace(before) && !intraword;
      const canOpen = !isSpace(after) && !intraword;
      const top = stack.at(-1);
      if (canClose && top && top.marker[0] === ch) stack.pop();
      else if (canOpen) stack.push({ marker, end: i + n });
      i += n;
      continue;
    }
    i++;
  }

  const contentEnd = cutAt >= 0 ? cutAt : scanEnd;
  let body = link ? out : out.slice(0, contentEnd);
  let closers = '';
  for (let k = stack.length - 1; k >= 0; k--) {
    const opener = stack[k]!;
    if (closers === '' && codeSuffix === '' && !link && out.slice(opener.end, contentEnd).trim() === '') {
      // Nothing after the opener yet: hide it instead of showing a bare `**`.
      body = out.slice(0, opener.end - opener.marker.length);
      continue;
    }
    closers += [...opener.marker].reverse().join('');
  }
  if (closers === '' && suffix === '' && codeSuffix === '') return body;
  const tail = codeSuffix + suffix + closers;
  return (codeSuffix === '' && suffix === '' ? body.trimEnd() : body) + tail;
}
