/**
 * Deterministic markdown answers for the render benchmark, and the seeded cut into deltas.
 * Same (size, seed) always gives the same text. Every block carries a sentinel word
 * (`S00001`, `S00002`, …, in order) so that a rendering's text content can be checked:
 * all sentinels present, in order, whatever the renderer's markup.
 */
import { createRng } from '../anthropic-stream.ts';

type Rng = () => number;

const WORDS = [
  'the',
  'stream',
  'renderer',
  'answer',
  'because',
  'however',
  'function',
  'value',
  'parser',
  'frame',
  'layout',
  'token',
  'paragraph',
  'browser',
  'panel',
  'server',
  'result',
  'cost',
  'grows',
  'with',
  'length',
  'naïve',
  'café',
  'quickly',
  'measured',
  'cache',
  'request',
  'model',
];
const CJK = ['你好', '世界', '数据', '流式', '解析器', '渲染', '服务器', 'こんにちは', '東京', '한국어', '이벤트', '段落'];
const EMOJI = ['🎉', '😀', '🚀', '👩‍💻', '🌍', '✅', '🔥', '🇯🇵', '❤️', '🤖'];

const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)] as T;
const int = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));

/** Code fences: [info string, body lines]. Twenty of them go into the answer, cycling. */
const CODE: readonly [string, readonly string[]][] = [
  [
    'ts',
    [
      'export function total(items: readonly Item[]): number {',
      '  let sum = 0;',
      '  for (const item of items) sum += item.price * item.count; // S',
      '  return sum;',
      '}',
    ],
  ],
  [
    'python',
    ['def fib(n: int) -> int:', '    """S"""', '    a, b = 0, 1', '    for _ in range(n):', '        a, b = b, a + b', '    return a'],
  ],
  ['rust', ['fn main() {', '    let v: Vec<u32> = (1..=10).collect(); // S', '    println!("{}", v.iter().sum::<u32>());', '}']],
  ['go', ['package main', '', 'import "fmt"', '', 'func main() {', '\tfmt.Println("S")', '}']],
  ['bash', ['#!/usr/bin/env bash', 'set -euo pipefail', 'for f in *.md; do', '  wc -c "$f" # S', 'done']],
  ['json', ['{', '  "name": "S",', '  "version": "1.0.0",', '  "tags": ["a", "b"],', '  "nested": { "ok": true, "n": 42 }', '}']],
  [
    'sql',
    [
      'SELECT id, name, COUNT(*) AS n -- S',
      'FROM users u',
      'JOIN orders o ON o.user_id = u.id',
      'GROUP BY id, name',
      'ORDER BY n DESC;',
    ],
  ],
  ['css', ['.md-code pre {', '  /* S */', '  overflow-x: auto;', '  font: 13px/1.4 ui-monospace, monospace;', '}']],
  ['java', ['public final class S {', '  public static void main(String[] args) {', '    System.out.println("hello");', '  }', '}']],
  ['yaml', ['name: S', 'on: [push]', 'jobs:', '  test:', '    runs-on: ubuntu-latest', '    steps:', '      - run: npm test']],
];

/** Sentinels number the blocks; `S` alone in a code template is replaced by one. */
function sentinels(): { next(): string; count(): number } {
  let n = 0;
  return {
    next: () => `S${String(++n).padStart(5, '0')}`,
    count: () => n,
  };
}

function words(rng: Rng, n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = rng();
    if (r < 0.06) out.push(pick(rng, CJK) + pick(rng, CJK));
    else if (r < 0.08) out.push(pick(rng, EMOJI));
    else out.push(pick(rng, WORDS));
  }
  return out.join(' ');
}

/** A sentence with some inline markdown: bold, italic, code spans, links, strikethrough. */
function sentence(rng: Rng): string {
  let s = words(rng, int(rng, 6, 16));
  const r = rng();
  if (r < 0.15) s += ` **${words(rng, 2)}**`;
  else if (r < 0.3) s += ` *${words(rng, 2)}*`;
  else if (r < 0.42) s += ` \`${pick(rng, WORDS)}()\``;
  else if (r < 0.5) s += ` [${words(rng, 2)}](https://example.com/${pick(rng, WORDS)})`;
  else if (r < 0.54) s += ` ~~${pick(rng, WORDS)}~~`;
  return `${s.charAt(0).toUpperCase()}${s.slice(1)}.`;
}

function paragraph(rng: Rng, id: string): string {
  const parts = [id];
  for (let i = int(rng, 2, 6); i > 0; i--) parts.push(sentence(rng));
  return parts.join(' ');
}

function list(rng: Rng, s: ReturnType<typeof sentinels>): string {
  const ordered = rng() < 0.4;
  const lines: string[] = [];
  for (let i = 1, n = int(rng, 3, 7); i <= n; i++) {
    lines.push(`${ordered ? `${i}.` : '-'} ${s.next()} ${sentence(rng)}`);
    if (rng() < 0.4) {
      for (let j = int(rng, 1, 3); j > 0; j--) {
        lines.push(`${ordered ? '   ' : '  '}- ${s.next()} ${words(rng, int(rng, 3, 9))}`);
        if (rng() < 0.3) lines.push(`${ordered ? '     ' : '    '}- ${s.next()} ${words(rng, int(rng, 2, 6))}`);
      }
    }
  }
  return lines.join('\n');
}

