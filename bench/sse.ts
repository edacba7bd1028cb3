/**
 * SSE parser benchmark (not a timed test). Run: `npm run bench:sse` (or via `npm run bench`).
 *
 * One deterministic ~20 MB Anthropic-style stream, cut into seeded random chunks of
 * 1–4096 bytes, consumed by every variant in the same process, interleaved round by round;
 * each variant's time is the median of its rounds. MB = 10^6 bytes.
 */
import { Stream as AnthropicStream } from '@anthropic-ai/sdk/core/streaming';
import { createParser } from 'eventsource-parser';
import { EventSourceParserStream } from 'eventsource-parser/stream';
import { fileURLToPath } from 'node:url';
import { createSseParser, parseSseStream } from '../src/sse/index.ts';
import { chunkBytes, generateAnthropicStream, responseOf } from './anthropic-stream.ts';
import { median } from './stats.ts';

export const name = 'sse';

interface Variant {
  name: string;
  /** Consume the whole stream once; return the number of events seen (for a sanity check). */
  run(chunks: Uint8Array[]): number | Promise<number>;
  /** Events this variant is expected to report (default: all SSE events). */
  expected?: 'non-ping';
}

const FLOOR = 'floor: TextDecoder alone';
const FLOOR_IGNORE_BOM = 'floor: TextDecoder(ignoreBOM) alone';
const FLOORS = [FLOOR, FLOOR_IGNORE_BOM];

const variants: Variant[] = [
  {
    name: 'ours createSseParser',
    run(chunks) {
      let n = 0;
      const parser = createSseParser({
        onEvent(e) {
          n += e.data.length > 0 ? 1 : 1;
        },
      });
      for (const c of chunks) parser.feed(c);
      parser.end();
      return n;
    },
  },
  {
    name: 'ours parseSseStream(Response.body)',
    async run(chunks) {
      let n = 0;
      for await (const e of parseSseStream(responseOf(chunks).body!)) n += e.data.length > 0 ? 1 : 1;
      return n;
    },
  },
  {
    name: 'eventsource-parser createParser + TextDecoder',
    run(chunks) {
      let n = 0;
      const parser = createParser({
        onEvent(e) {
          n += e.data.length > 0 ? 1 : 1;
        },
      });
      const decoder = new TextDecoder();
      for (const c of chunks) parser.feed(decoder.decode(c, { stream: true }));
      parser.feed(decoder.decode());
      return n;
    },
  },
  {
    // Same decoder settings as ours (eventsource-parser strips the BOM itself): shows how
    // much of the gap above is the decoder flag rather than the parsing.
    name: 'eventsource-parser createParser + TextDecoder(ignoreBOM)',
    run(chunks) {
      let n = 0;
      const parser = createParser({
        onEvent(e) {
          n += e.data.length > 0 ? 1 : 1;
        },
      });
      const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
      for (const c of chunks) parser.feed(decoder.decode(c, { stream: true }));
      parser.feed(decoder.decode());
      return n;
    },
  },
  {
    name: 'eventsource-parser EventSourceParserStream pipeline',
    async run(chunks) {
      let n = 0;
      const events = responseOf(chunks)
        .body!.pipeThrough(new TextDecoderStream())
        .pipeThrough(new EventSourceParserStream());
      const reader = events.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        n += value.data.length > 0 ? 1 : 1;
      }
      return n;
    },
  },
  {
    name: '@anthropic-ai/sdk Stream.rawEvents (SSE decoding only)',
    async run(chunks) {
      let n = 0;
      for await (const e of AnthropicStream.rawEvents(responseOf(chunks))) n += e.data.length > 0 ? 1 : 1;
      return n;
    },
  },
  {
    name: '@anthropic-ai/sdk Stream.fromSSEResponse (+ JSON.parse, skips pings)',
    expected: 'non-ping',
    async run(chunks) {
      let n = 0;
      const stream = AnthropicStream.fromSSEResponse<{ type: string }>(responseOf(chunks), new AbortController());
      for await (const e of stream) n += e.type.length > 0 ? 1 : 1;
      return n;
    },
  },
  {
    name: FLOOR,
    run(chunks) {
      let n = 0;
      const decoder = new TextDecoder();
      for (const c of chunks) n += decoder.decode(c, { stream: true }).length;
      n += decoder.decode().length;
      return n;
    },
  },
  {
    // Node 22's ICU decoder is markedly faster with ignoreBOM (ours uses it): the stricter floor.
    name: FLOOR_IGNORE_BOM,
    run(chunks) {
      let n = 0;
      const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
      for (const c of chunks) n += decoder.decode(c, { stream: true }).length;
      n += decoder.decode().length;
      return n;
    },
  },
];


