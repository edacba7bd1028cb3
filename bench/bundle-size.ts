/**
 * Side panel bundle size (a measurement, not a timed test). Run: `node bench/bundle-size.ts`
 * (or via `npm run bench`).
 *
 * Reads the production Chrome build in .output/chrome-mv3, rebuilding it first (`wxt build`)
 * when any source is newer than its manifest (or BUNDLE_SIZE_REBUILD=1). From sidepanel.html
 * it follows the module scripts and modulepreloads, then every static `import … from` /
 * `export … from` of those files: that is the JavaScript the panel loads when it first
 * opens. Files reached only through `import()` (lowlight, each highlight.js language) are
 * lazy and reported apart. Sizes are gzip level 9 of each file, summed (each file is
 * fetched on its own). Target: first-open JS ≤ 60 KB gzipped (KB = 1,000 bytes).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { freshBuild, ROOT } from './fresh-build.ts';

export const name = 'bundle-size';

const OUT = join(ROOT, '.output/chrome-mv3');
const TARGET_KB = 60;

/** Specifiers of a module's static imports and re-exports, and of its dynamic imports. */
function importsOf(code: string): { static: string[]; dynamic: string[] } {
  const specifier = String.raw`\s*(["'\`])([^"'\`$]+)\1`;
  const statics = [
    ...code.matchAll(
      new RegExp(String.raw`(?:^|[;}\s])import\s*(?:[\w$]+\s*,?\s*)?(?:\{[^}]*\}|\*\s*as\s+[\w$]+)?\s*from${specifier}`, 'g'),
    ),
    ...code.matchAll(new RegExp(String.raw`(?:^|[;}\s])import${specifier}`, 'g')),
    ...code.matchAll(new RegExp(String.raw`(?:^|[;}\s])export\s*(?:\{[^}]*\}|\*(?:\s*as\s+[\w$]+)?)\s*from${specifier}`, 'g')),
  ].map((m) => m[2]!);
  const dynamics = [...code.matchAll(new RegExp(String.raw`\bimport\(${specifier}\s*\)`, 'g'))].map((m) => m[2]!);
  return { static: statics, dynamic: dynamics };
}

/** An output path ("chunks/x.js") for a specifier in `from` (also an output path). */
function resolve(from: string, spec: string): string | null {
  if (!spec.startsWith('.') && !spec.startsWith('/')) return null;
  const path = spec.startsWith('/') ? spec.slice(1) : posix.join(posix.dirname(from), spec);
  return existsSync(join(OUT, path)) ? path : null;
}

interface FileSize {
  path: string;
  bytes: number;
  gzip: number;
}

function sizeOf(path: string): FileSize {
  const body = readFileSync(join(OUT, path));
  return { path, bytes: body.length, gzip: gzipSync(body, { level: 9 }).length };
}

export interface BundleSizeResult {
  initialGzipBytes: number;
  lazyGzipBytes: number;
  targetMet: boolean;
}

export async function run(options: { log?: (line: string) => void } = {}): Promise<BundleSizeResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  freshBuild('bundle-size', '.output/chrome-mv3', ['build'], { force: process.env.BUNDLE_SIZE_REBUILD === '1', log });

  const html = readFileSync(join(OUT, 'sidepanel.html'), 'utf8');
  const entries = [
    ...html.matchAll(/<script\b[^>]*\btype=["']module["'][^>]*\bsrc=["']([^"']+)["']/g),
    ...html.matchAll(/<link\b[^>]*\brel=["']modulepreload["'][^>]*\bhref=["']([^"']+)["']/g),
  ].map((m) => resolve('sidepanel.html', m[1]!));
  const css = [...html.matchAll(/<link\b[^>]*\brel=["']stylesheet["'][^>]*\bhref=["']([^"']+)["']/g)].map((m) =>
    resolve('sidepanel.html', m[1]!),
  );
  if (entries.length === 0 || entries.some((e) => e === null)) throw new Error('bundle-size: no module script found in sidepanel.html');

  // Static closure from the entries; dynamic targets start the lazy closure.
  const initial = new Set<string>();
  const lazyRoots = new Set<string>();
  const walk = (path: string, into: Set<string>) => {
    if (into.has(path)) return;
    into.add(path);
    const found = importsOf(readFileSync(join(OUT, path), 'utf8'));
    for (const spec of found.static) {
      const target = resolve(path, spec);
      if (target) walk(target, into);
    }
    for (const spec of found.dynamic) {
      const target = resolve(path, spec);
      if (target) lazyRoots.add(target);
    }
  };
  for (const entry of entries) walk(entry!, initial);
  const lazy = new Set<string>();
  for (const root of lazyRoots) if (!initial.has(root)) walk(root, lazy);
  for (const path of initial) lazy.delete(path);

  const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;
  const total = (files: FileSize[]) =>
    files.reduce((sum, f) => ({ bytes: sum.bytes + f.bytes, gzip: sum.gzip + f.gzip }), { bytes: 0, gzip: 0 });
  const first = [...initial].map(sizeOf).sort((a, b) => b.gzip - a.gzip);
  const later = [...lazy].map(sizeOf).sort((a, b) => b.gzip - a.gzip);
  const firstTotal = total(first);
  const laterTotal = total(later);

  log(`side panel JS loaded on first open (${first.length} file${first.length === 1 ? '' : 's'}):`);
  for (const f of first) log(`  ${f.path}: ${kb(f.bytes)} raw, ${kb(f.gzip)} gzip`);
  log(`  total: ${kb(firstTotal.bytes)} raw, ${kb(firstTotal.gzip)} gzip`);
  for (const path of css) if (path) log(`  (stylesheet ${path}: ${kb(sizeOf(path).gzip)} gzip, not counted: not JS)`);
  log(`lazy chunks (reached only through import()), ${later.length} files: ${kb(laterTotal.bytes)} raw, ${kb(laterTotal.gzip)} gzip`);
  log(
    `  largest: ${later
      .slice(0, 5)
      .map((f) => `${posix.basename(f.path)} ${kb(f.gzip)}`)
      .join(', ')}`,
  );
  const unreached = readdirSync(join(OUT, 'chunks')).filter(
    (f) => f.endsWith('.js') && !initial.has(`chunks/${f}`) && !lazy.has(`chunks/${f}`),
  );
  if (unreached.length > 0) log(`  (chunks the panel never loads: ${unreached.join(', ')})`);
  const targetMet = firstTotal.gzip <= TARGET_KB * 1000;
  log(`target side panel first-open JS <= ${TARGET_KB} KB gzip: ${kb(firstTotal.gzip)} ${targetMet ? 'MET' : 'MISSED'}`);
  return { initialGzipBytes: firstTotal.gzip, lazyGzipBytes: laterTotal.gzip, targetMet };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await run();
}
