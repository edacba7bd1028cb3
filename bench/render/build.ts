/**
 * Bundles the benchmark page (page.ts: our renderer, the naive baseline, streaming-markdown)
 * with Vite (rolldown) into a temporary directory, minified as for production. Lowlight and
 * each highlight.js language stay separate lazy chunks, exactly as in the extension: the
 * page fetches them from the local server the first time a fence in that language closes,
 * so ours pays for real highlighting.
 */
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The panel's own stylesheet (content-visibility on finished chunks, code and table styles). */
const page = (css: string) => `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>render bench</title>
<style>${css}</style>
<script type="module" src="./page.js"></script>
</head>
<body><div id="answer" class="answer-text md"></div></body>
</html>
`;

export interface BuiltPage {
  dir: string;
  /** Files written (page.js plus lazy chunks). */
  files: string[];
}

export async function buildPage(options: { minify?: boolean } = {}): Promise<BuiltPage> {
  const dir = await mkdtemp(join(tmpdir(), 'aside-render-bench-'));
  await build({
    configFile: false,
    root: ROOT,
    logLevel: 'warn',
    mode: 'production',
    define: { 'process.env.NODE_ENV': '"production"' },
    build: {
      outDir: dir,
      emptyOutDir: false,
      minify: options.minify ?? true,
      target: 'esnext',
      reportCompressedSize: false,
      lib: { entry: join(ROOT, 'bench/render/page.ts'), formats: ['es'], fileName: () => 'page.js' },
    },
  });
  await writeFile(join(dir, 'index.html'), page(await readFile(join(ROOT, 'src/panel/panel.css'), 'utf8')));
  return { dir, files: await readdir(dir, { recursive: true }) };
}
