/**
 * Stream details outlive the background: written once when an answer ends, served from
 * memory first, then from disk after a restart (memory and module state forgotten, the
 * databases kept). Private windows, a database that cannot be opened and a full disk keep
 * them in memory only, without a word to the panel; deleted conversations lose theirs.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { BackgroundMessage, PanelMessage, StreamDetails } from '../../src/messaging/protocol.ts';
import { PANEL_PORT_NAME } from '../../src/messaging/protocol.ts';
import { resetConversationsForTests } from '../../src/background/conversations.ts';
import { resetKeptDetailsForTests, type KeptDetailsDeps } from '../../src/background/kept-details.ts';
import { resetLiveAnswersForTests } from '../../src/background/live-answers.ts';
import { openDetails, type DetailsStore } from '../../src/storage/details/db.ts';
import { openHistory } from '../../src/storage/history/db.ts';
import { saveApiKey } from '../../src/storage/keys.ts';
import { settle, type FakePort } from '../fake-port.ts';
import { anthropicSse, chunkedResponse } from '../helpers/anthropic-sse.ts';
import { startTestBackground } from '../helpers/background.ts';

let historyName: string;
let detailsName: string;
let fetchMock: ReturnType<typeof vi.fn<typeof fetch>>;
let incognitoTabs: Set<number>;
const SSE = anthropicSse(['Kept ', 'on ', 'disk.']);

/** This background's databases (the same after a restart), and these details dependencies. */
function useDatabases(details: Partial<KeptDetailsDeps> = {}) {
  resetConversationsForTests({
    openDisk: () => openHistory(historyName),
    getTab: (tabId) => Promise.resolve({ title: 'Page', url: 'https://example.test/', incognito: incognitoTabs.has(tabId) }),
  });
  resetKeptDetailsForTests({ openDisk: () => openDetails(detailsName), ...details });
}

/** The worker stopped and started again: nothing in memory, the same databases. */
function restart(details: Partial<KeptDetailsDeps> = {}) {
  resetLiveAnswersForTests();
  useDatabases(details);
}

const received = (port: FakePort) => port.received as BackgroundMessage[];

async function openPanel(tabId: number): Promise<{ port: FakePort; conversationId: string }> {
  const port = fakeBrowser.runtime.connect({ name: PANEL_PORT_NAME }) as unknown as FakePort;
  port.postMessage({ type: 'hello', windowId: 1, tabId });
  await vi.waitFor(() => expect(received(port).some((m) => m.type === 'conversation')).toBe(true));
  const conversation = received(port).findLast((m) => m.type === 'conversation')!;
  return { port, conversationId: conversation.id };
}

/** Asks in the panel's conversation and waits for the end. */
async function answer(port: FakePort, conversationId: string, requestId: string): Promise<void> {
  fetchMock.mockResolvedValueOnce(chunkedResponse(SSE, 5));
  const turns: PanelMessage & { type: 'conversation.save' } = {
    type: 'conversation.save',
    id: conversationId,
    turns: [
      { role: 'user', text: 'Tell me.' },
      { role: 'assistant', requestId, text: '', status: 'streaming' },
    ],
  };
  port.postMessage(turns);
  port.postMessage({ type: 'ask', requestId, turns: [{ role: 'user', text: 'Tell me.' }] });
  await vi.waitFor(() => expect(received(port).some((m) => m.type === 'end' && m.requestId === requestId)).toBe(true), {
    timeout: 5_000,
  });
  await settle();
}

async function detailsOf(port: FakePort, requestId: string): Promise<StreamDetails | null> {
  const before = received(port).length;
  port.postMessage({ type: 'stream-details', requestId });
  const reply = await vi.waitFor(() => {
    const found = received(port)
      .slice(before)
      .find((m) => m.type === 'stream-details' && m.requestId === requestId);
    expect(found).toBeDefined();
    return found as Extract<BackgroundMessage, { type: 'stream-details' }>;
  });
  return reply.details;
}

/** Waits until the write at the answer's end has reached the database. */
async function storedIds(): Promise<string[]> {
  const store = await openDetails(detailsName);
  try {
    return (await store.entries()).map((entry) => entry.requestId);
  } finally {
    store.close();
  }
}

beforeEach(async () => {
  startTestBackground();
  historyName = `test-history-${Math.random()}`;
  detailsName = `test-details-${Math.random()}`;
  incognitoTabs = new Set();
  useDatabases();
  fetchMock = vi.fn<typeof fetch>();
  vi.stubGlobal('fetch', fetchMock);
  await saveApiKey('sk-ant-kept', 'anthropic');
});

afterEach(() => vi.unstubAllGlobals());

