import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { AnswerSink } from '../../src/background/answers/sink.ts';
import {
  conversationForTab,
  describe as describeConversation,
  finishTracking,
  migrateCurrentConversation,
  newInTab,
  onStorageState,
  openInTab,
  recoverInterrupted,
  resetConversationsForTests,
  saveFromPanel,
  STREAM_WRITE_INTERVAL_MS,
  trackAnswer,
  type ConversationDeps,
} from '../../src/background/conversations.ts';
import type { StoredTurn } from '../../src/shared/stored-turn.ts';
import { loadConversation, saveConversation } from '../../src/storage/conversation.ts';
import { openHistory, type HistoryStore } from '../../src/storage/history/db.ts';

let dbName: string;
let store: HistoryStore;
let clock = 1_800_000_000_000;
let tabs: Record<number, { title?: string; url?: string; favIconUrl?: string; incognito?: boolean }>;

function reset(extra: Partial<ConversationDeps> = {}) {
  resetConversationsForTests({
    openDisk: () => openHistory(dbName),
    getTab: (tabId) => Promise.resolve(tabs[tabId] as never),
    now: () => (clock += 10),
    ...extra,
  });
}

/** A sink as far as conversations.ts reads it: its snapshot, and its events. */
function fakeSink(): AnswerSink & { text: string; end(outcome?: 'complete' | 'stopped'): void } {
  const state = {
    text: '',
    final: null as null | { type: 'end'; requestId: string; seq: number; stopReason: string | null; outcome: 'complete' | 'stopped' },
  };
  return {
    get text() {
      return state.text;
    },
    set text(value: string) {
      state.text = value;
    },
    end(outcome: 'complete' | 'stopped' = 'complete') {
      state.final = { type: 'end', requestId: 'r', seq: 0, stopReason: 'end_turn', outcome };
    },
    snapshot: () => ({ text: state.text, thinking: '', usage: {}, toolCalls: [], stopReason: null, final: state.final }),
    on: () => () => {},
  } as unknown as AnswerSink & { text: string; end(outcome?: 'complete' | 'stopped'): void };
}

const question: StoredTurn = { role: 'user', text: 'Why is the sky blue?' };
const streaming = (requestId: string): StoredTurn => ({ role: 'assistant', requestId, text: '', status: 'streaming' });

beforeEach(async () => {
  fakeBrowser.reset();
  dbName = `conv-${Math.random()}`;
  tabs = {
    1: { title: 'Sky', url: 'https://sky.test/', favIconUrl: 'data:image/png;base64,AA==' },
    2: { title: 'Sea', url: 'https://sea.test/' },
  };
  reset();
  store = await openHistory(dbName);
});
afterEach(() => {
  vi.useRealTimers();
  store.close();
});

describe('one conversation per tab', () => {
  it('two tabs keep two conversations, each with its page, and never overwrite each other', async () => {
    const one = await conversationForTab(1);
    const two = await conversationForTab(2);
    expect(one.id).not.toBe(two.id);
    expect(one.page).toEqual({ title: 'Sky', url: 'https://sky.test/', favicon: 'data:image/png;base64,AA==' });
    await saveFromPanel(one.id, 1, [question]);
    await saveFromPanel(two.id, 2, [{ role: 'user', text: 'Why is the sea salty?' }]);
    expect((await store.get(one.id))?.turns).toEqual([question]);
    expect((await store.get(two.id))?.turns).toEqual([{ role: 'user', text: 'Why is the sea salty?' }]);
    expect((await store.get(two.id))?.page?.url).toBe('https://sea.test/');
    // The same tab asks again: the same conversation.
    expect((await conversationForTab(1)).id).toBe(one.id);
  });

  it('conversation.new starts another in the tab; conversation.open brings an old one back, taking it from another tab', async () => {
    const first = await conversationForTab(1);
    await saveFromPanel(first.id, 1, [question]);
    const second = await newInTab(1);
    expect(second.id).not.toBe(first.id);
    expect((await conversationForTab(1)).id).toBe(second.id);
    const reopened = await openInTab(2, first.id);
    expect(reopened?.turns).toEqual([question]);
    expect((await conversationForTab(2)).id).toBe(first.id);
    expect(await openInTab(2, 'no-such-id')).toBeNull();
  });

  it('opens a conversation from history after a restart (nothing cached)', async () => {
    const first = await conversationForTab(1);
    await saveFromPanel(first.id, 1, [question]);
    reset();
    const reopened = await openInTab(1, first.id);
    expect(reopened).toMatchObject({ id: first.id, turns: [question], page: { url: 'https://sky.test/' } });
  });

  it('an empty save (a conversation just started) writes nothing', async () => {
    const c = await conversationForTab(1);
    await saveFromPanel(c.id, 1, []);
    expect(await store.count()).toBe(0);
  });
});

