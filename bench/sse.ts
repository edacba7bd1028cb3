/**
 * SSE parser benchmark (not a timed test). Run: `npm run bench:sse` (or via `npm run bench`).
 *
 * One deterministic ~20 MB Anthropic-style stream, cut into seeded random chunks of
 * 1–4096 bytes, consumed by every variant in the same process, interleaved round by round;
 * each variant's time is the median of its rounds. MB = 10^6 bytes.
 */
import { Stream as AnthropicStream } from '@anthropic-ai/sdk/core/streaming';
import { createParser } from 'eventsource-parser';
import { createParser as createParser3 } from 'eventsource-parser-3';
import { EventSourceParserStream } from 'eventsource-parser/stream';
import { EventSourceParserStream as EventSourceParserStream3 } from 'eventsource-parser-3/stream';
import { fileURLToPath } from 'node:url';
import { createSseParser, parseSseStream, readSseBatches, type SseEvent } from '../src/sse/index.ts';
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
/** Not a parser: what any TextDecoder-and-indexOf parser must at least do (see its comment). */
const BOUND = 'bound: TextDecoder + indexOf per line + one object per blank line';
const UNCHECKED = [...FLOORS, BOUND];

type CreateParser = (callbacks: { onEvent(e: { data: string }): void }) => { feed(chunk: string): void };
type ParserStream = new () => TransformStream<string, { data: string }>;

/** A release's createParser fed by one streaming TextDecoder, as its README shows. */
function createParserVariant(name: string, create: CreateParser, decoderOptions?: TextDecoderOptions): Variant {
  return {
    name,
    run(chunks) {
      let n = 0;
      const parser = create({
        onEvent(e) {
          n += e.data.length > 0 ? 1 : 1;
        },
      });
      const decoder = new TextDecoder('utf-8', decoderOptions);
      for (const c of chunks) parser.feed(decoder.decode(c, { stream: true }));
      parser.feed(decoder.decode());
      return n;
    },
  };
}

/** Response.body through TextDecoderStream and a release's EventSourceParserStream. */
function parserStreamVariant(name: string, Stream: ParserStream): Variant {
  return {
    name,
    async run(chunks) {
      let n = 0;
      const events = responseOf(chunks).body!.pipeThrough(new TextDecoderStream()).pipeThrough(new Stream());
      const reader = events.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        n += value.data.length > 0 ? 1 : 1;
      }
      return n;
    },
  };
}

const OURS_PARSER = 'ours createSseParser';
const OURS_STREAM = 'ours parseSseStream(Response.body)';
const OURS_BATCHES = 'ours readSseBatches(Response.body)';
/** Baselines for createSseParser: the same work (bytes in, events out, one TextDecoder). */
const PARSER_BASELINES = [
  'eventsource-parser@4.1.3 createParser + TextDecoder',
  // Same decoder settings as ours (eventsource-parser strips the BOM itself): shows how
  // much of a gap is the decoder flag rather than the parsing.
  'eventsource-parser@4.1.3 createParser + TextDecoder(ignoreBOM)',
  'eventsource-parser@3.1.1 createParser + TextDecoder',
  'eventsource-parser@3.1.1 createParser + TextDecoder(ignoreBOM)',
];
/** Baselines for parseSseStream: Response.body in, events out, one await per event. */
const STREAM_BASELINES = [
  'eventsource-parser@4.1.3 EventSourceParserStream pipeline',
  'eventsource-parser@3.1.1 EventSourceParserStream pipeline',
];

