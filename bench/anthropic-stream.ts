/**
 * Deterministic Anthropic-style SSE stream generator and seeded chunker, shared by the
 * benchmarks. Same (targetBytes, seed) always gives the same bytes.
 *
 * The stream is one valid Messages API streaming response: message_start,
 * content_block_start, many content_block_delta text_delta events (ASCII, CJK and emoji
 * text, JSON-escaped as the API does), an occasional `event: ping`, content_block_stop,
 * message_delta with usage, message_stop.
 */

/** mulberry32: a small, fast, seeded PRNG returning floats in [0, 1). */
export function createRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ASCII_WORDS = [
  'the',
  'quick',
  'brown',
  'fox',
  'jumps',
  'over',
  'lazy',
  'dog',
  'server',
  'sent',
  'events',
  'stream',
  'parser',
  'token',
  'Claude',
  'answer',
  'because',
  'however',
  'function',
  'value',
  '"quoted"',
  'path\\to',
  'x = 42;',
  'done.',
  'Hello,',
  'world!',
  '(see §3)',
  'naïve',
  'café',
];
const CJK_WORDS = ['你好', '世界', '数据', '流式', '解析器', 'こんにちは', '東京', '한국어', '이벤트', '服务器'];
const EMOJI = ['🎉', '😀', '🚀', '👩‍💻', '🌍', '✅', '🔥', '🇯🇵', '❤️', '🤖'];

function pick<T>(rng: () => number, list: readonly T[]): T {
  return list[Math.floor(rng() * list.length)] as T;
}

/** One model "token": mostly ASCII words, some CJK, a few emoji, sometimes a newline. */
function textDelta(rng: () => number): string {
  const n = 1 + Math.floor(rng() * 4);
  let s = '';
  for (let i = 0; i < n; i++) {
    const r = rng();
    if (r < 0.7) s += (s === '' && rng() < 0.5 ? '' : ' ') + pick(rng, ASCII_WORDS);
    else if (r < 0.9) s += pick(rng, CJK_WORDS);
    else if (r < 0.97) s += pick(rng, EMOJI);
    else s += '\n\n';
  }
  return s;
}

function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) n += c < 0x800 || (c >= 0xd800 && c <= 0xdfff) ? 1 : 2;
  }
  return n;
}

export interface GeneratedStreamInfo {
  /** Number of dispatched SSE events (pings included). */
  events: number;
  textDeltas: number;
  pings: number;
  /** The full text the deltas add up to. */
  text: string;
}

/** Generate the stream; `info` (optional) receives counts for checking consumers. */
export function generateAnthropicStream(targetBytes: number, seed: number, info?: (i: GeneratedStreamInfo) => void): Uint8Array {
  const rng = createRng(seed);
  const id =
    'msg_01' +
    Math.floor(rng() * 1e15)
      .toString(36)
      .padStart(10, '0');
  const parts: string[] = [];
  let bytes = 0;
  const push = (event: string, data: unknown): void => {
    const s = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    parts.push(s);
    bytes += utf8Length(s);
  };

  push('message_start', {
    type: 'message_start',
    message: {
      id,
      type: 'message',
      role: 'assistant',
      content: [],
      model: 'claude-sonnet-4-5',
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 1234, output_tokens: 1 },
    },
  });
  push('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
  push('ping', { type: 'ping' });

  const tail = 400; // room for the closing events
  const texts: string[] = [];
  let pings = 1;
  while (bytes < targetBytes - tail) {
    const text = textDelta(rng);
    texts.push(text);
    push('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } });
    if (rng() < 0.005) {
      push('ping', { type: 'ping' });
      pings++;
    }
  }
  push('content_block_stop', { type: 'content_block_stop', index: 0 });
  push('message_delta', {
    type: 'message_delta',
    delta: { stop_reason: 'end_turn', stop_sequence: null },
    usage: { output_tokens: texts.length },
  });
  push('message_stop', { type: 'message_stop' });

  info?.({ events: parts.length, textDeltas: texts.length, pings, text: texts.join('') });
  return new TextEncoder().encode(parts.join(''));
}

/** Cut `bytes` into seeded random chunks of min..max bytes (views, no copies). */
export function chunkBytes(bytes: Uint8Array, seed: number, min: number, max: number): Uint8Array[] {
  const rng = createRng(seed);
  const chunks: Uint8Array[] = [];
  for (let pos = 0; pos < bytes.length;) {
    const n = min + Math.floor(rng() * (max - min + 1));
    chunks.push(bytes.subarray(pos, pos + n));
    pos += n;
  }
  return chunks;
}

/** A fresh `Response` whose body yields the given chunks, one per pull. */
export function responseOf(chunks: Uint8Array[]): Response {
  let i = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const c = chunks[i++];
      if (c === undefined) controller.close();
      else controller.enqueue(c);
    },
  });
  return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
}
