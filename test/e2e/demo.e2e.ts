/**
 * `npm start` without a display, in real Chromium and real Firefox: the launcher builds the
 * demo, starts the mock and the article, asks about the article's passage in the panel,
 * prints the streamed answer and saves the panel as a PNG, then exits 0. Runs the very
 * command `npm start` runs (package.json), as a child process, with `--headless`.
 *
 * The headed path (a window, the user right-clicking) cannot run on a machine without a
 * display; its context-menu click is the same handler the e2e hooks exercise elsewhere.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitSentences } from '../mock-provider/demo-answer.ts';
import { artifactPath, REPO_ROOT } from './harness/paths.ts';

const START = 'scripts/start.ts';

/** The sentences of the paragraph the headless demo selects. */
const PASSAGE_SENTENCES = splitSentences(
  /<p id="passage">([^]*?)<\/p>/.exec(readFileSync(join(REPO_ROOT, 'scripts/demo/article.html'), 'utf8'))![1]!,
);

function runStart(args: string[], timeoutMs = 90_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // No display, whatever the machine has: the headless path must be chosen by itself too.
    const env = { ...process.env, DISPLAY: '', WAYLAND_DISPLAY: '' };
    const child = spawn(process.execPath, [START, ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`npm start did not finish in ${timeoutMs} ms\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Width and height from a PNG's IHDR chunk, or null when the bytes are not a PNG. */
function pngSize(file: string): { width: number; height: number; bytes: number } | null {
  const png = readFileSync(file);
  if (!png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return null;
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20), bytes: png.length };
}

it('is what `npm start` runs', () => {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  expect(pkg.scripts.start).toBe(`node ${START}`);
  expect(PASSAGE_SENTENCES.length).toBeGreaterThanOrEqual(4);
});

describe.each([
  { browser: 'Chromium', args: [] },
  { browser: 'Firefox', args: ['--firefox'] },
])('npm start -- --headless in $browser', ({ browser, args }) => {
  it('prints the streamed summary of the demo article and saves a screenshot of the panel', async () => {
    const screenshot = artifactPath(`demo-${browser.toLowerCase()}.png`);
    rmSync(screenshot, { force: true });
    const { code, stdout, stderr } = await runStart([...args, '--headless', '--screenshot', screenshot]);
    expect(code, `stdout:\n${stdout}\nstderr:\n${stderr}`).toBe(0);
    const answer = stdout.slice(stdout.indexOf('while it streams:'));
    expect(answer).toContain('Summary: How a honeybee swarm chooses a new home');
    expect(answer).toContain('Key points');
    // The summary is made of the passage's own sentences (a lead and three key points), not an echo.
    const quoted = PASSAGE_SENTENCES.filter((sentence) => answer.includes(`\n${sentence}\n`));
    expect(quoted.length, answer).toBeGreaterThanOrEqual(4);
    expect(answer).toMatch(/Sentences\s+6/);
    expect(stdout).toContain(`Screenshot of the panel: ${screenshot}`);
    expect(existsSync(screenshot)).toBe(true);
    const size = pngSize(screenshot);
    expect(size).toMatchObject({ width: 400 });
    expect(size!.height).toBeGreaterThanOrEqual(600);
    expect(size!.bytes).toBeGreaterThan(20_000);
  }, 120_000);
});
