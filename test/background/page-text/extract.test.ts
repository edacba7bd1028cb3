// @vitest-environment happy-dom
/**
 * The page's readable text: the article and not the page's chrome, headings as lines with
 * offsets into the final (cleaned) text, invisible characters gone, a fallback when there
 * is no article, a cap that says what it cut.
 */
import { describe, expect, it } from 'vitest';
import { assemblePage } from '../../../src/background/page-text/assemble.ts';
import { blocksOf, extractPage } from '../../../src/background/page-text/extract.ts';
import { MAX_PAGE_HEADINGS } from '../../../src/shared/limits.ts';

const NAV_WORD = 'Zanzibarnavlink';

const sentence = (n: number) =>
  `Paragraph ${n} of the article explains how river otters build their dens along quiet banks, ` +
  `how they hunt for fish at dusk, and why their numbers have grown again in the last decades.`;

function articlePage(): string {
  const links = Array.from({ length: 40 }, (_, i) => `<li><a href="/n${i}">${NAV_WORD} ${i}</a></li>`).join('');
  return `<!doctype html><html><head><title>Otters</title></head><body>
    <header><h1>Site header</h1><p>Welcome to the site</p></header>
    <nav><ul>${links}</ul></nav>
    <main><article>
      <h1>River otters</h1>
      <p>${sentence(1)}</p>
      <h2>Dens</h2>
      <p>${sentence(2)}</p>
      <p>${sentence(3)}</p>
      <h2>Hunting</h2>
      <p>${sentence(4)}</p>
      <ul><li>Fish</li><li>Crayfish</li></ul>
    </article></main>
    <aside>Related: ${NAV_WORD} sidebar</aside>
    <footer>Copyright footer ${NAV_WORD}</footer>
  </body></html>`;
}

function load(html: string): Document {
  return new DOMParser().parseFromString(html, 'text/html');
}

function read(html: string) {
  const extract = extractPage(load(html));
  return { extract, page: assemblePage(extract) };
}

describe('extractPage', () => {
  it('keeps the article and leaves out the navigation, header, sidebar and footer', () => {
    const { extract, page } = read(articlePage());
    expect(extract.method).toBe('article');
    for (const n of [1, 2, 3, 4]) expect(page.text).toContain(`Paragraph ${n} of the article`);
    expect(page.text).not.toContain(NAV_WORD);
    expect(page.text).not.toContain('Site header');
    expect(page.source).toBe('page');
    expect(page.title).toBe('Otters');
    expect(page.truncated).toBe(false);
    expect(page.pageChars).toBe(page.text.length);
    expect(page.originalLength).toBe(page.text.length);
  });

  it('keeps paragraph breaks and turns headings into lines whose offsets point into the text', () => {
    const { page } = read(articlePage());
    expect(page.text).toMatch(/## Dens\n\nParagraph 2/);
    expect(page.text).toMatch(/Paragraph 2[^\n]*\n\nParagraph 3/);
    expect(page.text).toContain('- Fish\n- Crayfish');
    const texts = page.headings!.map((h) => h.text);
    expect(texts).toEqual(expect.arrayContaining(['Dens', 'Hunting']));
    for (const heading of page.headings!) {
      expect(page.text.startsWith(`${'#'.repeat(heading.level)} ${heading.text}`, heading.offset)).toBe(true);
    }
  });

  it('removes invisible characters, and heading offsets still hold after they are removed', () => {
    const hidden = '\u200b\u{E0049}\u{E0067}\u202e\u2066';
    const blocks = [
      { text: `Intro${hidden} text` },
      { level: 2, text: `Sec${hidden}tion` },
      { text: `Body${hidden}` },
      { level: 3, text: 'Next' },
    ];
    const page = assemblePage({ blocks, title: `T${hidden}itle`, url: 'https://example.test/' });
    expect(page.text).toBe('Intro text\n\n## Section\n\nBody\n\n### Next');
    expect(page.title).toBe('Title');
    expect(page.headings).toEqual([
      { level: 2, text: 'Section', offset: 12 },
      { level: 3, text: 'Next', offset: page.text.indexOf('### Next') },
    ]);
  });

  it('removes invisible characters from a real page', () => {
    const { page } = read(articlePage().replace('Paragraph 1', 'Para\u200bgraph\u{E0041} 1'));
    expect(page.text).toContain('Paragraph 1');
    expect(page.text).not.toMatch(/[\u200b\u{E0000}-\u{E007F}]/u);
  });

  it('falls back to the body without its chrome when Readability finds no article', () => {
    const { extract, page } = read(`<html><head><title>Short</title></head><body>
      <nav><a href="/">${NAV_WORD}</a></nav>
      <div>Opening hours: <b>9 to 5</b></div><div>Call us on Monday.<br>Or write.</div>
      <table><tr><th>Day</th><th>Open</th></tr><tr><td>Mon</td><td>yes</td></tr></table>
      <p hidden>secret hidden text</p>
      <footer>${NAV_WORD} footer</footer></body></html>`);
    expect(extract.method).toBe('body');
    expect(page.text).toBe('Opening hours: 9 to 5\n\nCall us on Monday.\nOr write.\n\nDay | Open\n\nMon | yes');
    expect(page.text).not.toContain(NAV_WORD);
  });

  it('gives no text for a page with only scripts and styles', () => {
    const { page } = read(
      '<html><head><style>p{}</style></head><body><script>var a = "code";</script><noscript>Turn on JS</noscript></body></html>',
    );
    expect(page.text).toBe('');
    expect(page.headings).toEqual([]);
  });

  it('says a document is a PDF viewer', () => {
    const { extract } = read('<html><body><embed type="application/pdf" src="x.pdf"></body></html>');
    expect(extract.pdf).toBe(true);
    expect(extract.blocks).toEqual([]);
  });

  it('keeps preformatted text as it is', () => {
    const root = load('<html><body><pre>  a  b\n    c</pre></body></html>').body;
    expect(blocksOf(root)).toEqual([{ text: '  a  b\n    c' }]);
  });
});

describe('assemblePage on a huge page', () => {
  it('cuts at the cap, says so, never splits a surrogate pair, and keeps only headings before the cut', () => {
    const blocks = [{ level: 1, text: 'Start' }, { text: 'x'.repeat(97) + '😀😀' }, { level: 2, text: 'Late' }, { text: 'tail' }];
    const page = assemblePage({ blocks, title: '', url: '' }, 109);
    const full = '# Start\n\n' + 'x'.repeat(97) + '😀😀\n\n## Late\n\ntail';
    expect(page.pageChars).toBe(full.length);
    expect(page.originalLength).toBe(full.length);
    expect(page.truncated).toBe(true);
    expect(page.text).toBe(full.slice(0, 108)); // 109 would split the second emoji
    expect(page.headings).toEqual([{ level: 1, text: 'Start', offset: 0 }]);
  });

  it('reads a 2 MB page in one go, capped with a note, and keeps at most MAX_PAGE_HEADINGS headings', () => {
    const blocks = Array.from({ length: 2_000 }, (_, i) => [{ level: 2, text: `Part ${i}` }, { text: 'word '.repeat(200) }]).flat();
    const page = assemblePage({ blocks, title: 'Big', url: 'https://example.test/big' });
    expect(page.pageChars).toBeGreaterThan(2_000_000);
    expect(page.truncated).toBe(true);
    expect(page.text.length).toBe(1_000_000);
    expect(page.headings!.length).toBe(MAX_PAGE_HEADINGS);
    expect(page.headings!.every((h) => h.offset < page.text.length)).toBe(true);
  });
});