function table(rng: Rng, s: ReturnType<typeof sentinels>): string {
  const cols = int(rng, 3, 5);
  const head = Array.from({ length: cols }, (_, c) => (c === 0 ? s.next() : words(rng, int(rng, 1, 2))));
  const lines = [`| ${head.join(' | ')} |`, `|${' --- |'.repeat(cols)}`];
  for (let r = int(rng, 3, 8); r > 0; r--) {
    const cells = Array.from({ length: cols }, (_, c) => (c === 0 ? s.next() : words(rng, int(rng, 1, 4))));
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

function blockquote(rng: Rng, s: ReturnType<typeof sentinels>): string {
  const lines = [`> ${paragraph(rng, s.next())}`];
  if (rng() < 0.5) lines.push('>', `> - ${s.next()} ${words(rng, 5)}`, `> - ${s.next()} ${words(rng, 4)}`);
  return lines.join('\n');
}

function code(index: number, s: ReturnType<typeof sentinels>, rng: Rng): string {
  const [lang, body] = CODE[index % CODE.length]!;
  const id = s.next();
  const lines = body.map((line) => line.replace(/\bS\b/, id));
  // Vary the length: some fences are long (hundreds of lines), as real answers' are.
  const repeat = index % 5 === 4 ? 40 : int(rng, 1, 4);
  const out: string[] = [];
  for (let i = 0; i < repeat; i++) out.push(...lines);
  return ['```' + lang, ...out, '```'].join('\n');
}

export interface Corpus {
  text: string;
  /** Sentinels S00001…S<count>, in order. */
  sentinels: number;
  codeBlocks: number;
}

/** A ~`targetBytes` (UTF-8) markdown answer with `codeBlocks` fences spread through it. */
export function generateMarkdown(targetBytes: number, seed: number, codeBlocks = 20): Corpus {
  const rng = createRng(seed);
  const s = sentinels();
  const blocks: string[] = [];
  const encoder = new TextEncoder();
  let bytes = 0;
  let fences = 0;
  const push = (block: string) => {
    blocks.push(block);
    bytes += encoder.encode(block).length + 2;
  };
  push(`# ${s.next()} ${words(rng, 5)}`);
  while (bytes < targetBytes || fences < codeBlocks) {
    // A fence roughly every targetBytes / codeBlocks bytes.
    if (fences < codeBlocks && bytes >= (fences * targetBytes) / codeBlocks) {
      push(code(fences++, s, rng));
      continue;
    }
    const r = rng();
    if (r < 0.08) push(`${'#'.repeat(int(rng, 2, 4))} ${s.next()} ${words(rng, int(rng, 2, 6))}`);
    else if (r < 0.5) push(paragraph(rng, s.next()));
    else if (r < 0.7) push(list(rng, s));
    else if (r < 0.8) push(table(rng, s));
    else if (r < 0.9) push(blockquote(rng, s));
    else if (r < 0.93) push('---');
    else push(`${s.next()} ${CJK.slice(0, int(rng, 4, 12)).join('，')}。${words(rng, 6)}`);
  }
  return { text: blocks.join('\n\n') + '\n', sentinels: s.count(), codeBlocks: fences };
}

/** One huge paragraph of CJK text and emoji, no line break, ~`targetBytes` UTF-8 bytes. */
export function generateCjkParagraph(targetBytes: number, seed: number): string {
  const rng = createRng(seed);
  const parts: string[] = [];
  let bytes = 0;
  const encoder = new TextEncoder();
  while (bytes < targetBytes) {
    const r = rng();
    const piece = r < 0.08 ? pick(rng, EMOJI) : r < 0.14 ? '，' : r < 0.17 ? '。' : pick(rng, CJK);
    parts.push(piece);
    bytes += encoder.encode(piece).length;
  }
  return parts.join('');
}

/**
 * `count` seeded cut points (as string offsets, ascending, the last one text.length), never
 * inside a surrogate pair: each delta is what one provider event would add to the answer.
 */
export function cutPoints(text: string, count: number, seed: number): number[] {
  const rng = createRng(seed);
  const picked = new Set<number>([text.length]);
  while (picked.size < count) {
    let at = 1 + Math.floor(rng() * (text.length - 1));
    const code = text.charCodeAt(at - 1);
    if (code >= 0xd800 && code <= 0xdbff) at++;
    if (at < text.length) picked.add(at);
  }
  return [...picked].sort((a, b) => a - b);
}

/** Which sentinel is missing or out of order in `rendered` text (null: all there, in order). */
export function missingSentinel(rendered: string, count: number): string | null {
  let from = 0;
  for (let n = 1; n <= count; n++) {
    const id = `S${String(n).padStart(5, '0')}`;
    const at = rendered.indexOf(id, from);
    if (at < 0) return id;
    from = at + id.length;
  }
  return null;
}
