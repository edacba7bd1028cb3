// @vitest-environment happy-dom
/**
 * The answer box loads its markdown renderer lazily (markdown/load.ts): it must draw the answer
 * once the renderer arrives, for a finished answer and a streaming one, and show the text plain
 * when the renderer cannot load, so nothing received is lost.
 */
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { browserSpeaks } from '../i18n/catalogs.ts';

let root: HTMLElement;
beforeEach(async () => {
  vi.resetModules();
  await browserSpeaks('en');
  root = document.createElement('div');
  document.body.append(root);
});
afterEach(() => {
  render(null, root);
  root.remove();
  vi.doUnmock('../../src/panel/markdown/index.ts');
});

const settle = async (done: () => boolean) => {
  for (let i = 0; i < 100 && !done(); i++) await act(() => new Promise((resolve) => setTimeout(resolve, 10)));
};
const box = () => root.querySelector<HTMLElement>('[data-testid="answer-text"]')!;

describe('answer box', () => {
  it('renders a finished answer as markdown once the renderer has loaded', async () => {
    const { AnswerBody } = await import('../../src/panel/components/AnswerBody.tsx');
    await act(() => render(<AnswerBody text={'# Title\n\nSome **bold** words.'} streaming={false} />, root));
    await settle(() => box().querySelector('h1') !== null);
    expect(box().querySelector('h1')?.textContent).toBe('Title');
    expect(box().querySelector('strong')?.textContent).toBe('bold');
  });

  it('keeps every delta of a stream that started before the renderer loaded', async () => {
    const { AnswerBody } = await import('../../src/panel/components/AnswerBody.tsx');
    await act(() => render(<AnswerBody text="One " streaming={true} />, root));
    await act(() => render(<AnswerBody text="One two " streaming={true} />, root));
    await act(() => render(<AnswerBody text="One two *three*" streaming={false} />, root));
    await settle(() => box().querySelector('em') !== null);
    expect(box().textContent).toBe('One two three');
  });

  it('shows the text plain when the renderer cannot load', async () => {
    vi.doMock('../../src/panel/markdown/index.ts', () => {
      throw new Error('chunk gone (extension updated)');
    });
    const { AnswerBody } = await import('../../src/panel/components/AnswerBody.tsx');
    await act(() => render(<AnswerBody text={'Kept **as** typed'} streaming={false} />, root));
    await settle(() => box().textContent !== '');
    expect(box().textContent).toBe('Kept **as** typed');
    expect(box().classList.contains('md')).toBe(false);
  });
});
