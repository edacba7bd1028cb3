/**
 * Differential test: the official SDKs read the same bytes as oracles.
 *
 * - `openai` 7.57: `chat.completions.stream(...).finalChatCompletion()` with a custom fetch.
 * - `@anthropic-ai/sdk` 1.12: `messages.stream(...).finalMessage()` with a custom fetch.
 *
 * Our text, thinking, tool calls, stop reason, usage and mid-stream error must equal
 * theirs, for the whole body and for random chunkings fed to both. Where an SDK is wrong
 * or silent, the test says so next to the fixture and asserts our own expected value.
 */
import { readdirSync } from 'node:fs';
import Anthropic from '@anthropic-ai/sdk';
import fc from 'fast-check';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { mapAnthropicEvent } from '../../src/providers/anthropic.ts';
import { anthropicTextFastPath, type ChatResult, type StreamFormat } from '../../src/providers/index.ts';
import type { SseEvent } from '../../src/sse/index.ts';
import {
  bodyOf,
  cutAt,
  loadFixture,
  PROVIDER_FIXTURES,
  readChunks,
  SSE_STREAMS_DIR,
  type ProviderFixture,
} from '../helpers/provider-fixtures.ts';

/** What both sides are compared on (ours minus `complete`, which the SDKs do not report). */
type Comparable = Omit<ChatResult, 'complete'>;

function comparable(result: ChatResult): Comparable {
  const { complete: _complete, ...rest } = result;
  return rest;
}

function sseResponse(chunks: Uint8Array[]): Response {
  return new Response(bodyOf(chunks), { headers: { 'content-type': 'text/event-stream' } });
}

interface OpenAIUsageLike {
  prompt_tokens: number;
  completion_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number };
  completion_tokens_details?: { reasoning_tokens?: number };
}

/** Standard OpenAI usage fields only: what any OpenAI client would read. */
function openAIUsage(u: OpenAIUsageLike | null | undefined): Comparable['usage'] {
  const usage: Comparable['usage'] = {};
  if (!u) return usage;
  usage.inputTokens = u.prompt_tokens;
  usage.outputTokens = u.completion_tokens;
  if (u.prompt_tokens_details?.cached_tokens !== undefined) usage.cacheReadTokens = u.prompt_tokens_details.cached_tokens;
  if (u.completion_tokens_details?.reasoning_tokens !== undefined) usage.reasoningTokens = u.completion_tokens_details.reasoning_tokens;
  return usage;
}

/** Oracle: the OpenAI SDK. `raw` keeps its message and usage for the notes below. */
async function viaOpenAI(chunks: Uint8Array[]): Promise<{ result: Comparable; raw: Record<string, unknown> }> {
  const client = new OpenAI({ apiKey: 'x', maxRetries: 0, fetch: async () => sseResponse(chunks) });
  const stream = client.chat.completions.stream({
    model: 'gpt-4o',
    messages: [{ role: 'user', content: 'Hi' }],
    stream_options: { include_usage: true },
  });
  try {
    const completion = await stream.finalChatCompletion();
    const choice = completion.choices[0];
    if (!choice) throw new Error('no choice');
    return {
      result: {
        text: choice.message.content ?? '',
        // The SDK has no reasoning field; see the notes on DeepSeek and OpenRouter below.
        thinking: '',
        toolCalls: (choice.message.tool_calls ?? []).flatMap((call) =>
          call.type === 'function'
            ? [{ id: call.id, name: call.function.name, input: JSON.parse(call.function.arguments || '{}') }]
            : [],
        ),
        stopReason: choice.finish_reason,
        usage: openAIUsage(completion.usage),
        error: null,
      },
      raw: { message: choice.message, usage: completion.usage },
    };
  } catch (cause) {
    if (!(cause instanceof OpenAI.APIError)) throw cause;
    // A mid-stream error: the SDK throws; what it had accumulated is in its snapshot.
    const snapshot = stream.currentChatCompletionSnapshot;
    const choice = snapshot?.choices[0];
    return {
      result: {
        text: choice?.message.content ?? '',
        thinking: '',
        toolCalls: [],
        stopReason: choice?.finish_reason ?? null,
        usage: openAIUsage((snapshot as { usage?: OpenAIUsageLike } | undefined)?.usage),
        error: { type: String(cause.type ?? cause.code ?? 'error'), message: cause.message },
      },
      raw: {},
    };
  }
}

