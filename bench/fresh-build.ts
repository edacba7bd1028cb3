/**
 * Benchmarks measure a build of the current sources: `freshBuild` rebuilds an output folder
 * when any source is newer than its manifest (or `force`), and says which it did.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** What a build is made from: newer than the build's manifest means the build is stale. */
const SOURCES = ['src', 'entrypoints', 'locales', 'public', 'wxt.config.ts', 'package-lock.json', 'tsconfig.json'];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** Rebuild `outDir` (relative to the repository) with `wxt <args>` unless it is newer than every source. */
export function freshBuild(
  name: string,
  outDir: string,
  wxtArgs: string[],
  options: { force?: boolean; log: (line: string) => void },
): string {
  const out = join(ROOT, outDir);
  const manifest = join(out, 'manifest.json');
  const built = existsSync(manifest) ? statSync(manifest).mtimeMs : 0;
  const sources = Math.max(...SOURCES.map((s) => newestMtime(join(ROOT, s))));
  if (options.force || built < sources) {
    options.log(`${name}: ${built ? 'build older than its sources' : 'no build'}: running wxt ${wxtArgs.join(' ')}`);
    execFileSync('npx', ['wxt', ...wxtArgs], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  } else {
    options.log(`${name}: ${relative(ROOT, out)} is newer than its sources, measuring it as it is`);
  }
  return out;
}
