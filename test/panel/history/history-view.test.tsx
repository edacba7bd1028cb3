// @vitest-environment happy-dom
/**
 * The history view over a real (fake-indexeddb) store: by day, search with the match marked,
 * rename, pin, delete and undo, the import dry run and its confirmation.
 */
import 'fake-indexeddb/auto';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { exportJson } from '../../../src/panel/history/export.ts';
import { HistoryView } from '../../../src/panel/history/HistoryView.tsx';
import { openHistory, type HistoryStore } from '../../../src/storage/history/db.ts';
import { newConversationId, type HistoryConversation } from '../../../src/storage/history/schema.ts';
import { browserSpeaks } from '../../i18n/catalogs.ts';

let root: HTMLElement;
let store: HistoryStore;
const onOpen = vi.fn();
const onDeleted = vi.fn();
const onNew = vi.fn();
const now = Date.now();

function conversation(question: string, answer: string, ago: number, extra: Partial<HistoryConversation> = {}): HistoryConversation {
  const at = now - ago;
  return {
    version: 1,
    id: newConversationId(at),
    createdAt: at,
    updatedAt: at,
    pinned: false,
    turns: [
      { role: 'user', text: question },
      { role: 'assistant', requestId: `r${at}`, text: answer, status: 'complete' },
    ],
    ...extra,
  };
}

const today = conversation('What do foxes eat?', 'Foxes eat almost anything.', 60_000);
const old = conversation(
  'Tell me about music',
  `${'Music is organised sound. '.repeat(20)}An orchestra tunes its instruments before playing. ${'More text. '.repeat(20)}`,
  10 * 86_400_000,
);

const $ = (id: string) => root.querySelector<HTMLElement>(`[data-testid="${id}"]`);
const $$ = (id: string) => [...root.querySelectorAll<HTMLElement>(`[data-testid="${id}"]`)];
const rowOf = (id: string) => root.querySelector<HTMLElement>(`[data-testid="history-row"][data-id="${id}"]`);
const inRow = (rowId: string, id: string) => rowOf(rowId)!.querySelector<HTMLElement>(`[data-testid="${id}"]`)!;
const titles = () => $$('history-row-title').map((el) => el.textContent);

async function until(condition: () => boolean) {
  await vi.waitFor(
    async () => {
      await act(() => new Promise((r) => setTimeout(r, 10)));
      expect(condition()).toBe(true);
    },
    { timeout: 3_000 },
  );
}

