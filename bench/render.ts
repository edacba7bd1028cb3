/**
 * Answer renderer benchmark (not a timed test). Run: `node bench/render.ts` (or via
 * `npm run bench`). RENDER_BENCH_ROUNDS=5 for more rounds; RENDER_BENCH_PROFILE=1 also
 * records a CPU profile of ours (unminified) and prints where its slowest frames go.
 *
 * In real Chromium (Debian's, headless), an answer is streamed into a page that has the
 * panel's own stylesheet and a 400 px wide answer, "as fast as frames allow": every
 * animation frame gets the next DELTAS_PER_FRAME deltas, the same for every variant, so
 * every variant sees the same frames with the same text. Variants, each run in a fresh page
 * (bundled by render/build.ts, served on 127.0.0.1), interleaved round by round with the
 * order rotated:
 * - ours: `createStreamingRenderer` (src/panel/markdown), fed every delta; it renders at most
 *   once per frame; real lazy highlighting (lowlight chunks fetched from the server);
 * - naive: once per frame, marked's lexer over the WHOLE text and a DOM built from the
 *   tokens replacing the container's children (render/naive.ts; no highlighting);
 * - streaming-markdown 0.2.15: its parser and default renderer, fed every delta;
 * - floor (not a renderer): the same frames, nothing rendered: what every variant pays.
 * The naive variant takes ~45 s a run, so it (and the floor) run in the first 2 rounds only.
 *
 * Measured per run: each frame's cost (render/page.ts: from the first rAF callback of the
 * frame to after a forced layout, so JS, microtasks and style/layout count; paint does not),
 * long tasks, and CDP `Performance.getMetrics` TaskDuration around the whole stream (all
 * main-thread work: also paint, GC, chunk loading). Each figure is the median of its rounds.
 *
 * DELTAS_PER_FRAME = 100: the ~40,000 deltas (≈4.6 characters each) take 400 frames
 * (6.7 s at 60 Hz), i.e. ≈27,000 characters a second, far faster than any model streams, so
 * each frame carries a big batch; and 400 frames leave 40 in each of the first and last
 * 10 %. Chromium runs with --disable-frame-rate-limit so that a variant with cheap frames is
 * not held to 60 Hz (the figures are work, not waiting; wall time only shortens).
 *
 * Second scenario: one 4 MB (UTF-8) paragraph of CJK text and emoji, no line break, in
 * 4,000 deltas, 10 a frame; a run stops after HUGE_BUDGET_MS (end() on what it has, and
 * the figures say how far it got); naive gets only the first 200 KB. The frames over 50 ms
 * are listed. RENDER_BENCH_TRACE=1 also traces ours there and prints each frame's
 * main-thread CPU time (BeginMainFrame's thread time, paint included): on a loaded machine
 * the wall-clock figures count the time the page waited for a CPU, the trace does not.
 * Measured on 2026-12-06 (2 cores, 3 rounds): ours' worst frame 27.6 ms, all 4 MB streamed
 * in the 6 s (README has the table). Before long paragraphs went into runs
 * (src/panel/markdown/runs.ts): 362 ms worst frame, growing with the paragraph, only 0.39 MB
 * streamed in the 6 s.
 * The whole benchmark takes about 3 minutes on a 2-core machine. `--only=markdown` or
 * `--only=huge` (or RENDER_BENCH_ONLY=…) runs one scenario alone.
 */
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type CDPSession } from 'playwright-core';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildPage } from './render/build.ts';
import { cutPoints, generateCjkParagraph, generateMarkdown, missingSentinel } from './render/corpus.ts';
import type { StreamResult, VariantName } from './render/page.ts';
import { serveDirectory, type StaticServer } from './render/server.ts';
import { summarizeProfile, type CpuProfile } from './render/profile.ts';
import { median } from './stats.ts';

export const name = 'render';

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-frame-rate-limit', '--disable-gpu-vsync'];
const VIEWPORT = { width: 420, height: 800 };
const FRAME_BUDGET_MS = 16.7;

