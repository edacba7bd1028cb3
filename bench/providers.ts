/**
 * Provider benchmark (not a timed test). Run: `node bench/providers.ts` (or via `npm run bench`).
 *
 * Bytes → final answer for one deterministic ~20 MB Anthropic Messages stream, cut into
 * seeded random chunks of 1–4096 bytes and served as a `Response` body:
 * - ours: `accumulateChat(readChatStream({ kind: 'anthropic' }, body))`;
 * - `@anthropic-ai/sdk`: `messages.stream(...).finalMessage()` with a custom fetch that
 *   returns the same chunks (the SDK's MessageStream accumulation).
 * Both run in the same process, interleaved round by round (order rotated); each side's
 * time is the median of its rounds. MB = 10^6 bytes. Target: ours ≥ 2x the SDK.
 */
import Anthropic from '@anthropic-ai/sdk';
import { fileURLToPath } from 'node:url';
import { accumulateChat, readChatStream } from '../src/providers/index.ts';
import { chunkBytes, generateAnthropicStream, responseOf } from './anthropic-stream.ts';
import { median } from './stats.ts';

export const name = 'providers';

interface Answer {
  text: string;
  stopReason: string | null;
  outputTokens: number | undefined;
}

interface Variant {
  name: string;
  run(chunks: Uint8Array[]): Promise<Answer>;
}

const OURS = 'ours readChatStream + accumulateChat';
const SDK = '@anthropic-ai/sdk messages.stream().finalMessage()';

const variants: Variant[] = [
  {
    name: OURS,
    async run(chunks) {
      const result = await accumulateChat(readChatStream({ kind: 'anthropic' }, responseOf(chunks).body!));
      return { text: result.text, stopReason: result.stopReason, outputTokens: result.usage.outputTokens };
    },
  },
  {
    name: SDK,
    async run(chunks) {
      const client = new Anthropic({ apiKey: 'x', maxRetries: 0, fetch: async () => responseOf(chunks) });
      const message = await client.messages
        .stream({ model: 'claude-bench', max_tokens: 64_000, messages: [{ role: 'user', content: 'Hi' }] })
        .finalMessage();
      const text = message.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('');
      return { text, stopReason: message.stop_reason, outputTokens: message.usage.output_tokens };
    },
  },
];

export interface ProvidersBenchOptions {
  targetBytes?: number;
  rounds?: number;
  seed?: number;
  log?: (line: string) => void;
}

export interface ProvidersBenchResult {
  bytes: number;
  mbPerSecond: Record<string, number>;
  ratio: number;
  targetMet: boolean;
}

export async function run(options: ProvidersBenchOptions = {}): Promise<ProvidersBenchResult> {
  const { targetBytes = 20_000_000, rounds = 7, seed = 20240607 } = options;
  const log = options.log ?? ((line: string) => console.log(line));

  let expectedText = '';
  let textDeltas = 0;
  const bytes = generateAnthropicStream(targetBytes, seed, (i) => {
    expectedText = i.text;
    textDeltas = i.textDeltas;
  });
  const chunks = chunkBytes(bytes, seed + 1, 1, 4096);
  log(
    `providers: ${(bytes.length / 1e6).toFixed(1)} MB Anthropic stream, ${textDeltas} text deltas, ` +
      `${chunks.length} chunks of 1–4096 bytes; bytes → final answer; ${rounds} interleaved rounds + 1 warm-up, median`,
  );

  const times = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  for (let round = 0; round <= rounds; round++) {
    for (let k = 0; k < variants.length; k++) {
      const v = variants[(k + round) % variants.length] as Variant;
      const t0 = performance.now();
      const answer = await v.run(chunks);
      const ms = performance.now() - t0;
      if (answer.text !== expectedText || answer.stopReason !== 'end_turn' || answer.outputTokens !== textDeltas) {
        throw new Error(
          `${v.name}: wrong answer (text ${answer.text.length} chars, expected ${expectedText.length}; ` +
            `stop ${answer.stopReason}; output tokens ${answer.outputTokens})`,
        );
      }
      if (round > 0) times.get(v.name)!.push(ms);
    }
  }

  const mbps: Record<string, number> = {};
  for (const v of variants) mbps[v.name] = bytes.length / 1e6 / (median(times.get(v.name)!) / 1000);
  const width = Math.max(...variants.map((v) => v.name.length));
  for (const v of variants) {
    log(`${v.name.padEnd(width)}: ${mbps[v.name]!.toFixed(1)} MB/s (median ${median(times.get(v.name)!).toFixed(0)} ms)`);
  }
  const ratio = mbps[OURS]! / mbps[SDK]!;
  const targetMet = ratio >= 2;
  log(`ratio ours / SDK: ${ratio.toFixed(2)}x`);
  log(`target ours >= 2x @anthropic-ai/sdk MessageStream: ${ratio.toFixed(2)}x ${targetMet ? 'MET' : 'MISSED'}`);
  return { bytes: bytes.length, mbPerSecond: mbps, ratio, targetMet };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await run();
}