describe('stream details after the background restarts', () => {
  it('are served from disk, the same as from memory, with the body byte for byte', async () => {
    const { port, conversationId } = await openPanel(4);
    await answer(port, conversationId, 'k1');
    const fromMemory = await detailsOf(port, 'k1');
    expect(fromMemory?.sse).toBe(SSE);
    await vi.waitFor(async () => expect(await storedIds()).toEqual(['k1']));

    port.disconnect();
    restart();
    const again = await openPanel(4);
    expect(again.conversationId).toBe(conversationId);
    const fromDisk = await detailsOf(again.port, 'k1');
    expect(fromDisk).toEqual(fromMemory);
    expect(fromDisk?.events.map((event) => event.event)).toContain('message_stop');
    expect(fromDisk?.request?.headers).toContainEqual(['x-api-key', '$ASIDE_API_KEY']);
    expect(JSON.stringify(fromDisk)).not.toContain('sk-ant-kept');
    // Not one this background or the disk ever had.
    expect(await detailsOf(again.port, 'never')).toBeNull();
  });

  it('a record on disk that does not read back (damaged, or of an older build) is "no longer kept", not a silent drop', async () => {
    const { port, conversationId } = await openPanel(4);
    await answer(port, conversationId, 'k9');
    await vi.waitFor(async () => expect(await storedIds()).toEqual(['k9']));
    const store = await openDetails(detailsName);
    const stored = (await store.get('k9'))!;
    store.close();
    // The same record with its event list damaged, written as the store writes it.
    const { openDB } = await import('idb');
    const db = await openDB(detailsName);
    await db.put('details', { ...stored, details: { ...stored.details, events: 'not a list' } });
    db.close();
    port.disconnect();
    restart();
    const again = await openPanel(4);
    // The port's outgoing check (panel-ports.ts) turns it into "none kept" rather than drop it.
    expect(await detailsOf(again.port, 'k9')).toBeNull();
  });

  it('are not given to a panel showing another conversation', async () => {
    const { port, conversationId } = await openPanel(4);
    await answer(port, conversationId, 'k2');
    await vi.waitFor(async () => expect(await storedIds()).toEqual(['k2']));
    restart();
    const other = await openPanel(9);
    expect(other.conversationId).not.toBe(conversationId);
    expect(await detailsOf(other.port, 'k2')).toBeNull();
  });

  it('of a private window are kept in memory only', async () => {
    incognitoTabs.add(6);
    const { port, conversationId } = await openPanel(6);
    await answer(port, conversationId, 'p1');
    expect((await detailsOf(port, 'p1'))?.sse).toBe(SSE);
    await settle();
    expect(await storedIds()).toEqual([]);
    restart();
    expect(await detailsOf((await openPanel(6)).port, 'p1')).toBeNull();
  });

  it('are not written when the background itself runs in a private context', async () => {
    const openDisk = vi.fn(() => openDetails(detailsName));
    useDatabases({ openDisk, privateContext: () => true });
    const { port, conversationId } = await openPanel(4);
    await answer(port, conversationId, 'p2');
    expect((await detailsOf(port, 'p2'))?.sse).toBe(SSE);
    expect(openDisk).not.toHaveBeenCalled();
  });

  it('stay in memory when the database cannot be opened (Firefox private windows), and nothing throws', async () => {
    useDatabases({ openDisk: () => Promise.reject(new DOMException('A mutation operation was attempted', 'InvalidStateError')) });
    const { port, conversationId } = await openPanel(4);
    await answer(port, conversationId, 'f1');
    expect((await detailsOf(port, 'f1'))?.sse).toBe(SSE);
    expect(received(port).filter((m) => m.type === 'notice')).toEqual([]);
    restart({ openDisk: () => Promise.reject(new DOMException('broken', 'UnknownError')) });
    expect(await detailsOf((await openPanel(4)).port, 'f1')).toBeNull();
  });

  it('stay in memory on a full disk, without a word to the panel', async () => {
    const put = vi.fn<DetailsStore['put']>(() => Promise.reject(new DOMException('full', 'QuotaExceededError')));
    useDatabases({ openDisk: async () => ({ ...(await openDetails(detailsName)), put }) });
    const { port, conversationId } = await openPanel(4);
    await answer(port, conversationId, 'q1');
    expect(put).toHaveBeenCalledTimes(1);
    expect((await detailsOf(port, 'q1'))?.sse).toBe(SSE);
    expect(received(port).filter((m) => m.type === 'notice')).toEqual([]);
    expect(await storedIds()).toEqual([]);
  });

  it('go when their conversation is deleted from history; other conversations keep theirs', async () => {
    const first = await openPanel(4);
    await answer(first.port, first.conversationId, 'd1');
    const second = await openPanel(5);
    await answer(second.port, second.conversationId, 'd2');
    await vi.waitFor(async () => expect(await storedIds()).toEqual(['d1', 'd2']));
    // The panel deletes from history itself, then tells the background.
    const history = await openHistory(historyName);
    await history.remove(first.conversationId);
    history.close();
    first.port.postMessage({ type: 'history.deleted' });
    await vi.waitFor(async () => expect(await storedIds()).toEqual(['d2']));
  });
});