export const DELTAS_PER_FRAME = 100;
/** The 4 MB paragraph: ~4,000 deltas of ~1,000 bytes; 10 a frame is again 400 frames. */
export const HUGE_DELTAS_PER_FRAME = 10;
/** The naive variant gets only this much of the 4 MB paragraph (all of it would take hours). */
export const HUGE_NAIVE_BYTES = 200_000;
export const HUGE_BYTES = 4_000_000;
/**
 * A run of the huge paragraph stops (end() on what it has) after this much wall time: on a
 * renderer whose frames grow with the paragraph, all 4 MB would take many minutes.
 */
export const HUGE_BUDGET_MS = 6_000;
const HUGE_NAIVE = 'naive (first 200 KB only)';

const OURS: VariantName = 'ours';
const NAIVE: VariantName = 'naive';
const SMD: VariantName = 'streaming-markdown';
/** Not a renderer: the same frames with nothing rendered, what any variant pays at least. */
const FLOOR: VariantName = 'floor';

interface Run {
  taskMs: number;
  frameSumMs: number;
  streamFrames: number;
  meanFirstMs: number;
  meanLastMs: number;
  lastOverFirst: number;
  over16: number;
  maxFrameMs: number;
  endFrameMs: number;
  longTasks: number;
  wallMs: number;
  /** The forced style/layout part of all frames, ms. */
  layoutMs: number;
  /** Characters streamed (fewer than the text if the run's time budget ran out). */
  fedChars: number;
  /** Frames over budget: [frame index, ms, characters fed]. */
  /** Frames over the budget: index, ms, characters fed by then, and the forced style and layout's part, ms. */
  slow: [number, number, number, number][];
  /** Mean frame cost of each tenth of the frames, and the characters fed by its end. */
  deciles: [number, number][];
  /** With a trace: each frame's main-thread CPU time (BeginMainFrame's thread time), ms. */
  threadFrameMs: number[] | null;
}

interface TraceEvent {
  name: string;
  ph: string;
  dur?: number;
  tdur?: number;
}

/**
 * Each frame's thread time from a trace (devtools.timeline,blink): BeginMainFrame (animation frame
 * callbacks, style, layout, pre-paint and paint) as CPU time on the renderer's main thread,
 * which, unlike the wall-clock figures, does not count the time the thread waited for a CPU
 * on a loaded machine.
 */
function frameThreadTimes(events: readonly TraceEvent[]): number[] {
  return events.filter((e) => e.ph === 'X' && e.name === 'WebFrameWidgetImpl::BeginMainFrame').map((e) => (e.tdur ?? 0) / 1000);
}

interface Input {
  text: string;
  cuts: number[];
  deltasPerFrame: number;
  /** Wall-time budget of one run: then end() is called with what was streamed so far. */
  budgetMs?: number;
  check(result: StreamResult, variant: VariantName): string | null;
}

async function taskDuration(cdp: CDPSession): Promise<number> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return (metrics.find((m) => m.name === 'TaskDuration')?.value ?? NaN) * 1000;
}