export interface SseBenchOptions {
  targetBytes?: number;
  rounds?: number;
  seed?: number;
  log?: (line: string) => void;
}

export interface SseBenchResult {
  bytes: number;
  mbPerSecond: Record<string, number>;
  targetsMet: boolean;
}

export async function run(options: SseBenchOptions = {}): Promise<SseBenchResult> {
  const { targetBytes = 20_000_000, rounds = 9, seed = 20240607 } = options;
  const log = options.log ?? ((line: string) => console.log(line));

  let events = 0;
  let pings = 0;
  const bytes = generateAnthropicStream(targetBytes, seed, (i) => {
    events = i.events;
    pings = i.pings;
  });
  const chunks = chunkBytes(bytes, seed + 1, 1, 4096);
  log(`sse: ${(bytes.length / 1e6).toFixed(1)} MB Anthropic-style stream, ${events} events ` +
    `(${pings} pings), ${chunks.length} chunks of 1–4096 bytes; ${rounds} interleaved rounds + 1 warm-up, median`);

  const times = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  for (let round = 0; round <= rounds; round++) {
    // Rotate the order each round so no variant always runs first after GC pressure.
    for (let k = 0; k < variants.length; k++) {
      const v = variants[(k + round) % variants.length] as Variant;
      const t0 = performance.now();
      const n = await v.run(chunks);
      const ms = performance.now() - t0;
      if (!FLOORS.includes(v.name)) {
        const want = v.expected === 'non-ping' ? events - pings : events;
        if (n !== want) throw new Error(`${v.name}: saw ${n} events, expected ${want}`);
      }
      if (round > 0) times.get(v.name)!.push(ms);
    }
  }

  const mbps: Record<string, number> = {};
  for (const v of variants) mbps[v.name] = bytes.length / 1e6 / (median(times.get(v.name)!) / 1000);
  const width = Math.max(...variants.map((v) => v.name.length));
  for (const v of variants) log(`${v.name.padEnd(width)}: ${mbps[v.name]!.toFixed(1)} MB/s`);

  const ours = ['ours createSseParser', 'ours parseSseStream(Response.body)'];
  for (const o of ours) {
    for (const v of variants) {
      if (v.name === o) continue;
      log(`ratio ${o} / ${v.name}: ${(mbps[o]! / mbps[v.name]!).toFixed(2)}x`);
    }
  }

  // The floor target is checked against the faster of the two decoder floors.
  const floor = mbps[FLOOR]! >= mbps[FLOOR_IGNORE_BOM]! ? FLOOR : FLOOR_IGNORE_BOM;
  const targets: [string, string, string, number][] = [
    ['createSseParser >= 1.5x eventsource-parser createParser', ours[0]!, 'eventsource-parser createParser + TextDecoder', 1.5],
    ['parseSseStream >= 3x EventSourceParserStream pipeline', ours[1]!, 'eventsource-parser EventSourceParserStream pipeline', 3],
    [`createSseParser >= 0.4x the faster TextDecoder floor (${floor})`, ours[0]!, floor, 0.4],
  ];
  let all = true;
  for (const [label, a, b, want] of targets) {
    const got = mbps[a]! / mbps[b]!;
    const ok = got >= want;
    all &&= ok;
    log(`target ${label}: ${got.toFixed(2)}x ${ok ? 'MET' : 'MISSED'}`);
  }
  return { bytes: bytes.length, mbPerSecond: mbps, targetsMet: all };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await run();
}
