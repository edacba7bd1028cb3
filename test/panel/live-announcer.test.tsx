// @vitest-environment happy-dom
/** The live region, rendered: a streaming answer is announced a few sentences at a time, then its end. */
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LiveAnnouncer } from '../../src/panel/components/LiveAnnouncer.tsx';
import type { AnswerStatus, Turn } from '../../src/panel/state.ts';
import { browserSpeaks } from '../i18n/catalogs.ts';

let root: HTMLElement;

const turns = (text: string, status: AnswerStatus, requestId = 'r1'): Turn[] => [
  { role: 'user', text: 'Tell me' },
  { role: 'assistant', requestId, text, status, lastSeq: 0, ...(status === 'failed' ? { error: { code: 'auth' } } : {}) },
];
const announced = () => [...root.querySelectorAll('[data-testid="announcement"]')].map((p) => p.textContent);

async function elapse(ms: number) {
  await act(async () => {
    await vi.advanceTimersByTimeAsync(ms);
  });
}

async function show(list: Turn[]) {
  await act(() => {
    render(<LiveAnnouncer turns={list} />, root);
  });
}

beforeEach(async () => {
  vi.useFakeTimers();
  await browserSpeaks('en');
  root = document.createElement('div');
  document.body.append(root);
});

afterEach(() => {
  render(null, root);
  root.remove();
  vi.useRealTimers();
});

describe('LiveAnnouncer', () => {
  it('is a polite log, not read token by token, and says when the answer is complete', async () => {
    await show(turns('', 'streaming'));
    const region = root.querySelector('[data-testid="live-announcer"]')!;
    expect(region.getAttribute('role')).toBe('log');
    expect(region.getAttribute('aria-live')).toBe('polite');

    let text = '';
    for (let i = 0; i < 30; i++) {
      text += i % 3 === 2 ? `word${i}. ` : `word${i} `;
      await show(turns(text, 'streaming'));
      await elapse(100);
    }
    const during = announced();
    expect(during.length).toBeGreaterThanOrEqual(1);
    expect(during.length).toBeLessThanOrEqual(2);
    expect(during[0]).toMatch(/^word0 word1 word2\. /u);

    // Nothing new arrives, but what waited is read when its time comes.
    await elapse(3_000);
    await show(turns(`${text}Last`, 'complete'));
    const all = announced();
    expect(all.at(-1)).toMatch(/Last Answer complete\.$/u);
    expect(all.join(' ').match(/word\d+/gu)).toEqual(Array.from({ length: 30 }, (_, i) => `word${i}`));
  });

  it('says why an answer failed, in the interface language', async () => {
    await show(turns('', 'streaming'));
    await show(turns('', 'failed'));
    expect(announced().at(-1)).toMatch(/^Answer failed: .*API key/u);
  });

  it('reads nothing of a conversation restored at mount', async () => {
    await show(turns('An old answer.', 'complete', 'old'));
    await elapse(10_000);
    expect(announced()).toEqual([]);
  });
});