/** Streams `input` once with `variant` in a fresh page; throws if the rendering is wrong. */
async function streamOnce(
  browser: Browser,
  server: StaticServer,
  variant: VariantName,
  input: Input,
  profile?: (p: CpuProfile) => void,
  trace = false,
): Promise<Run> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(server.url);
    await page.waitForFunction(() => 'renderBench' in window);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    // Hand the input over first, so that its transfer is not in the totals.
    await page.evaluate(([text, cuts]) => Object.assign(window, { benchInput: { text, cuts } }), [input.text, input.cuts] as const);
    if (profile) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
    }
    const traced: TraceEvent[] = [];
    let traceDone: Promise<unknown> = Promise.resolve();
    if (trace) {
      cdp.on('Tracing.dataCollected', (e) => traced.push(...(e.value as unknown as TraceEvent[])));
      traceDone = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
      await cdp.send('Tracing.start', { categories: 'devtools.timeline,blink', transferMode: 'ReportEvents' });
    }
    const before = await taskDuration(cdp);
    const result = await page.evaluate(
      ([v, k, budget]) => {
        const { text, cuts } = (window as unknown as { benchInput: { text: string; cuts: number[] } }).benchInput;
        return window.renderBench.stream(v, text, cuts, k, budget ?? undefined);
      },
      [variant, input.deltasPerFrame, input.budgetMs ?? null] as const,
    );
    const taskMs = (await taskDuration(cdp)) - before;
    if (profile) profile((await cdp.send('Profiler.stop')).profile as CpuProfile);
    if (trace) {
      await cdp.send('Tracing.end');
      await traceDone;
    }
    if (errors.length > 0) throw new Error(`${variant}: page error ${errors.join('; ')}`);
    const wrong = variant === FLOOR ? null : input.check(result, variant);
    if (wrong) throw new Error(`${variant}: wrong rendering: ${wrong}`);

    const stream = result.frames.slice(0, -1); // the last frame is end()'s
    const tenth = Math.max(1, Math.floor(stream.length / 10));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const meanFirstMs = mean(stream.slice(0, tenth));
    const meanLastMs = mean(stream.slice(-tenth));
    const slow: [number, number, number, number][] = [];
    result.frames.forEach((ms, i) => {
      if (ms > FRAME_BUDGET_MS) slow.push([i, ms, result.offsets[i]!, result.layout[i]!]);
    });
    return {
      taskMs,
      frameSumMs: result.frames.reduce((a, b) => a + b, 0),
      streamFrames: stream.length,
      meanFirstMs,
      meanLastMs,
      lastOverFirst: meanLastMs / meanFirstMs,
      over16: slow.length,
      maxFrameMs: Math.max(...result.frames),
      endFrameMs: result.frames.at(-1)!,
      longTasks: result.longTasks.length,
      wallMs: result.wallMs,
      layoutMs: result.layout.reduce((a, b) => a + b, 0),
      deciles: Array.from({ length: 10 }, (_, d): [number, number] => {
        const from = Math.floor((d * stream.length) / 10);
        const to = Math.max(from + 1, Math.floor(((d + 1) * stream.length) / 10));
        return [mean(stream.slice(from, to)), result.offsets[to - 1] ?? result.fed];
      }),
      fedChars: result.fed,
      slow,
      threadFrameMs: trace ? frameThreadTimes(traced) : null,
    };
  } finally {
    await context.close();
  }
}

const fmt = (x: number, digits = 1) => x.toFixed(digits);
const med = (runs: Run[], key: keyof Omit<Run, 'slow' | 'deciles' | 'threadFrameMs'>) => median(runs.map((r) => r[key]));