/** Oracle: the Anthropic SDK. */
async function viaAnthropic(chunks: Uint8Array[]): Promise<{ result: Comparable; raw: Record<string, unknown> }> {
  const client = new Anthropic({ apiKey: 'x', maxRetries: 0, fetch: async () => sseResponse(chunks) });
  const stream = client.messages.stream({ model: 'claude-test', max_tokens: 1024, messages: [{ role: 'user', content: 'Hi' }] });
  const fromMessage = (message: Anthropic.Message, error: Comparable['error']): Comparable => {
    const u = message.usage;
    const usage: Comparable['usage'] = {};
    if (typeof u.input_tokens === 'number') usage.inputTokens = u.input_tokens;
    if (typeof u.output_tokens === 'number') usage.outputTokens = u.output_tokens;
    if (typeof u.cache_read_input_tokens === 'number') usage.cacheReadTokens = u.cache_read_input_tokens;
    if (typeof u.cache_creation_input_tokens === 'number') usage.cacheWriteTokens = u.cache_creation_input_tokens;
    return {
      text: message.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join(''),
      thinking: message.content.flatMap((b) => (b.type === 'thinking' ? [b.thinking] : [])).join(''),
      toolCalls: message.content.flatMap((b) => (b.type === 'tool_use' ? [{ id: b.id, name: b.name, input: b.input }] : [])),
      stopReason: message.stop_reason,
      usage,
      error,
    };
  };
  try {
    const message = await stream.finalMessage();
    return { result: fromMessage(message, null), raw: { message } };
  } catch (cause) {
    if (!(cause instanceof Anthropic.APIError)) throw cause;
    // A mid-stream `event: error`: the SDK throws; what it had accumulated is currentMessage.
    const body = cause.error as { error?: { type: string; message: string } } | undefined;
    const snapshot = stream.currentMessage;
    if (!snapshot) throw cause;
    return { result: fromMessage(snapshot, body?.error ?? null), raw: {} };
  }
}

const oracle = (format: StreamFormat) => (format.kind === 'anthropic' ? viaAnthropic : viaOpenAI);

/**
 * Known SDK shortcomings, per fixture: adjust the oracle's result to what a correct
 * reading gives, and check that the SDK still behaves as described (so the note cannot
 * go stale silently).
 */
const sdkNotes: Record<string, (sdk: Comparable, raw: Record<string, unknown>, ours: Comparable) => Comparable> = {
  // DeepSeek's reasoning_content is not in the SDK's types; the SDK copies unknown delta
  // fields onto the message by assignment, so only the last chunk's value survives (null
  // here). The reasoning is lost: we assert our joined reasoning instead.
  'deepseek-reasoning.sse': (sdk, raw, ours) => {
    expect((raw.message as { reasoning_content?: unknown }).reasoning_content).toBeNull();
    expect(ours.thinking).toBe('Okay, the user asks 9.11 vs 9.8. Compare tenths: 1 < 8，所以 9.8 更大。');
    return { ...sdk, thinking: ours.thinking };
  },
  // OpenRouter's `reasoning`: the same overwrite keeps only the last fragment.
  'openrouter-reasoning.sse': (sdk, raw, ours) => {
    expect((raw.message as { reasoning?: unknown }).reasoning).toBe('; 5-7-5 syllables.');
    expect(ours.thinking).toBe('The user wants a haiku; 5-7-5 syllables.');
    return { ...sdk, thinking: ours.thinking };
  },
  // DeepSeek reports cache hits only as prompt_cache_hit_tokens, which the SDK passes
  // through untouched (it is silent, not wrong): our cacheReadTokens must equal it.
  'deepseek-cache.sse': (sdk, raw) => {
    const hit = (raw.usage as { prompt_cache_hit_tokens?: number }).prompt_cache_hit_tokens;
    expect(hit).toBe(1024);
    expect(sdk.usage.cacheReadTokens).toBeUndefined();
    return { ...sdk, usage: { ...sdk.usage, cacheReadTokens: hit } };
  },
};