describe('the background writes answers as they stream', () => {
  it('writes the text at least every second while it streams, and the end', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] }); // IndexedDB's own timers stay real
    const c = await conversationForTab(1);
    await saveFromPanel(c.id, 1, [question, streaming('r1')]);
    const sink = fakeSink();
    trackAnswer(c.id, 'r1', sink);
    sink.text = 'Because of Rayleigh';
    await vi.advanceTimersByTimeAsync(STREAM_WRITE_INTERVAL_MS);
    await vi.waitFor(async () =>
      expect((await store.get(c.id))?.turns[1]).toMatchObject({ text: 'Because of Rayleigh', status: 'streaming' }),
    );
    sink.text = 'Because of Rayleigh scattering.';
    await vi.advanceTimersByTimeAsync(STREAM_WRITE_INTERVAL_MS);
    await vi.waitFor(async () => expect((await store.get(c.id))?.turns[1]).toMatchObject({ text: 'Because of Rayleigh scattering.' }));
    sink.end();
    await finishTracking('r1');
    expect((await store.get(c.id))?.turns[1]).toMatchObject({
      text: 'Because of Rayleigh scattering.',
      status: 'complete',
      stopReason: 'end_turn',
    });
    expect(await fakeBrowser.storage.local.get('historyStreaming')).toEqual({});
  });

  it('a panel save during the stream keeps the background’s text (the panel may be behind)', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] }); // IndexedDB's own timers stay real
    const c = await conversationForTab(1);
    await saveFromPanel(c.id, 1, [question, streaming('r1')]);
    const sink = fakeSink();
    trackAnswer(c.id, 'r1', sink);
    sink.text = 'Newer text';
    await saveFromPanel(c.id, 1, [question, { role: 'assistant', requestId: 'r1', text: 'Old', status: 'streaming' }]);
    expect((await store.get(c.id))?.turns[1]).toMatchObject({ text: 'Newer text' });
  });

  it('an answer that ended while the panel was away keeps its end when the panel saves stale turns', async () => {
    const c = await conversationForTab(1);
    await saveFromPanel(c.id, 1, [question, streaming('r1')]);
    const sink = fakeSink();
    trackAnswer(c.id, 'r1', sink);
    sink.text = 'Done.';
    sink.end();
    await finishTracking('r1');
    await saveFromPanel(c.id, 1, [question, { role: 'assistant', requestId: 'r1', text: 'Do', status: 'streaming' }]);
    expect((await store.get(c.id))?.turns[1]).toMatchObject({ text: 'Done.', status: 'complete' });
  });

  it('an answer the worker or browser died in is marked interrupted on the next start, keeping its text', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] }); // IndexedDB's own timers stay real
    const c = await conversationForTab(1);
    await saveFromPanel(c.id, 1, [question, streaming('r1')]);
    const sink = fakeSink();
    trackAnswer(c.id, 'r1', sink);
    sink.text = 'Half an ans';
    await vi.advanceTimersByTimeAsync(STREAM_WRITE_INTERVAL_MS);
    await vi.waitFor(async () => expect((await store.get(c.id))?.turns[1]).toMatchObject({ text: 'Half an ans' }));
    vi.useRealTimers();
    reset(); // the worker dies: memory is gone, storage.local and IndexedDB are not
    await recoverInterrupted();
    expect((await store.get(c.id))?.turns[1]).toMatchObject({ text: 'Half an ans', status: 'interrupted' });
    expect(await fakeBrowser.storage.local.get('historyStreaming')).toEqual({});
    // And the panel is sent it as interrupted.
    const again = await conversationForTab(1);
    expect((await describeConversation(again)).turns[1]).toMatchObject({ status: 'interrupted' });
  });
});

describe('migration of the old single conversation', () => {
  it('moves storage.local currentConversation into history once', async () => {
    await saveConversation({
      turns: [
        {
          role: 'user',
          text: 'Old question',
          selection: { text: 'x', url: 'https://old.test/', title: 'Old page', originalLength: 1, truncated: false },
        },
        { role: 'assistant', requestId: 'old1', text: 'Old answer', status: 'streaming' },
      ],
      selection: null,
      draft: '',
    });
    const id = await migrateCurrentConversation();
    expect(id).not.toBeNull();
    const moved = await store.get(id!);
    expect(moved?.turns[0]).toMatchObject({ text: 'Old question' });
    expect(moved?.turns[1]).toMatchObject({ text: 'Old answer', status: 'interrupted' });
    expect(moved?.page).toEqual({ title: 'Old page', url: 'https://old.test/' });
    expect(await loadConversation()).toBeNull();
    expect(await migrateCurrentConversation()).toBeNull();
    expect(await store.count()).toBe(1);
  });

  it('an empty old conversation is just removed', async () => {
    await saveConversation({ turns: [], selection: null, draft: 'typed' });
    expect(await migrateCurrentConversation()).toBeNull();
    expect(await loadConversation()).toBeNull();
    expect(await store.count()).toBe(0);
  });
});

