/** The draft and staged selection kept per conversation, so closing the panel loses nothing typed. */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { PageSelection } from '../../src/shared/schemas.ts';

async function start() {
  vi.resetModules();
  return import('../../src/storage/drafts.ts');
}
beforeEach(() => {
  fakeBrowser.reset();
});
const page = (text: string): PageSelection => ({
  text,
  url: 'https://example.test/',
  title: 'T',
  originalLength: text.length,
  truncated: false,
});

describe('drafts', () => {
  it('once read, a draft is written without a read first: the write as the panel closes is sent before the page goes', async () => {
    const { loadDraft, saveDraft } = await start();
    await loadDraft('c1', false);
    const set = vi.spyOn(fakeBrowser.storage.local, 'set');
    // A real read is a round trip to the browser: a macrotask at least.
    const read = fakeBrowser.storage.local.get.bind(fakeBrowser.storage.local);
    vi.spyOn(fakeBrowser.storage.local, 'get').mockImplementation(
      ((keys: never) => new Promise((resolve) => setTimeout(() => resolve(read(keys)), 0))) as never,
    );
    void saveDraft('c1', { draft: 'Typed as it closed', selection: null }, false);
    // Microtasks only: no round trip to storage (a macrotask) before the write goes out.
    for (let i = 0; i < 50; i++) await Promise.resolve();
    expect(set).toHaveBeenCalledWith(expect.objectContaining({ drafts: [expect.objectContaining({ draft: 'Typed as it closed' })] }));
  });

  it('a context that never read them (the background) reads before each write, so it keeps what a panel just wrote', async () => {
    const background = await start();
    await background.saveDraft('c1', { draft: 'Kept by the background', selection: null }, false);
    const panel = await start();
    await panel.saveDraft('c2', { draft: 'Written by a panel', selection: null }, false);
    // At once, before any storage change could be heard.
    await background.saveDraft('c3', { draft: 'Another closing panel', selection: null }, false);
    const { loadDraft } = await start();
    expect(await loadDraft('c1', false)).toEqual({ draft: 'Kept by the background', selection: null });
    expect(await loadDraft('c2', false)).toEqual({ draft: 'Written by a panel', selection: null });
    expect(await loadDraft('c3', false)).toEqual({ draft: 'Another closing panel', selection: null });
  });

  it('what another panel wrote meanwhile is kept by the next write here', async () => {
    const here = await start();
    await here.loadDraft('c1', false);
    const there = await start();
    await there.saveDraft('c2', { draft: 'From the other window', selection: null }, false);
    await vi.waitFor(async () => {
      await here.saveDraft('c1', { draft: 'From this window', selection: null }, false);
      const { loadDraft } = await start();
      expect(await loadDraft('c2', false)).toEqual({ draft: 'From the other window', selection: null });
      expect(await loadDraft('c1', false)).toEqual({ draft: 'From this window', selection: null });
    });
  });

  it('are kept per conversation and read back by a new panel', async () => {
    const { saveDraft } = await start();
    await saveDraft('c1', { draft: 'Half a question', selection: page('The staged text.') }, false);
    await saveDraft('c2', { draft: 'Another', selection: null }, false);
    const { loadDraft } = await start();
    expect(await loadDraft('c1', false)).toEqual({ draft: 'Half a question', selection: page('The staged text.') });
    expect(await loadDraft('c2', false)).toEqual({ draft: 'Another', selection: null });
    expect(await loadDraft('c3', false)).toBeNull();
  });

  it('an empty composer forgets its conversation’s draft', async () => {
    const { saveDraft, loadDraft } = await start();
    await saveDraft('c1', { draft: 'Typed', selection: null }, false);
    await saveDraft('c1', { draft: '', selection: null }, false);
    expect(await loadDraft('c1', false)).toBeNull();
    expect((await fakeBrowser.storage.local.get<Record<string, unknown>>('drafts')).drafts).toEqual([]);
  });

  it('a private window’s drafts stay in storage.session, never on disk', async () => {
    const { saveDraft, loadDraft } = await start();
    await saveDraft('p1', { draft: 'Private words', selection: null }, true);
    expect(await loadDraft('p1', true)).toEqual({ draft: 'Private words', selection: null });
    expect(await loadDraft('p1', false)).toBeNull();
    expect(JSON.stringify(await fakeBrowser.storage.local.get(null))).not.toContain('Private words');
  });

  it('keeps the newest MAX_DRAFTS conversations', async () => {
    const { saveDraft, loadDraft, MAX_DRAFTS } = await start();
    for (let i = 0; i <= MAX_DRAFTS; i++) await saveDraft(`c${i}`, { draft: `d${i}`, selection: null }, false, 1_000 + i);
    expect(await loadDraft('c0', false)).toBeNull();
    expect(await loadDraft(`c${MAX_DRAFTS}`, false)).toEqual({ draft: `d${MAX_DRAFTS}`, selection: null });
    expect(await loadDraft('c1', false)).toEqual({ draft: 'd1', selection: null });
  });

  it('a staged text too large for storage.local is not kept; the draft is', async () => {
    const { saveDraft, loadDraft, MAX_STORED_SELECTION_CHARS } = await start();
    await saveDraft('c1', { draft: 'About this', selection: page('x'.repeat(MAX_STORED_SELECTION_CHARS + 1)) }, false);
    expect(await loadDraft('c1', false)).toEqual({ draft: 'About this', selection: null });
  });

  it('junk in storage reads as no draft, without a notice', async () => {
    await fakeBrowser.storage.local.set({ drafts: [{ conversationId: 5 }], drafts$: { v: 1 } });
    const { loadDraft } = await start();
    expect(await loadDraft('c1', false)).toBeNull();
    const { takeStorageProblems } = await import('../../src/storage/item.ts');
    expect(takeStorageProblems()).toEqual([]);
  });
});