const ANTHROPIC_SSE_FIXTURES: ProviderFixture[] = readdirSync(SSE_STREAMS_DIR)
  .filter((name) => name.startsWith('anthropic-') && name.endsWith('.sse'))
  .filter((name) => !PROVIDER_FIXTURES.some((f) => f.dir === SSE_STREAMS_DIR && f.name === name))
  .map((name) => ({ name, dir: SSE_STREAMS_DIR, format: { kind: 'anthropic' }, expected: null as unknown as ChatResult }));

const CASES = [...PROVIDER_FIXTURES.filter((f) => f.format.kind !== 'custom'), ...ANTHROPIC_SSE_FIXTURES];

async function compare(fixture: ProviderFixture, chunks: Uint8Array[]): Promise<void> {
  const ours = comparable(await readChunks(fixture.format, chunks));
  const { result, raw } = await oracle(fixture.format)(chunks);
  const note = sdkNotes[fixture.name];
  expect(ours).toEqual(note ? note(result, raw, ours) : result);
}

describe('differential: ours vs the official SDK over the same bytes', () => {
  it('covers every OpenAI-family and Anthropic fixture', () => {
    expect(CASES.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        'openai-plain.sse',
        'openai-usage.sse',
        'openai-parallel-tools.sse',
        'openai-error.sse',
        'openai-chat.sse',
        'openai-tool-calls.sse',
        'deepseek-reasoning.sse',
        'deepseek-cache.sse',
        'openrouter-reasoning.sse',
        'openrouter-error.sse',
        'anthropic-cache-tools.sse',
        'anthropic-text.sse',
        'anthropic-tool-use.sse',
        'anthropic-thinking.sse',
        'anthropic-error.sse',
      ]),
    );
  });

  for (const fixture of CASES) {
    describe(fixture.name, () => {
      const bytes = loadFixture(fixture);

      it('agrees on the whole body', async () => {
        await compare(fixture, [bytes]);
      });

      it('agrees when both read the same random chunking', async () => {
        await fc.assert(
          fc.asyncProperty(fc.array(fc.nat({ max: bytes.length }), { maxLength: 30 }), async (offsets) => {
            await compare(fixture, cutAt(bytes, offsets));
          }),
          { numRuns: 15 },
        );
      });
    });
  }
});

describe('differential: truncated streams, which the SDKs handle poorly', () => {
  const plain = PROVIDER_FIXTURES.find((f) => f.name === 'openai-plain.sse');
  if (!plain) throw new Error('fixture missing');
  const text = new TextDecoder().decode(loadFixture(plain));

  it('OpenAI SDK: a body cut after finish_reason but before [DONE] is a normal completion to it; ours is incomplete', async () => {
    const cut = new TextEncoder().encode(text.slice(0, text.indexOf('data: [DONE]')));
    const { result } = await viaOpenAI([cut]);
    const ours = await readChunks(plain.format, [cut]);
    expect(comparable(ours)).toEqual(result);
    expect(ours.complete).toBe(false);
  });

  it('OpenAI SDK: a body cut before finish_reason makes it throw; ours keeps the partial text, incomplete', async () => {
    const cut = new TextEncoder().encode(text.slice(0, text.lastIndexOf('data: {')));
    await expect(viaOpenAI([cut])).rejects.toThrow(/missing finish_reason/);
    const ours = await readChunks(plain.format, [cut]);
    expect(ours).toMatchObject({ stopReason: null, complete: false, error: null });
    expect(plain.expected.text.startsWith(ours.text) && ours.text.length > 0).toBe(true);
  });

  it('Anthropic SDK: a body cut before message_stop makes finalMessage() throw and drop the partial answer; ours keeps the partial answer, incomplete', async () => {
    const anthropic = PROVIDER_FIXTURES.find((f) => f.name === 'anthropic-cache-tools.sse');
    if (!anthropic) throw new Error('fixture missing');
    const full = new TextDecoder().decode(loadFixture(anthropic));
    const cut = new TextEncoder().encode(full.slice(0, full.indexOf('event: message_stop')));
    const client = new Anthropic({ apiKey: 'x', maxRetries: 0, fetch: async () => sseResponse([cut]) });
    const stream = client.messages.stream({ model: 'claude-test', max_tokens: 1024, messages: [{ role: 'user', content: 'Hi' }] });
    await expect(stream.finalMessage()).rejects.toThrow(/stream ended without producing a Message/);
    // ...and drops its snapshot, so the partial answer is gone. Ours keeps everything up to
    // message_delta and says the stream was cut short.
    expect(stream.currentMessage).toBeUndefined();
    const ours = await readChunks(anthropic.format, [cut]);
    expect(ours).toEqual({ ...anthropic.expected, complete: false });
  });
});

