/**
 * A tiny loopback web server for e2e test pages (text to select, a page to navigate from).
 *
 * ```ts
 * const pages = await startPageServer({ '/other.html': '<p>…</p>' });
 * await page.goto(pages.url('/article.html'));
 * await page.evaluate(selectTextExpression('#passage'));
 * await pages.close();
 * ```
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** The sentence in `#passage` of the default article page. */
export const ARTICLE_PASSAGE = 'The quick brown fox jumps over the lazy dog while the orchestra tunes its instruments.';

export const ARTICLE_HTML = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>Aside test article</title></head>
  <body>
    <h1 id="title">A test article</h1>
    <p id="passage">${ARTICLE_PASSAGE}</p>
    <p id="second">A second paragraph, with <em>emphasis</em> and “quotes”, for selections that span elements.</p>
    <button id="noop" type="button">A button</button>
  </body>
</html>
`;

export interface PageServer {
  /** "http://127.0.0.1:PORT" */
  origin: string;
  /** Absolute URL of a path on this server. */
  url(path?: string): string;
  /** Add or replace a page at runtime. */
  setPage(path: string, html: string): void;
  close(): Promise<void>;
}

/** Serves `/article.html` (and `/` → the same) plus any pages given, as text/html, on 127.0.0.1. */
export async function startPageServer(pages: Record<string, string> = {}): Promise<PageServer> {
  const table = new Map<string, string>([
    ['/', ARTICLE_HTML],
    ['/article.html', ARTICLE_HTML],
    ['/blank.html', '<!doctype html><html><head><meta charset="utf-8"><title>blank</title></head><body></body></html>'],
  ]);
  for (const [path, html] of Object.entries(pages)) table.set(path, html);
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const html = table.get(path);
    if (html === undefined || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('not found');
      return;
    }
    // A .pdf path is served as a PDF (the browsers then show it in their built-in viewers).
    const type = path.endsWith('.pdf') ? 'application/pdf' : 'text/html; charset=utf-8';
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : html);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: (path = '/article.html') => origin + path,
    setPage: (path, html) => void table.set(path, html),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

/**
 * A JS expression (usable with Playwright's `page.evaluate(string)` and BiDi `evaluate`)
 * that selects the whole text of the element matching `selector` and returns the selection.
 */
export function selectTextExpression(selector: string): string {
  return `(() => {
    const el = document.querySelector(${JSON.stringify(selector)});
    if (!el) throw new Error('no element matches ' + ${JSON.stringify(selector)});
    const range = document.createRange();
    range.selectNodeContents(el);
    const selection = getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    return selection.toString();
  })()`;
}
