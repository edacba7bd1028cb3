import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * Built by `npm run build:e2e` (`wxt build --mode e2e`, `wxt build -b firefox --mv3 --mode e2e`).
 * ASIDE_E2E_CHROME_BUILD / ASIDE_E2E_FIREFOX_BUILD point the tests at another build (e.g. the
 * production one, to see the e2e-only permissions matter).
 */
export const CHROME_E2E_BUILD = resolve(REPO_ROOT, process.env.ASIDE_E2E_CHROME_BUILD ?? '.output/chrome-mv3-e2e');
export const FIREFOX_E2E_BUILD = resolve(REPO_ROOT, process.env.ASIDE_E2E_FIREFOX_BUILD ?? '.output/firefox-mv3-e2e');

/** Screenshots and logs from e2e runs (git-ignored). */
export const ARTIFACTS_DIR = join(REPO_ROOT, 'test/e2e/artifacts');

export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return join(ARTIFACTS_DIR, name);
}

/**
 * The README's screenshots in docs/ are rewritten only when UPDATE_SCREENSHOTS is set
 * (`UPDATE_SCREENSHOTS=1 npm run test:e2e`), so that ordinary runs leave the tree clean;
 * the screenshot is always in the artifacts.
 */
export function publishScreenshot(artifact: string, docsName: string): void {
  if (!process.env.UPDATE_SCREENSHOTS) return;
  const docs = join(REPO_ROOT, 'docs');
  mkdirSync(docs, { recursive: true });
  copyFileSync(artifact, join(docs, docsName));
}

/** Throw a helpful error when the e2e build is missing. */
export function requireBuild(dir: string): string {
  if (!existsSync(join(dir, 'manifest.json'))) {
    throw new Error(`No extension build at ${dir}. Run \`npm run build:e2e\` first (npm run test:e2e does it for you).`);
  }
  return dir;
}

/** Poll `probe` until it returns a non-undefined value (or a truthy one with `truthy`), with a clear timeout error. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const intervalMs = options.intervalMs ?? 50;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
