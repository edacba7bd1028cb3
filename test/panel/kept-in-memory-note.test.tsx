// @vitest-environment happy-dom
/**
 * The note over a window kept in memory: its Export buttons write every conversation of the
 * background's storage.session copy to a file (JSON that import reads back, or Markdown),
 * skip a record that does not read back, and say when there is nothing to export.
 */
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { KeptInMemoryNote } from '../../src/panel/components/KeptInMemoryNote.tsx';
import { checkImport, existingFrom } from '../../src/panel/history/import.ts';
import { keptInMemoryItem } from '../../src/storage/history/kept-in-memory.ts';
import { newConversationId, type HistoryConversation } from '../../src/storage/history/schema.ts';
import { browserSpeaks } from '../i18n/catalogs.ts';

let root: HTMLElement;
let files: { name: string; type: string; text: Promise<string> }[];

function conversation(question: string, answer: string, at: number): HistoryConversation {
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
  };
}

const $ = (testId: string) => root.querySelector<HTMLElement>(`[data-testid="${testId}"]`);

async function click(testId: string) {
  await act(async () => $(testId)!.click());
  await vi.waitFor(() => expect($('private-export-status')).not.toBeNull());
}

beforeEach(async () => {
  fakeBrowser.reset();
  await browserSpeaks('en');
  files = [];
  // What downloadText hands the browser: the Blob behind the link, and the link's file name.
  const blobs = new Map<string, Blob>();
  vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
    const url = `blob:test/${blobs.size}`;
    blobs.set(url, blob as Blob);
    return url;
  });
  vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    const blob = blobs.get(this.href)!;
    files.push({ name: this.download, type: blob.type, text: blob.text() });
  });
  root = document.createElement('div');
  document.body.append(root);
});

afterEach(() => {
  render(null, root);
  root.remove();
  vi.restoreAllMocks();
});

describe('the note over a window kept in memory', () => {
  it('exports every conversation kept in memory as JSON that import reads back, newest first, skipping a bad record', async () => {
    const older = conversation('What do foxes eat?', 'Almost anything.', Date.UTC(2026, 0, 2));
    const newer = conversation('And owls?', 'Mice, mostly.', Date.UTC(2026, 0, 3));
    await keptInMemoryItem.setValue([older, { id: 'not a conversation' }, newer]);
    render(<KeptInMemoryNote reason="private" />, root);
    expect($('private-note')!.textContent).toContain('Private window');
    await click('private-export-json');
    expect($('private-export-status')!.textContent).toBe('Exported 2 conversations.');
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({ type: 'application/json' });
    expect(files[0]!.name).toMatch(/^aside-conversations-\d{4}-\d\d-\d\d\.json$/);
    const check = checkImport(await files[0]!.text, existingFrom([]));
    expect(check.ok && check.plan.fresh.map((c) => c.id)).toEqual([newer.id, older.id]);
  });

  it('exports them as Markdown, questions and answers', async () => {
    await keptInMemoryItem.setValue([conversation('What do foxes eat?', 'Almost anything.', Date.UTC(2026, 0, 2))]);
    render(<KeptInMemoryNote reason="memory" />, root);
    expect($('private-note')!.textContent).toContain('History could not be opened');
    await click('private-export-markdown');
    expect($('private-export-status')!.textContent).toBe('Exported 1 conversation.');
    const text = await files[0]!.text;
    expect(files[0]!.type).toBe('text/markdown');
    expect(text).toContain('What do foxes eat?');
    expect(text).toContain('Almost anything.');
  });

  it('says when nothing is kept yet, and writes no file', async () => {
    render(<KeptInMemoryNote reason="private" />, root);
    await click('private-export-json');
    expect($('private-export-status')!.textContent).toBe('Nothing to export yet.');
    expect(files).toEqual([]);
  });
});