describe('private windows and a full disk', () => {
  it('a private tab’s conversation stays in memory and storage.session, never in IndexedDB', async () => {
    tabs[3] = { title: 'Secret', url: 'https://secret.test/', incognito: true };
    const c = await conversationForTab(3);
    await saveFromPanel(c.id, 3, [question]);
    expect(await store.count()).toBe(0);
    expect((await describeConversation(c)).storage).toBe('private');
    const session: { privateConversations?: { id: string }[] } = await fakeBrowser.storage.session.get('privateConversations');
    expect(session.privateConversations?.map((x) => x.id)).toEqual([c.id]);
    // A restarted event page still has it (from storage.session).
    reset();
    expect((await openInTab(3, c.id))?.turns).toEqual([question]);
  });

  it('IndexedDB that cannot be opened: everything stays in memory, nothing throws', async () => {
    reset({
      openDisk: () =>
        Promise.reject(
          new DOMException('A mutation operation was attempted on a database that did not allow mutations.', 'InvalidStateError'),
        ),
    });
    const c = await conversationForTab(1);
    await expect(saveFromPanel(c.id, 1, [question])).resolves.toBeUndefined();
    expect((await describeConversation(c)).storage).toBe('memory');
    expect((await openInTab(2, c.id))?.turns).toEqual([question]);
  });

  it('QuotaExceededError keeps the answer in memory and says so, without throwing', async () => {
    const real = await openHistory(`${dbName}-full`);
    const full: HistoryStore = { ...real, saveTurns: () => Promise.reject(new DOMException('full', 'QuotaExceededError')) };
    reset({ openDisk: () => Promise.resolve(full) });
    const states: string[] = [];
    onStorageState((_id, state) => states.push(state));
    const c = await conversationForTab(1);
    await saveFromPanel(c.id, 1, [question, streaming('r1')]);
    const sink = fakeSink();
    trackAnswer(c.id, 'r1', sink);
    sink.text = 'Kept in memory.';
    sink.end();
    await expect(finishTracking('r1')).resolves.toBeUndefined();
    expect(states).toEqual(['full']);
    expect((await describeConversation(c)).storage).toBe('full');
    expect((await describeConversation(c)).turns[1]).toMatchObject({ text: 'Kept in memory.', status: 'complete' });
    real.close();
  });

  it('a full disk keeps every later write of the answer in flight in memory and storage.session, and goes back to disk once it has room', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] }); // IndexedDB's own timers stay real
    const real = await openHistory(`${dbName}-full`);
    let room = false;
    const full: HistoryStore = {
      ...real,
      saveTurns: (id, patch) => (room ? real.saveTurns(id, patch) : Promise.reject(new DOMException('full', 'QuotaExceededError'))),
    };
    reset({ openDisk: () => Promise.resolve(full) });
    const states: string[] = [];
    onStorageState((_id, state) => states.push(state));
    const c = await conversationForTab(1);
    await saveFromPanel(c.id, 1, [question, streaming('r1')]);
    const sink = fakeSink();
    trackAnswer(c.id, 'r1', sink);
    const kept = async () => {
      const session: { privateConversations?: { id: string; turns: { text: string }[] }[] } =
        await fakeBrowser.storage.session.get('privateConversations');
      return session.privateConversations?.find((x) => x.id === c.id)?.turns[1]?.text;
    };
    sink.text = 'First part';
    await vi.advanceTimersByTimeAsync(STREAM_WRITE_INTERVAL_MS);
    await vi.waitFor(async () => expect(await kept()).toBe('First part'));
    // A later write, while the disk still refuses: the memory copy follows the stream (not only the first write).
    sink.text = 'First part, and the second.';
    await vi.advanceTimersByTimeAsync(STREAM_WRITE_INTERVAL_MS);
    await vi.waitFor(async () => expect(await kept()).toBe('First part, and the second.'));
    expect(states).toEqual(['full']);
    // A restarted worker finds the newest text (memory comes before the disk's older copy) and knows it is not on disk.
    reset({ openDisk: () => Promise.resolve(full) });
    const reopened = await openInTab(2, c.id);
    expect(reopened?.turns[1]).toMatchObject({ text: 'First part, and the second.' });
    expect((await describeConversation(reopened!)).storage).toBe('full');
    // Room again (old conversations cleared): the next write goes to disk, the panel hears 'disk'.
    reset({ openDisk: () => Promise.resolve(full) });
    onStorageState((_id, state) => states.push(state));
    room = true;
    const back = await openInTab(2, c.id);
    await saveFromPanel(c.id, 2, back!.turns);
    expect(states).toEqual(['full', 'disk']);
    expect((await real.get(c.id))?.turns[1]).toMatchObject({ text: 'First part, and the second.' });
    expect(await kept()).toBeUndefined();
    expect((await describeConversation(back!)).storage).toBe('disk');
    real.close();
  });
});
