/**
 * The provider stream fixtures and what each must accumulate to.
 *
 * The fixtures in test/fixtures/provider-streams/ are written from the providers' public
 * docs (OpenAI chat-streaming reference and `ChatCompletionChunk` in openai-node's types,
 * DeepSeek's reasoning_content and keep-alive notes, OpenRouter's streaming and errors
 * pages, DashScope's SSE output with `id:`/`event:result`/`:HTTP_STATUS/200` lines, the
 * Anthropic streaming guide). They live outside test/fixtures/streams/ because the SSE
 * and Anthropic suites pin that directory's exact file list.
 *
 * The expected results are written by hand from the fixture text, not computed.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { accumulateChat, readChatStream, type ChatResult, type StreamFormat } from '../../src/providers/index.ts';

export const PROVIDER_STREAMS_DIR = fileURLToPath(new URL('../fixtures/provider-streams/', import.meta.url));
export const SSE_STREAMS_DIR = fileURLToPath(new URL('../fixtures/streams/', import.meta.url));

export interface ProviderFixture {
  /** File name, relative to `dir`. */
  name: string;
  dir: string;
  format: StreamFormat;
  expected: ChatResult;
}

const base: ChatResult = {
  text: '',
  thinking: '',
  toolCalls: [],
  stopReason: null,
  usage: {},
  error: null,
  complete: true,
};

const OPENAI: StreamFormat = { kind: 'openai' };
const ANTHROPIC: StreamFormat = { kind: 'anthropic' };

