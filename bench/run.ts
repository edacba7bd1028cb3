/**
 * Runs every benchmark in sequence: `npm run bench`.
 * To add one, write `bench/<name>.ts` exporting `name` and `run()`, and list it below.
 */
import * as bundleSize from './bundle-size.ts';
import * as history from './history.ts';
import * as latency from './latency.ts';
import * as providers from './providers.ts';
import * as render from './render.ts';
import * as sse from './sse.ts';

interface BenchModule {
  name: string;
  run(): Promise<unknown>;
}

const benches: BenchModule[] = [sse, providers, render, latency, history, bundleSize];

for (const bench of benches) {
  const t0 = performance.now();
  console.log(`== ${bench.name}`);
  await bench.run();
  console.log(`== ${bench.name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
}