// ---------------------------------------------------------------------------------------
// Ours against ours: the Anthropic text fast path (no JSON.parse of the whole event) must
// agree with the full mapping for every input it accepts.
// ---------------------------------------------------------------------------------------

describe('differential: the Anthropic text fast path vs the full JSON mapping', () => {
  const ev = (data: string, event = 'content_block_delta'): SseEvent => ({ event, data, id: '' });
  const compact = (text: string, index = 0): string =>
    JSON.stringify({ type: 'content_block_delta', index, delta: { type: 'text_delta', text } });

  it('takes every compact text_delta the API sends, with the same text as the full parse (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.nat(), (text, index) => {
        const event = ev(compact(text, index));
        const fast = anthropicTextFastPath(event);
        expect(fast).toBe(text);
        expect(mapAnthropicEvent(event)).toEqual([{ type: 'text', text: fast }]);
      }),
      { numRuns: 1000 },
    );
  });

  it('never accepts an input the full mapping reads differently, however the data is edited (property)', () => {
    const alphabet = fc.constantFrom('"', '\\', '{', '}', ',', ':', ' ', '0', '7', 'n', 'u', 'x', '\n', '\u0001', 'é', '\ud83d');
    const edit = fc.record({
      at: fc.nat(),
      cut: fc.nat({ max: 3 }),
      insert: fc.array(alphabet, { maxLength: 3 }).map((a) => a.join('')),
    });
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme' }),
        fc.nat({ max: 20 }),
        fc.array(edit, { minLength: 1, maxLength: 3 }),
        (text, index, edits) => {
          let data = compact(text, index);
          for (const e of edits) {
            const at = e.at % (data.length + 1);
            data = data.slice(0, at) + e.insert + data.slice(at + e.cut);
          }
          const event = ev(data);
          const fast = anthropicTextFastPath(event);
          if (fast !== null) expect(mapAnthropicEvent(event)).toEqual([{ type: 'text', text: fast }]);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('leaves odd but valid forms, invalid JSON and error events to the full mapping', () => {
    const valid = compact('hi');
    const declined = [
      valid.replace('"index":0', '"index":00'),
      valid.replace('"index":0', '"index": 0'),
      valid.replace('"index":0', '"index":-1'),
      valid.replace('"index":0', '"index":0.5'),
      `${valid.slice(0, -1)},"x":1}`,
      valid.replace('"text":"hi"', '"text":"h\u0001i"'),
      valid.replace('"text":"hi"', '"text":"h"i"'),
      valid.replace('"text":"hi"', '"text":"hi\\"'),
      valid.replace('"text":"hi"', '"text":"a","text":"b"'),
      `${valid}\n`,
    ];
    for (const data of declined) expect(anthropicTextFastPath(ev(data))).toBeNull();
    expect(anthropicTextFastPath(ev(valid, 'error'))).toBeNull();
    expect(anthropicTextFastPath(ev(compact('say \\"hi\\"\n ☕ \ud83d')))).toBe('say \\"hi\\"\n ☕ \ud83d');
    expect(anthropicTextFastPath(ev(compact('')))).toBe('');
  });
});