function table(log: (line: string) => void, names: string[], runs: Map<string, Run[]>): void {
  const columns: [string, (rs: Run[]) => string][] = [
    ['variant', () => ''],
    [
      'main-thread ms (min–max)',
      (rs) =>
        `${fmt(med(rs, 'taskMs'), 0)} (${fmt(Math.min(...rs.map((r) => r.taskMs)), 0)}–${fmt(Math.max(...rs.map((r) => r.taskMs)), 0)})`,
    ],
    ['frames ms', (rs) => fmt(med(rs, 'frameSumMs'), 0)],
    ['of it layout', (rs) => fmt(med(rs, 'layoutMs'), 0)],
    ['first 10% ms', (rs) => fmt(med(rs, 'meanFirstMs'), 2)],
    ['last 10% ms', (rs) => fmt(med(rs, 'meanLastMs'), 2)],
    ['last/first', (rs) => fmt(med(rs, 'lastOverFirst'), 2)],
    ['>16.7 ms (each run)', (rs) => `${fmt(med(rs, 'over16'), 0)} (${rs.map((r) => r.over16).join(',')})`],
    ['max ms', (rs) => fmt(med(rs, 'maxFrameMs'))],
    ['end() ms', (rs) => fmt(med(rs, 'endFrameMs'))],
    ['long tasks', (rs) => fmt(med(rs, 'longTasks'), 0)],
    ['runs', (rs) => String(rs.length)],
    ['wall s', (rs) => fmt(med(rs, 'wallMs') / 1000)],
  ];
  const width = Math.max(...names.map((n) => n.length));
  const cells = names.map((n) => columns.map(([, f], i) => (i === 0 ? n : f(runs.get(n)!))));
  const widths = columns.map(([h], i) => Math.max(i === 0 ? width : 0, h.length, ...cells.map((row) => row[i]!.length)));
  log(columns.map(([h], i) => h.padEnd(widths[i]!)).join(' | '));
  for (const row of cells) log(row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | '));
}

export type Scenario = 'markdown' | 'huge';

/** `--only=<scenario>` on the command line, else RENDER_BENCH_ONLY; undefined means both. */
function onlyFromCommandLine(): Scenario | undefined {
  const arg = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  const value = arg ?? process.env.RENDER_BENCH_ONLY;
  if (value === undefined || value === '') return undefined;
  if (value !== 'markdown' && value !== 'huge') throw new Error(`--only: expected markdown or huge, got ${value}`);
  return value;
}

export interface RenderBenchOptions {
  /** Rounds for ours and streaming-markdown (default 3, or RENDER_BENCH_ROUNDS). */
  rounds?: number;
  /** Rounds the naive variant takes part in (~45 s each on the markdown answer): default min(rounds, 2). */
  naiveRounds?: number;
  seed?: number;
  /** Also profile ours once per scenario (unminified build); or RENDER_BENCH_PROFILE=1. */
  profile?: boolean;
  /** Also trace ours on the huge paragraph for per-frame thread time; or RENDER_BENCH_TRACE=1. */
  trace?: boolean;
  /** Run one scenario only: `--only=markdown` / `--only=huge`, or RENDER_BENCH_ONLY. Default both. */
  only?: Scenario;
  log?: (line: string) => void;
}

export interface RenderBenchResult {
  targets: Record<string, boolean>;
}

/** Runs `names` interleaved, order rotated each round; `skip` leaves a variant out of a round. */
async function rounds(
  count: number,
  names: string[],
  once: (name: string) => Promise<Run>,
  skip: (name: string, round: number) => boolean = () => false,
): Promise<Map<string, Run[]>> {
  const runs = new Map<string, Run[]>(names.map((n) => [n, []]));
  for (let round = 0; round < count; round++) {
    for (let k = 0; k < names.length; k++) {
      const n = names[(k + round) % names.length]!;
      if (!skip(n, round)) runs.get(n)!.push(await once(n));
    }
  }
  return runs;
}

export async function run(options: RenderBenchOptions = {}): Promise<RenderBenchResult> {
  const envRounds = Number(process.env.RENDER_BENCH_ROUNDS);
  const count = options.rounds ?? (envRounds > 0 ? envRounds : 3);
  const naiveRounds = options.naiveRounds ?? Math.min(count, 2);
  const {
    seed = 20240607,
    profile = process.env.RENDER_BENCH_PROFILE === '1',
    trace = process.env.RENDER_BENCH_TRACE === '1',
    only = onlyFromCommandLine(),
  } = options;
  const runMarkdown = only !== 'huge';
  const runHuge = only !== 'markdown';
  const log = options.log ?? ((line: string) => console.log(line));
  const targets: Record<string, boolean> = {};
  const target = (label: string, ok: boolean, got: string) => {
    targets[label] = ok;
    log(`target ${label}: ${got} ${ok ? 'MET' : 'MISSED'}`);
  };

  const corpus = generateMarkdown(200_000, seed);
  const markdown: Input = {
    text: corpus.text,
    cuts: cutPoints(corpus.text, 40_000, seed + 1),
    deltasPerFrame: DELTAS_PER_FRAME,
    check(r) {
      if (r.textContent.trim() === '') return 'empty';
      const missing = missingSentinel(r.textContent, corpus.sentinels);
      return missing && `block ${missing} missing or out of order`;
    },
  };
  const huge = generateCjkParagraph(HUGE_BYTES, seed + 2);
  const hugeCuts = cutPoints(huge, 4_000, seed + 3);
  const paragraphCheck = (text: string) => (r: StreamResult) =>
    r.textContent === text.slice(0, r.fed)
      ? null
      : `text content is ${r.textContent.length} characters, expected the ${r.fed} streamed`;
  const hugeInput: Input = {
    text: huge,
    cuts: hugeCuts,
    deltasPerFrame: HUGE_DELTAS_PER_FRAME,
    budgetMs: HUGE_BUDGET_MS,
    check: paragraphCheck(huge),
  };
  const naiveDeltas = hugeCuts.findLastIndex((c) => Buffer.byteLength(huge.slice(0, c)) <= HUGE_NAIVE_BYTES) + 1;
  const naivePrefix = huge.slice(0, hugeCuts[naiveDeltas - 1]);
  const hugeNaiveInput: Input = {
    text: naivePrefix,
    cuts: hugeCuts.slice(0, naiveDeltas),
    deltasPerFrame: HUGE_DELTAS_PER_FRAME,
    check: paragraphCheck(naivePrefix),
  };

  const built = await buildPage();
  const server = await serveDirectory(built.dir);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ARGS });
  try {
    log(
      `render: Chromium ${browser.version()} headless, ${VIEWPORT.width} px wide; ${count} interleaved rounds ` +
        `(naive in ${naiveRounds}), fresh page each, median${only ? `; --only=${only}` : ''}`,
    );
    // Untimed: one short stream per variant, so the first timed page is not also the
    // browser's first (disk cache, process start). Each timed page is still cold JS.
    const warmCuts = markdown.cuts.slice(0, 500);
    const warm: Input = { ...markdown, text: markdown.text.slice(0, warmCuts.at(-1)), cuts: warmCuts, check: () => null };
    for (const v of [OURS, NAIVE, SMD]) await streamOnce(browser, server, v, warm);

    if (runMarkdown) {
      // Scenario 1: the markdown answer.
      log(
        `render (markdown): ${(Buffer.byteLength(corpus.text) / 1000).toFixed(0)} KB (${corpus.text.length} chars, ` +
          `${corpus.codeBlocks} code fences, ${corpus.sentinels} blocks checked) in ${markdown.cuts.length} deltas, ` +
          `${DELTAS_PER_FRAME} per frame (${Math.ceil(markdown.cuts.length / DELTAS_PER_FRAME)} frames + end())`,
      );
      const names = [OURS, NAIVE, SMD, FLOOR];
      const runs = await rounds(
        count,
        names,
        (v) => streamOnce(browser, server, v as VariantName, markdown),
        (v, round) => (v === NAIVE || v === FLOOR) && round >= naiveRounds,
      );
      table(log, names, runs);
      const ours = runs.get(OURS)!;
      const paired = (other: string) => median(runs.get(other)!.map((r, i) => r.taskMs / ours[i]!.taskMs));
      const naiveRatio = med(runs.get(NAIVE)!, 'taskMs') / med(ours, 'taskMs');
      const smdRatio = med(ours, 'taskMs') / med(runs.get(SMD)!, 'taskMs');
      log(`ratio naive / ours main-thread time: ${fmt(naiveRatio)}x (per-round median ${fmt(paired(NAIVE))}x)`);
      log(`ratio ours / streaming-markdown main-thread time: ${fmt(smdRatio, 2)} (per-round median ${fmt(1 / paired(SMD), 2)})`);
      const floorTask = med(runs.get(FLOOR)!, 'taskMs');
      log(
        `bound: naive / floor (frames with nothing rendered) ${fmt(med(runs.get(NAIVE)!, 'taskMs') / floorTask)}x is the most any ` +
          `renderer could reach; ours above the floor: ${fmt(med(ours, 'taskMs') - floorTask, 0)} ms`,
      );
      const slowest = ours.flatMap((r) => r.slow).sort((a, b) => b[1] - a[1]);
      if (slowest.length > 0) {
        log(
          `ours frames over ${FRAME_BUDGET_MS} ms, all rounds (frame #, ms, chars fed by then, style and layout's part): ` +
            slowest.map(([i, ms, at, layout]) => `#${i} ${fmt(ms)} ms @${at} (layout ${fmt(layout)})`).join(', ') +
            ` — of ${ours[0]!.streamFrames + 1} frames a round`,
        );
      }
      target('naive / ours main-thread time >= 40x', naiveRatio >= 40, `${fmt(naiveRatio)}x`);
      target('ours main-thread time <= streaming-markdown', smdRatio <= 1, fmt(smdRatio, 2));
      const lastFirst = med(ours, 'lastOverFirst');
      target('ours mean frame last 10% / first 10% <= 1.2', lastFirst <= 1.2, fmt(lastFirst, 2));
      const over = Math.max(...ours.map((r) => r.over16));
      target(`ours frames over ${FRAME_BUDGET_MS} ms = 0 (every round)`, over === 0, `${over} in the worst round`);
    }

    if (runHuge) {
      // Scenario 2: one 4 MB paragraph of CJK text and emoji.
      if (runMarkdown) log('');
      log(
        `render (huge paragraph): ${(Buffer.byteLength(huge) / 1e6).toFixed(1)} MB UTF-8 (${huge.length} UTF-16 units) of CJK ` +
          `and emoji, no line break, in ${hugeCuts.length} deltas, ${HUGE_DELTAS_PER_FRAME} per frame, each run stopped ` +
          `(end() on what it has) after ${HUGE_BUDGET_MS / 1000} s; naive: ONLY the first ` +
          `${(Buffer.byteLength(naivePrefix) / 1000).toFixed(0)} KB (${naiveDeltas} deltas, ` +
          `${Math.ceil(naiveDeltas / HUGE_DELTAS_PER_FRAME)} frames)`,
      );
      const hugeNames = [OURS, HUGE_NAIVE];
      const hugeRuns = await rounds(count, hugeNames, (n) =>
        n === OURS
          ? streamOnce(browser, server, OURS, hugeInput, undefined, trace)
          : streamOnce(browser, server, NAIVE, hugeNaiveInput),
      );
      table(log, hugeNames, hugeRuns);
      const hugeOurs = hugeRuns.get(OURS)!;
      const reached = Math.min(...hugeOurs.map((r) => r.fedChars));
      const bytesReached = Buffer.byteLength(huge.slice(0, reached));
      log(
        `ours streamed ${reached === huge.length ? 'all of it' : `only ${(bytesReached / 1e6).toFixed(2)} MB of ${(Buffer.byteLength(huge) / 1e6).toFixed(1)} MB within ${HUGE_BUDGET_MS / 1000} s`} (worst round); ` +
          `its frame cost by position: ${hugeProfile(hugeOurs[0]!)}`,
      );
      const hugeSlow = hugeOurs.flatMap((r) => r.slow.filter(([, ms]) => ms > 50));
      if (hugeSlow.length > 0) {
        log(
          `ours frames over 50 ms, all rounds (frame #, ms, chars fed by then): ` +
            hugeSlow.map(([i, ms, at]) => `#${i} ${fmt(ms)} ms @${at}`).join(', ') +
            ` — of ~${hugeOurs[0]!.streamFrames + 1} frames a round`,
        );
      }
      if (trace) {
        const thread = hugeOurs.flatMap((r) => r.threadFrameMs ?? []).sort((a, b) => a - b);
        const at = (q: number) => fmt(thread[Math.floor(q * (thread.length - 1))]!);
        log(
          `ours per-frame main-thread CPU time (trace, all rounds, ${thread.length} frames; not counting waits for a CPU): ` +
            `median ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms`,
        );
      }
      const maxFrame = Math.max(...hugeOurs.map((r) => r.maxFrameMs));
      target(
        `huge paragraph: ours no frame over 50 ms (every round${reached === huge.length ? '' : ', on the part streamed'})`,
        maxFrame <= 50,
        `max ${fmt(maxFrame)} ms`,
      );
    }

    if (profile) {
      const debug = await buildPage({ minify: false });
      const debugServer = await serveDirectory(debug.dir);
      try {
        const profiled: [string, Input][] = [];
        if (runMarkdown) profiled.push(['markdown', markdown]);
        if (runHuge) profiled.push(['huge-paragraph', hugeInput]);
        for (const [label, input] of profiled) {
          let cpu: CpuProfile | undefined;
          await streamOnce(browser, debugServer, OURS, input, (p) => (cpu = p));
          const file = join(debug.dir, `ours-${label}.cpuprofile`);
          await writeFile(file, JSON.stringify(cpu));
          log('');
          log(`profile of ours, ${label} (unminified build; ${file}):`);
          for (const line of summarizeProfile(cpu!, 12)) log(`  ${line}`);
        }
      } finally {
        await debugServer.close();
      }
    }
  } finally {
    await browser.close();
    await server.close();
    await rm(built.dir, { recursive: true, force: true });
  }
  return { targets };
}

/** Mean frame cost over each tenth of the frames, with how much was streamed by then. */
function hugeProfile(r: Run): string {
  return r.deciles.map(([ms, at]) => `${fmt(ms)} ms @${(at / 1000).toFixed(0)}k`).join(', ');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await run();
}