export const PROVIDER_FIXTURES: ProviderFixture[] = [
  {
    name: 'openai-plain.sse',
    dir: PROVIDER_STREAMS_DIR,
    format: OPENAI,
    expected: {
      ...base,
      text: 'The capital of France is **Paris**. Ça se dit «Paris» — 巴黎 🇫🇷\n\nIt has"quotes" and \\ backslashes.',
      stopReason: 'stop',
    },
  },
  {
    name: 'openai-usage.sse',
    dir: PROVIDER_STREAMS_DIR,
    format: OPENAI,
    expected: {
      ...base,
      text: 'Short answer: 42 — because 6×7.',
      stopReason: 'length',
      usage: { inputTokens: 1951, outputTokens: 128, cacheReadTokens: 1920, reasoningTokens: 112 },
    },
  },
  {
    name: 'openai-parallel-tools.sse',
    dir: PROVIDER_STREAMS_DIR,
    format: OPENAI,
    expected: {
      ...base,
      text: 'Let me check both cities.',
      toolCalls: [
        { id: 'call_8mVnLhJg0lS1Ds7ZrGW5u3Ea', name: 'get_weather', input: { location: 'Zürich, CH', unit: 'c' } },
        { id: 'call_Qe1Y7ZtwO2nZqkPzHt8YQqf1', name: 'get_weather', input: { location: '東京, JP' } },
      ],
      stopReason: 'tool_calls',
      usage: { inputTokens: 88, outputTokens: 61, cacheReadTokens: 0, reasoningTokens: 0 },
    },
  },
  {
    name: 'openai-error.sse',
    dir: PROVIDER_STREAMS_DIR,
    format: OPENAI,
    expected: {
      ...base,
      text: 'Here is the first part — ünïcödé',
      error: { type: 'server_error', message: 'The server had an error while processing your request. Sorry about that!' },
      complete: false,
    },
  },
  {
    name: 'openai-chat.sse',
    dir: SSE_STREAMS_DIR,
    format: OPENAI,
    expected: {
      ...base,
      text: 'Hello! How can I help — 今日は 😊?',
      stopReason: 'stop',
      usage: { inputTokens: 9, outputTokens: 12, cacheReadTokens: 0, reasoningTokens: 0 },
    },
  },
  {
    name: 'openai-tool-calls.sse',
    dir: SSE_STREAMS_DIR,
    format: OPENAI,
    expected: {
      ...base,
      toolCalls: [{ id: 'call_DdmO9pD3xa9XTPNJ32zg2hcA', name: 'get_weather', input: { location: 'Paris, France' } }],
      stopReason: 'tool_calls',
    },
  },
  {
    name: 'deepseek-reasoning.sse',
    dir: PROVIDER_STREAMS_DIR,
    format: OPENAI,
    expected: {
      ...base,
      text: '**9.8** is larger than 9.11 ✅',
      thinking: 'Okay, the user asks 9.11 vs 9.8. Compare tenths: 1 < 8，所以 9.8 更大。',
      stopReason: 'stop',
      usage: { inputTokens: 18, outputTokens: 215, cacheReadTokens: 0, reasoningTokens: 198 },
    },
  },
  {
    name: 'deepseek-cache.sse',
    dir: PROVIDER_STREAMS_DIR,
    format: OPENAI,
    expected: {
      ...base,
      text: 'Hello! 你好！',
      stopReason: 'stop',
      usage: { inputTokens: 1040, outputTokens: 5, cacheReadTokens: 1024 },
    },
  },
  {
    name: 'openrouter-reasoning.sse',
    dir: PROVIDER_STREAMS_DIR,
    format: OPENAI,
    expected: {
      ...base,
      text: 'Autumn moonlight—\na worm digs silently\ninto the chestnut. 🌰',
      thinking: 'The user wants a haiku; 5-7-5 syllables.',
      stopReason: 'stop',
      usage: { inputTokens: 24, outputTokens: 58, cacheReadTokens: 0, reasoningTokens: 31 },
    },
  },
  {
    name: 'openrouter-error.sse',
    dir: PROVIDER_STREAMS_DIR,
    format: OPENAI,
    expected: {
      ...base,
      text: 'Voici la réponse partielle',
      error: { type: 'server_error', message: 'Provider disconnected unexpectedly' },
      complete: false,
    },
  },
  {
    name: 'anthropic-cache-tools.sse',
    dir: PROVIDER_STREAMS_DIR,
    format: ANTHROPIC,
    expected: {
      ...base,
      text: "I'll look up both — Zürich and 東京 🌦️.",
      thinking: 'Two lookups are independent; call both tools in parallel — 並列。',
      toolCalls: [
        { id: 'toolu_01A09q90qw90lq917835lq9', name: 'get_weather', input: { city: 'Zürich', units: ['c', 'f'] } },
        { id: 'toolu_01B7hZ3m4Yq5Nf2Kx8Lp6Ws1', name: 'get_time', input: { tz: 'Asia/Tokyo' } },
      ],
      stopReason: 'tool_use',
      usage: { inputTokens: 12, outputTokens: 187, cacheReadTokens: 14336, cacheWriteTokens: 2051 },
    },
  },
  {
    name: 'anthropic-text.sse',
    dir: SSE_STREAMS_DIR,
    format: ANTHROPIC,
    expected: {
      ...base,
      text: 'Hello! Ça va? 你好，世界 🌍👩‍💻 Line one\nline two: "quoted".',
      stopReason: 'end_turn',
      usage: { inputTokens: 25, outputTokens: 15 },
    },
  },
  {
    name: 'custom-delta.sse',
    dir: PROVIDER_STREAMS_DIR,
    format: { kind: 'custom', textPath: 'delta' },
    expected: { ...base, text: 'Streaming works — naïve café ☕\nline 2' },
  },
  {
    name: 'custom-token.sse',
    dir: PROVIDER_STREAMS_DIR,
    format: { kind: 'custom', textPath: 'token' },
    expected: { ...base, text: 'Token by token 🚀 完了' },
  },
  {
    name: 'custom-content.sse',
    dir: PROVIDER_STREAMS_DIR,
    format: { kind: 'custom', textPath: 'content' },
    expected: { ...base, text: 'Chunk one, chunk two — ünïcödé.' },
  },
  {
    name: 'custom-dashscope.sse',
    dir: PROVIDER_STREAMS_DIR,
    format: { kind: 'custom', textPath: 'output.text', textMode: 'cumulative', eventType: 'result' },
    expected: {
      ...base,
      text: '我是通义千问，由阿里云开发的AI助手。Hello 👋',
      stopReason: 'stop',
      // Each event repeats the usage so far; the last one wins.
      usage: { inputTokens: 22, outputTokens: 16 },
    },
  },
  {
    name: 'custom-dashscope-message.sse',
    dir: PROVIDER_STREAMS_DIR,
    format: {
      kind: 'custom',
      textPath: 'output.choices.0.message.content',
      reasoningPath: 'output.choices.0.message.reasoning_content',
      eventType: 'result',
    },
    expected: {
      ...base,
      text: '1+1=2 ✅',
      thinking: '嗯，用户问1+1。很简单。',
      stopReason: 'stop',
      usage: { inputTokens: 26, outputTokens: 8 },
    },
  },
];

export function loadFixture(fixture: ProviderFixture): Uint8Array {
  return new Uint8Array(readFileSync(fixture.dir + fixture.name));
}

/** A body that yields the given chunks, one per pull. */
export function bodyOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[i++];
      if (chunk === undefined) controller.close();
      else controller.enqueue(chunk);
    },
  });
}

/** Cut `bytes` at the given offsets (any order, duplicates allowed). */
export function cutAt(bytes: Uint8Array, offsets: number[]): Uint8Array[] {
  const points = [...new Set(offsets.map((o) => Math.max(0, Math.min(bytes.length, o))))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(bytes.subarray(prev, p));
    prev = p;
  }
  out.push(bytes.subarray(prev));
  return out;
}

export function readChunks(format: StreamFormat, chunks: Uint8Array[]): Promise<ChatResult> {
  return accumulateChat(readChatStream(format, bodyOf(chunks)));
}