const variants: Variant[] = [
  {
    name: OURS_PARSER,
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
    name: OURS_STREAM,
    async run(chunks) {
      let n = 0;
      for await (const e of parseSseStream(responseOf(chunks).body!)) n += e.data.length > 0 ? 1 : 1;
      return n;
    },
  },
  {
    name: OURS_BATCHES,
    async run(chunks) {
      let n = 0;
      for await (const batch of readSseBatches(responseOf(chunks).body!)) {
        for (const e of batch) n += e.data.length > 0 ? 1 : 1;
      }
      return n;
    },
  },
  createParserVariant(PARSER_BASELINES[0]!, createParser),
  createParserVariant(PARSER_BASELINES[1]!, createParser, { ignoreBOM: true }),
  createParserVariant(PARSER_BASELINES[2]!, createParser3),
  createParserVariant(PARSER_BASELINES[3]!, createParser3, { ignoreBOM: true }),
  parserStreamVariant(STREAM_BASELINES[0]!, EventSourceParserStream),
  parserStreamVariant(STREAM_BASELINES[1]!, EventSourceParserStream3),
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
  {
    // The least work of any parser built on one streaming TextDecoder and string indexOf:
    // decode, find every LF, allocate one event per blank line. No field parsing, no
    // slicing, no partial lines (its count is not checked). Its ratio to the fastest
    // createParser is the most any such parser can reach on this stream.
    name: BOUND,
    run(chunks) {
      let n = 0;
      const onEvent = (e: SseEvent): void => {
        n += e.data.length > 0 ? 1 : 1;
      };
      const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
      for (const c of chunks) {
        const text = decoder.decode(c, { stream: true });
        let pos = 0;
        for (let lf = text.indexOf('\n'); lf !== -1; lf = text.indexOf('\n', pos)) {
          if (lf === pos) onEvent({ event: 'message', data: '', id: '' });
          pos = lf + 1;
        }
      }
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
  log(
    `sse: ${(bytes.length / 1e6).toFixed(1)} MB Anthropic-style stream, ${events} events ` +
      `(${pings} pings), ${chunks.length} chunks of 1–4096 bytes; ${rounds} interleaved rounds + 1 warm-up, median`,
  );

  const times = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  for (let round = 0; round <= rounds; round++) {
    // Rotate the order each round so no variant always runs first after GC pressure.
    for (let k = 0; k < variants.length; k++) {
      const v = variants[(k + round) % variants.length] as Variant;
      const t0 = performance.now();
      const n = await v.run(chunks);
      const ms = performance.now() - t0;
      if (!UNCHECKED.includes(v.name)) {
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

  const ratio = (a: string, b: string): string => `${(mbps[a]! / mbps[b]!).toFixed(2)}x`;
  /** Median over rounds of the same-round speed ratio: steadier when the machine is busy. */
  const paired = (a: string, b: string): string => {
    const ta = times.get(a)!;
    const tb = times.get(b)!;
    return `${median(ta.map((t, i) => tb[i]! / t)).toFixed(2)}x`;
  };
  const fastest = (names: readonly string[]): string => names.reduce((best, n) => (mbps[n]! > mbps[best]! ? n : best));
  for (const o of [OURS_PARSER, OURS_STREAM, OURS_BATCHES]) {
    for (const v of variants) if (v.name !== o) log(`ratio ${o} / ${v.name}: ${ratio(o, v.name)}`);
  }

  // Targets are checked against the fastest baseline of this run (and the faster floor).
  const parserBaseline = fastest(PARSER_BASELINES);
  const streamBaseline = fastest(STREAM_BASELINES);
  const floor = fastest(FLOORS);
  log(
    `headline: createSseParser / fastest createParser baseline (${parserBaseline}): ${ratio(OURS_PARSER, parserBaseline)}` +
      ` (per-round median ${paired(OURS_PARSER, parserBaseline)}; bound for any TextDecoder+indexOf parser:` +
      ` ${ratio(BOUND, parserBaseline)})`,
  );
  log(
    `headline: parseSseStream / fastest EventSourceParserStream pipeline (${streamBaseline}): ${ratio(OURS_STREAM, streamBaseline)}` +
      ` (per-round median ${paired(OURS_STREAM, streamBaseline)}); readSseBatches: ${ratio(OURS_BATCHES, streamBaseline)}`,
  );
  const targets: [string, string, string, number][] = [
    [`createSseParser >= 1.5x the fastest createParser (${parserBaseline})`, OURS_PARSER, parserBaseline, 1.5],
    [`parseSseStream >= 3x the fastest EventSourceParserStream pipeline (${streamBaseline})`, OURS_STREAM, streamBaseline, 3],
    [`createSseParser >= 0.4x the faster TextDecoder floor (${floor})`, OURS_PARSER, floor, 0.4],
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
  // More rounds steady the medians on a busy machine: SSE_BENCH_ROUNDS=25 npm run bench:sse
  const rounds = Number(process.env.SSE_BENCH_ROUNDS);
  await run(rounds > 0 ? { rounds } : {});
}
