// @vitest-environment happy-dom
/** Each markdown construct, rendered; code fences highlighted after they close; Copy. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { highlightingSettled } from '../../../src/panel/markdown/highlight.ts';
import { createStreamingRenderer, IDLE_RENDER_MS } from '../../../src/panel/markdown/index.ts';
import { browserSpeaks } from '../../i18n/catalogs.ts';
import { manualFrames, newContainer, renderAll } from './helpers.ts';

let frames: ReturnType<typeof manualFrames>;
beforeEach(async () => {
  await browserSpeaks('en');
  frames = manualFrames();
});
afterEach(() => {
  frames.restore();
  document.body.replaceChildren();
  vi.unstubAllGlobals();
});

const blocks = (container: HTMLElement) => [...container.querySelectorAll('.md-chunk > *')];

describe('constructs', () => {
  it('headings h1–h6 and setext headings', () => {
    const c = renderAll('# One\n## Two\n###### Six\n\nSetext\n===\n\nOther\n---');
    expect(blocks(c).map((b) => [b.tagName, b.textContent])).toEqual([
      ['H1', 'One'],
      ['H2', 'Two'],
      ['H6', 'Six'],
      ['H1', 'Setext'],
      ['H2', 'Other'],
    ]);
  });

  it('a plain answer is one paragraph whose text is the answer exactly', () => {
    const text = 'A fox jumps over a lazy dog while music starts. ';
    expect(renderAll(text).textContent).toBe(text);
  });

  it('nested lists, ordered with their start number', () => {
    const c = renderAll('- a\n  - b\n    - c\n- d\n\n3. x\n4. y');
    const ul = c.querySelector('ul')!;
    expect(ul.querySelectorAll(':scope > li')).toHaveLength(2);
    expect(ul.querySelector('li > ul > li > ul > li')!.textContent).toBe('c');
    const ol = c.querySelector('ol')!;
    expect(ol.getAttribute('start')).toBe('3');
    expect([...ol.children].map((li) => li.textContent)).toEqual(['x', 'y']);
  });

  it('tables with their column alignment', () => {
    const c = renderAll('| L | C | R | N |\n|:--|:-:|--:|---|\n| 1 | **2** | 3 | 4 |');
    const th = [...c.querySelectorAll('thead th')];
    expect(th.map((cell) => [cell.textContent, cell.getAttribute('data-align')])).toEqual([
      ['L', 'left'],
      ['C', 'center'],
      ['R', 'right'],
      ['N', null],
    ]);
    const td = [...c.querySelectorAll('tbody td')];
    expect(td.map((cell) => cell.textContent)).toEqual(['1', '2', '3', '4']);
    expect(td[1]!.querySelector('strong')).not.toBeNull();
  });

  it('task lists with disabled checkboxes', () => {
    const c = renderAll('- [ ] todo\n- [x] done');
    const boxes = [...c.querySelectorAll('input')];
    expect(boxes.map((b) => [b.type, b.disabled, b.checked])).toEqual([
      ['checkbox', true, false],
      ['checkbox', true, true],
    ]);
    expect(c.querySelector('li')!.textContent).toBe('todo');
  });

  it('emphasis, strikethrough, code spans, blockquotes, hard breaks and rules', () => {
    const c = renderAll('**b** _i_ ~~s~~ `c <b>`  \nnext\n\n> quoted\n\n---');
    expect(c.querySelector('strong')!.textContent).toBe('b');
    expect(c.querySelector('em')!.textContent).toBe('i');
    expect(c.querySelector('del')!.textContent).toBe('s');
    expect(c.querySelector('p > code')!.textContent).toBe('c <b>');
    expect(c.querySelector('br')).not.toBeNull();
    expect(c.querySelector('blockquote > p')!.textContent).toBe('quoted');
    expect(c.querySelector('hr')).not.toBeNull();
  });

  it('autolinks (www., URLs, <…>, emails) are links that open in a new tab and show the URL', () => {
    const c = renderAll('see www.example.com, https://a.example/x and <https://b.example> or me@c.example');
    const links = [...c.querySelectorAll('a')];
    expect(links.map((a) => a.getAttribute('href'))).toEqual([
      'http://www.example.com',
      'https://a.example/x',
      'https://b.example',
      'mailto:me@c.example',
    ]);
    for (const a of links) {
      expect(a.getAttribute('target')).toBe('_blank');
      expect(a.getAttribute('rel')).toBe('noopener noreferrer');
      expect(a.getAttribute('title')).toBe(a.getAttribute('href'));
    }
  });

  it('entities are decoded in text, not in code', () => {
    const c = renderAll('a &amp; b &#x263A; `&amp;`');
    expect(c.querySelector('p')!.textContent).toBe('a & b ☺ &amp;');
  });

  it('reference links resolve against definitions before them', () => {
    const c = renderAll('[ref]: https://ref.example/\n\n[see][ref]');
    expect(c.querySelector('a')!.getAttribute('href')).toBe('https://ref.example/');
  });
});

describe('code fences', () => {
  it('show the language and a Copy button, and are highlighted once the fence closes', async () => {
    const container = newContainer();
    const renderer = createStreamingRenderer(container);
    let text = '';
    const say = (more: string) => {
      text += more;
      renderer.update(text, more);
      frames.run();
    };
    say('```js\nconst answer = 42;\n');
    await highlightingSettled();
    const code = () => container.querySelector('pre > code')!;
    expect(container.querySelector('.md-code-lang')!.textContent).toBe('js');
    expect(container.querySelector('[data-testid="copy-code"]')!.textContent).toBe('Copy');
    expect(code().textContent).toBe('const answer = 42;');
    expect(code().querySelector('span')).toBeNull(); // open: not highlighted yet
    say('```\n\nAfter.');
    await highlightingSettled();
    expect(code().textContent).toBe('const answer = 42;');
    expect(code().querySelector('.hljs-keyword')!.textContent).toBe('const');
    expect(code().querySelector('.hljs-number')!.textContent).toBe('42');
  });

  it('a fence that ends the answer is highlighted at end(); an unknown language stays plain', async () => {
    const c = renderAll('```python\ndef f(): pass\n```\n\n```nosuchlang\nx = 1\n```');
    await highlightingSettled();
    const [python, unknown] = [...c.querySelectorAll('pre > code')];
    expect(python!.querySelector('.hljs-keyword')!.textContent).toBe('def');
    expect(unknown!.querySelector('span')).toBeNull();
    expect(unknown!.textContent).toBe('x = 1');
  });

  it('Copy writes the code text to the clipboard and says so', async () => {
    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(window.navigator, 'clipboard', { value: { writeText }, configurable: true });
    const c = renderAll('```sh\necho "hi" && ls\n```');
    await highlightingSettled();
    const button = c.querySelector<HTMLButtonElement>('[data-testid="copy-code"]')!;
    button.click();
    await Promise.resolve();
    await Promise.resolve();
    expect(writeText).toHaveBeenCalledWith('echo "hi" && ls');
    expect(button.textContent).toBe('Copied');
  });
});

describe('the open tail', () => {
  const tailOf = (partial: string) => {
    const container = newContainer();
    const renderer = createStreamingRenderer(container);
    renderer.update(partial, partial);
    frames.run();
    return container;
  };

  it('closes unfinished bold, emphasis, code and links instead of showing markers', () => {
    expect(tailOf('a **bold').querySelector('strong')!.textContent).toBe('bold');
    expect(tailOf('a _em').querySelector('em')!.textContent).toBe('em');
    expect(tailOf('a `code').querySelector('code')!.textContent).toBe('code');
    expect(tailOf('a [link](https://exa').querySelector('a')!.getAttribute('href')).toBe('https://exa');
    expect(tailOf('a **').textContent).toBe('a ');
  });

  it('renders a table as soon as its delimiter row starts', () => {
    const c = tailOf('| a | b |\n|--');
    expect([...c.querySelectorAll('th')].map((th) => th.textContent)).toEqual(['a', 'b']);
  });

  it('applies updates at most once per frame; the first after a pause at once', () => {
    const now = vi.spyOn(window.performance, 'now').mockReturnValue(1_000);
    const container = newContainer();
    const renderer = createStreamingRenderer(container);
    renderer.update('a', 'a');
    // The first words show at once, without waiting for a frame.
    expect(frames.pending).toBe(0);
    expect(container.textContent).toBe('a');
    now.mockReturnValue(1_005);
    renderer.update('ab', 'b');
    now.mockReturnValue(1_010);
    renderer.update('abc', 'c');
    expect(frames.pending).toBe(1);
    expect(container.textContent).toBe('a');
    frames.run();
    expect(container.textContent).toBe('abc');
    // A slow stream: the next words after a pause longer than IDLE_RENDER_MS show at once too.
    now.mockReturnValue(1_010 + IDLE_RENDER_MS);
    renderer.update('abcd', 'd');
    expect(frames.pending).toBe(0);
    expect(container.textContent).toBe('abcd');
    // Not a continuation (an edit): starts over, within the pause so at the next frame.
    now.mockReturnValue(1_010 + IDLE_RENDER_MS + 1);
    renderer.update('ab', 'b');
    expect(frames.pending).toBe(1);
    frames.run();
    expect(container.textContent).toBe('ab');
    renderer.update('abc', 'c');
    renderer.end('abcd');
    expect(container.textContent).toBe('abcd');
    expect(frames.pending).toBe(0);
  });

  it('starts over when the text is not a continuation', () => {
    const container = newContainer();
    const renderer = createStreamingRenderer(container);
    renderer.end('first answer');
    renderer.end('second');
    expect(container.textContent).toBe('second');
  });
});