async function type(element: HTMLElement, value: string) {
  await act(async () => {
    (element as HTMLInputElement).value = value;
    element.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

async function click(element: HTMLElement) {
  await act(async () => element.click());
}

beforeEach(async () => {
  await browserSpeaks('en');
  store = await openHistory(`test-view-${Math.random()}`);
  await store.saveMany([today, old]);
  root = document.createElement('div');
  document.body.append(root);
  await act(async () => {
    render(
      <HistoryView store={store} failed={false} busy={false} onOpen={onOpen} onDeleted={onDeleted} onNew={onNew} onClose={() => {}} />,
      root,
    );
  });
  await until(() => $$('history-row').length === 2);
});

afterEach(() => {
  render(null, root);
  root.remove();
  store.close();
  onOpen.mockReset();
  onDeleted.mockReset();
});

describe('history view', () => {
  it('lists a page of conversations, and "Show older conversations" adds the next page', async () => {
    await store.saveMany([
      conversation('A third question', 'Yes.', 20 * 86_400_000),
      conversation('A fourth question', 'No.', 30 * 86_400_000),
    ]);
    render(null, root);
    await act(async () => {
      render(
        <HistoryView store={store} failed={false} busy={false} onOpen={onOpen} onNew={onNew} onClose={() => {}} pageSize={3} />,
        root,
      );
    });
    await until(() => $$('history-row').length === 3);
    expect(titles()).toEqual(['What do foxes eat?', 'Tell me about music', 'A third question']);
    await click($('history-show-more')!);
    await until(() => $$('history-row').length === 4);
    expect(titles().at(-1)).toBe('A fourth question');
    // Four where six were asked for: nothing older to show.
    expect($('history-show-more')).toBeNull();
  });

  it('lists conversations by day, titled by their first question', () => {
    expect($$('history-day').map((el) => el.textContent)).toEqual(['Today', expect.not.stringMatching(/Today|Yesterday/)]);
    expect(titles()).toEqual(['What do foxes eat?', 'Tell me about music']);
  });

  it('search finds a word from an old answer and marks it in a snippet', async () => {
    await type($('history-search')!, 'orchestra');
    await until(() => $$('history-row').length === 1);
    expect(titles()).toEqual(['Tell me about music']);
    expect($$('history-match').map((el) => el.textContent)).toEqual(['orchestra']);
    expect($('history-snippet')!.textContent).toContain('An orchestra tunes');
    expect($('history-status')!.textContent).toBe('1 conversation found.');
    await type($('history-search')!, 'zebra');
    await until(() => $('history-status')!.textContent === 'Nothing found for “zebra”.');
  });

  it('open and new chat are the caller’s', async () => {
    await click(inRow(old.id, 'history-open'));
    expect(onOpen).toHaveBeenCalledWith(old.id);
    await click($('history-new-chat')!);
    expect(onNew).toHaveBeenCalled();
  });

  it('rename, pin, then delete and undo', async () => {
    await click(inRow(old.id, 'history-rename'));
    const input = inRow(old.id, 'history-rename-input');
    await type(input, 'Orchestras');
    await act(async () => void input.closest('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true })));
    await until(() => titles().includes('Orchestras'));
    expect((await store.get(old.id))?.title).toBe('Orchestras');

    await click(inRow(old.id, 'history-pin'));
    await until(() => $$('history-day')[0]?.textContent === 'Pinned');
    expect(titles()).toEqual(['Orchestras', 'What do foxes eat?']);
    expect(inRow(old.id, 'history-pin').getAttribute('aria-label')).toBe('Unpin “Orchestras”');
    expect(onDeleted).not.toHaveBeenCalled();

    await click(inRow(today.id, 'history-delete'));
    await until(() => $$('history-row').length === 1 && $('history-undo') !== null);
    // The background is told, so it deletes the conversation's stream details.
    expect(onDeleted).toHaveBeenCalledTimes(1);
    expect($('history-status')!.textContent).toBe('Deleted “What do foxes eat?”.');
    expect(document.activeElement).toBe($('history-undo'));
    await click($('history-undo')!);
    await until(() => $$('history-row').length === 2);
    expect(await store.get(today.id)).toEqual(today);
  });

  it('import shows a dry run first, then adds only what is new', async () => {
    const fresh = conversation('A new question', 'A new answer', 5_000);
    const text = exportJson([today, fresh, { ...old, version: 3 } as unknown as HistoryConversation], now);
    const file = new File([text], 'export.json', { type: 'application/json' });
    const input = $('history-import-file') as HTMLInputElement;
    Object.defineProperty(input, 'files', { value: [file], configurable: true });
    await act(async () => void input.dispatchEvent(new Event('change', { bubbles: true })));
    await until(() => $('import-dry-run-summary') !== null);
    expect($('import-dry-run-summary')!.textContent).toContain('In “export.json”: 1 new, 1 already there, 1 rejected.');
    expect($('import-dry-run-summary')!.textContent).toContain('Conversation 3: “version” is not valid.');
    expect(await store.count()).toBe(2);
    await click($('import-confirm')!);
    await until(() => $$('history-row').length === 3);
    expect($('history-status')!.textContent).toBe('1 conversation imported.');
    expect(await store.get(fresh.id)).toEqual(fresh);
  });

  it('a file that is not an export is refused with the reason, and nothing is written', async () => {
    const input = $('history-import-file') as HTMLInputElement;
    Object.defineProperty(input, 'files', { value: [new File(['{"hello": 1}'], 'x.json')], configurable: true });
    await act(async () => void input.dispatchEvent(new Event('change', { bubbles: true })));
    await until(() => $('import-dry-run-summary') !== null);
    expect($('import-dry-run-summary')!.textContent).toContain('This file is not an export of Aside conversations.');
    expect($('import-confirm')).toBeNull();
    expect(await store.count()).toBe(2);
  });
});
