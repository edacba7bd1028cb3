import { describe, expect, it } from 'vitest';
import { markdownToPlainText } from '../../../src/panel/markdown/plain-text.ts';

describe('markdownToPlainText (Copy as text)', () => {
  it('drops inline markup and keeps the words', () => {
    expect(markdownToPlainText('Some **bold**, _em_, ~~gone~~ and `code` &amp; more.')).toBe('Some bold, em, gone and code & more.');
  });

  it('keeps a link’s address after its words, once when they are the same', () => {
    expect(markdownToPlainText('[the docs](https://a.example/docs) and https://b.example')).toBe(
      'the docs (https://a.example/docs) and https://b.example',
    );
  });

  it('one block per paragraph, headings as lines, hr dropped', () => {
    expect(markdownToPlainText('# Title\n\nOne.\n\n---\n\nTwo.')).toBe('Title\n\nOne.\n\nTwo.');
  });

  it('lists keep their markers, numbers, boxes and nesting', () => {
    expect(markdownToPlainText('- one\n- two\n  - nested\n\n3. c\n4. d\n\n- [x] done\n- [ ] todo')).toBe(
      '- one\n- two\n  - nested\n\n3. c\n4. d\n\n- [x] done\n- [ ] todo',
    );
  });

  it('code is kept exactly, tables as tab-separated rows, quotes as their text', () => {
    expect(markdownToPlainText('```js\nconst x = 1;\n  y();\n```\n\n| A | B |\n|---|---|\n| 1 | **2** |\n\n> quoted')).toBe(
      'const x = 1;\n  y();\n\nA\tB\n1\t2\n\nquoted',
    );
  });

  it('raw HTML stays text, images become their alt text, hard breaks new lines', () => {
    expect(markdownToPlainText('<b>raw</b>\n\n![a fox](https://x.example/f.png) ok  \nnext')).toBe('<b>raw</b>\n\na fox ok\nnext');
  });
});
