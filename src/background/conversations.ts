/**
 * Conversations, one per tab, and every write to history. The background owns the writes:
 * it outlives the panel, so an answer keeps being saved after its panel closed.
 *
 * - A tab has one conversation (tab id → conversation id, also in `storage.session`, so a
 *   restarted worker still knows it). A panel binds to a tab; two tabs never share one.
 * - While an answer streams, its text is written at least every second and at the end.
 *   Ids of conversations with an answer in flight are kept in `storage.local`: if the worker
 *   or the browser dies mid-answer, the next start marks those answers interrupted (they
 *   keep the text written).
 * - Private (incognito) tabs: extension IndexedDB is broken in Firefox private windows, and
 *   such conversations must not reach the disk anyway. They live in memory and
 *   `storage.session`. So does everything when IndexedDB cannot be opened at all.
 * - A full disk (QuotaExceededError): the conversation stays in memory, the panel is told.
 */
import * as v from 'valibot';
import type { Browser } from 'wxt/browser';
import { MAX_PORT_TEXT_CHARS, MAX_SHORT_TEXT_CHARS, MAX_URL_CHARS } from '../shared/limits.ts';
import type { StoredAssistantTurn, StoredTurn } from '../shared/stored-turn.ts';
import { loadConversation, removeConversation } from '../storage/conversation.ts';
import { openHistory, type HistoryStore } from '../storage/history/db.ts';
import { createMemoryHistory, type MemoryHistoryStore } from '../storage/history/memory.ts';
import { keptInMemoryItem as privateItem } from '../storage/history/kept-in-memory.ts';
import { newConversationId, type ConversationPage } from '../storage/history/schema.ts';
import { defineVersionedItem } from '../storage/item.ts';
import type { AnswerSink } from './answers/sink.ts';

/** Where a conversation is kept: on disk; in memory for a private window; in memory because IndexedDB failed; or in memory since the disk is full. */
export type StorageState = 'disk' | 'private' | 'memory' | 'full';

/** How often, at most, a streaming answer is written (the "at least every second"). */
export const STREAM_WRITE_INTERVAL_MS = 1_000;

export interface TabConversation {
  id: string;
  createdAt: number;
  turns: StoredTurn[];
  page?: ConversationPage;
  /** From a private (incognito) tab: kept in memory and storage.session only. */
  incognito: boolean;
  /** Set once writing to disk failed with QuotaExceededError. */
  full: boolean;
}

interface Tracked {
  conversationId: string;
  sink: AnswerSink;
  retrying: boolean;
  timer: ReturnType<typeof setInterval>;
  lastText: number;
}

type TabInfo = Pick<Browser.tabs.Tab, 'title' | 'url' | 'favIconUrl' | 'incognito'>;

export interface ConversationDeps {
  openDisk: () => Promise<HistoryStore>;
  getTab: (tabId: number) => Promise<TabInfo | undefined>;
  now: () => number;
}

const defaultDeps = (): ConversationDeps => ({
  openDisk: () => openHistory(),
  getTab: (tabId) => browser.tabs.get(tabId).catch(() => undefined),
  now: () => Date.now(),
});

let deps: ConversationDeps = defaultDeps();
let diskPromise: Promise<HistoryStore | null> | null = null;
let memory: MemoryHistoryStore = createMemoryHistory();
const cache = new Map<string, TabConversation>();
const byTab = new Map<number, string>();
const tracked = new Map<string, Tracked>();
const writing = new Map<string, Promise<void>>();
const queued = new Set<string>();
const stateListeners = new Set<(conversationId: string, state: StorageState) => void>();

const tabsItem = defineVersionedItem<Record<string, string>>({
  key: 'session:tabConversations',
  version: 1,
  schema: v.record(v.string(), v.string()),
  fallback: {},
  reportProblems: false,
});
const streamingItem = defineVersionedItem<string[]>({
  key: 'local:historyStreaming',
  version: 1,
  schema: v.array(v.string()),
  fallback: [],
  reportProblems: false,
});

/** The IndexedDB store, or null when it cannot be opened (then everything stays in memory). */
function disk(): Promise<HistoryStore | null> {
  diskPromise ??= deps.openDisk().catch(() => null);
  return diskPromise;
}

async function storeFor(conversation: Pick<TabConversation, 'incognito'>): Promise<HistoryStore> {
  if (conversation.incognito) return memory;
  return (await disk()) ?? memory;
}

export async function storageStateOf(conversation: TabConversation): Promise<StorageState> {
  if (conversation.incognito) return 'private';
  if (conversation.full) return 'full';
  return (await disk()) ? 'disk' : 'memory';
}

export function onStorageState(listener: (conversationId: string, state: StorageState) => void): () => void {
  stateListeners.add(listener);
  return () => stateListeners.delete(listener);
}

const isQuotaError = (cause: unknown) =>
  typeof cause === 'object' && cause !== null && (cause as { name?: unknown }).name === 'QuotaExceededError';

function pageOf(tab: TabInfo | undefined): ConversationPage | undefined {
  if (!tab?.url) return undefined;
  const favicon = tab.favIconUrl && tab.favIconUrl.length <= MAX_URL_CHARS ? tab.favIconUrl : undefined;
  return {
    title: (tab.title ?? '').slice(0, MAX_SHORT_TEXT_CHARS),
    url: tab.url.slice(0, MAX_URL_CHARS),
    ...(favicon ? { favicon } : {}),
  };
}

async function persistTabs(): Promise<void> {
  await tabsItem.setValue(Object.fromEntries([...byTab].map(([tab, id]) => [String(tab), id]))).catch(() => {});
}

async function writeNow(id: string): Promise<void> {
  const conversation = cache.get(id);
  if (!conversation || conversation.turns.length === 0) return;
  const store = await storeFor(conversation);
  const patch = { turns: conversation.turns, updatedAt: deps.now(), createdAt: conversation.createdAt, page: conversation.page };
  try {
    await store.saveTurns(id, patch);
    if (store === memory) await privateItem.setValue(memory.snapshot()).catch(() => {});
    else if (conversation.full) {
      // The disk took it again (the user cleared old conversations): back on disk, out of memory.
      conversation.full = false;
      await memory.remove(id).catch(() => {});
      await privateItem.setValue(memory.snapshot()).catch(() => {});
      for (const listener of stateListeners) listener(id, 'disk');
    }
  } catch (cause) {
    if (!isQuotaError(cause)) return;
    // Disk full: the conversation (and its answer in flight) is kept in memory and storage.session,
    // on every write while the disk refuses (each write still tries the disk first).
    await memory.saveTurns(id, patch).catch(() => {});
    await privateItem.setValue(memory.snapshot()).catch(() => {});
    if (conversation.full) return;
    conversation.full = true;
    for (const listener of stateListeners) listener(id, 'full');
  }
}

/** Writes the conversation as it is now, after any write already under way (one at a time per conversation). */
export function queueWrite(id: string): Promise<void> {
  if (queued.has(id)) return writing.get(id) ?? Promise.resolve();
  queued.add(id);
  const previous = writing.get(id) ?? Promise.resolve();
  const next = previous.then(() => {
    queued.delete(id);
    return writeNow(id);
  });
  writing.set(id, next);
  return next;
}

function bind(tabId: number | undefined, conversation: TabConversation): TabConversation {
  cache.set(conversation.id, conversation);
  if (tabId !== undefined) {
    byTab.set(tabId, conversation.id);
    void persistTabs();
  }
  return conversation;
}

async function fresh(tabId: number | undefined): Promise<TabConversation> {
  const tab = tabId === undefined ? undefined : await deps.getTab(tabId);
  const now = deps.now();
  const page = pageOf(tab);
  return {
    id: newConversationId(now),
    createdAt: now,
    turns: [],
    ...(page ? { page } : {}),
    incognito: tab?.incognito ?? false,
    full: false,
  };
}

async function load(id: string, tabId: number | undefined): Promise<TabConversation | null> {
  const cached = cache.get(id);
  if (cached) return cached;
  const tab = tabId === undefined ? undefined : await deps.getTab(tabId);
  const incognito = tab?.incognito ?? false;
  // Memory first: a conversation the full disk refused is newer there than on disk.
  const kept = await memory.get(id);
  const found = kept ?? (await (await storeFor({ incognito })).get(id));
  if (!found) return null;
  const full = kept !== null && !incognito && (await disk()) !== null;
  return { id, createdAt: found.createdAt, turns: found.turns, ...(found.page ? { page: found.page } : {}), incognito, full };
}

let restored: Promise<void> | null = null;
/** Tab mappings and private conversations kept in storage.session by a previous worker. */
function restoreSession(): Promise<void> {
  restored ??= (async () => {
    const tabs = await tabsItem.getValue();
    for (const [tab, id] of Object.entries(tabs)) if (!byTab.has(Number(tab))) byTab.set(Number(tab), id);
    memory.load(await privateItem.getValue());
  })().catch(() => {});
  return restored;
}

/** The conversation of a tab (created, not yet stored, when it has none). */
export async function conversationForTab(tabId: number | undefined): Promise<TabConversation> {
  await restoreSession();
  const id = tabId === undefined ? undefined : byTab.get(tabId);
  const found = id === undefined ? null : await load(id, tabId);
  return bind(tabId, found ?? (await fresh(tabId)));
}

/** conversation.open: an old conversation continues in this tab. Null when there is no such conversation. */
export async function openInTab(tabId: number | undefined, id: string): Promise<TabConversation | null> {
  await restoreSession();
  const found = await load(id, tabId);
  if (!found) return null;
  // Another tab showing it gives it up: two tabs never write the same conversation.
  for (const [tab, other] of byTab) if (other === id && tab !== tabId) byTab.delete(tab);
  return bind(tabId, found);
}

/** conversation.new: a new, empty chat in this tab (the old one stays in history). */
export async function newInTab(tabId: number | undefined): Promise<TabConversation> {
  await restoreSession();
  return bind(tabId, await fresh(tabId));
}

/** The tab's page as it is now (it may have navigated since the conversation began). */
export async function refreshPage(id: string, tabId: number | undefined): Promise<void> {
  const conversation = cache.get(id);
  if (!conversation || tabId === undefined) return;
  const tab = await deps.getTab(tabId);
  const page = pageOf(tab);
  if (page) conversation.page = page;
  if (tab?.incognito) conversation.incognito = true;
}

const FINAL_STATUSES = new Set(['complete', 'stopped', 'truncated', 'failed', 'interrupted']);
const isLive = (turn: StoredTurn) => turn.role === 'assistant' && (turn.status === 'streaming' || turn.status === 'retrying');

/** A stored answer turn brought up to date with what its sink has. */
function withSink(turn: StoredAssistantTurn, entry: Tracked): StoredAssistantTurn {
  const snap = entry.sink.snapshot();
  const final = snap.final;
  const next: StoredAssistantTurn = {
    ...turn,
    text: ((turn.prefix ?? '') + snap.text).slice(0, MAX_PORT_TEXT_CHARS),
    status: final ? (final.type === 'failed' ? 'failed' : final.outcome) : entry.retrying ? 'retrying' : 'streaming',
  };
  if (snap.thinking) next.thinking = snap.thinking.slice(0, MAX_PORT_TEXT_CHARS);
  if (Object.keys(snap.usage).length > 0) next.usage = snap.usage;
  if (snap.toolCalls.length > 0) next.toolCalls = snap.toolCalls;
  if (final?.type === 'end' && final.stopReason !== null) next.stopReason = final.stopReason.slice(0, MAX_SHORT_TEXT_CHARS);
  if (final?.type === 'failed') next.error = final.error;
  if (final?.metrics) next.metrics = final.metrics;
  return next;
}

function applyTracked(conversation: TabConversation, requestId: string): boolean {
  const entry = tracked.get(requestId);
  const index = conversation.turns.findIndex((turn) => turn.role === 'assistant' && turn.requestId === requestId);
  const turn = conversation.turns[index];
  if (!entry || turn?.role !== 'assistant') return false;
  conversation.turns = conversation.turns.with(index, withSink(turn, entry));
  return true;
}

/**
 * conversation.save: the panel's turns (a question asked, an answer retried or edited).
 * Answers streaming here keep the background's text; an answer that ended here while the
 * panel was away keeps its end. Synchronous up to the write, so an `ask` right after it
 * finds its turn.
 */
export function saveFromPanel(id: string, tabId: number | undefined, turns: StoredTurn[]): Promise<void> {
  // No change the panel makes empties a conversation (New chat starts another one).
  if (turns.length === 0) return Promise.resolve();
  let conversation = cache.get(id);
  if (!conversation) {
    // A restarted worker: the panel still holds it. The store keeps its createdAt and page.
    const now = deps.now();
    conversation = { id, createdAt: now, turns: [], incognito: false, full: false };
    cache.set(id, conversation);
    if (tabId !== undefined && byTab.get(tabId) !== id) {
      byTab.set(tabId, id);
      void persistTabs();
    }
  }
  const before = new Map(conversation.turns.flatMap((turn) => (turn.role === 'assistant' ? [[turn.requestId, turn] as const] : [])));
  conversation.turns = turns.map((turn) => {
    if (turn.role !== 'assistant') return turn;
    const entry = tracked.get(turn.requestId);
    if (entry) return withSink(turn, entry);
    const ours = before.get(turn.requestId);
    return ours && FINAL_STATUSES.has(ours.status) && isLive(turn) ? ours : turn;
  });
  const target = conversation;
  if (tabId === undefined) return queueWrite(id);
  // A private tab is known as such before anything is written.
  return deps
    .getTab(tabId)
    .then((tab) => {
      if (tab?.incognito) target.incognito = true;
    })
    .then(() => queueWrite(id));
}

async function setStreaming(update: (ids: Set<string>) => void): Promise<void> {
  const ids = new Set(await streamingItem.getValue());
  update(ids);
  await (ids.size === 0 ? streamingItem.removeValue() : streamingItem.setValue([...ids])).catch(() => {});
}

/** An answer starts streaming into this conversation: written every second, and at the end (finishTracking). */
export function trackAnswer(conversationId: string | undefined, requestId: string, sink: AnswerSink): void {
  if (conversationId === undefined || !cache.has(conversationId)) return;
  const entry: Tracked = {
    conversationId,
    sink,
    retrying: false,
    lastText: -1,
    timer: setInterval(() => {
      const conversation = cache.get(conversationId);
      const size = sink.snapshot().text.length + sink.snapshot().thinking.length;
      if (!conversation || size === entry.lastText) return;
      entry.lastText = size;
      if (applyTracked(conversation, requestId)) void queueWrite(conversationId);
    }, STREAM_WRITE_INTERVAL_MS),
  };
  sink.on('retrying', () => {
    entry.retrying = true;
  });
  sink.on('text', () => {
    entry.retrying = false;
  });
  tracked.set(requestId, entry);
  void setStreaming((ids) => ids.add(conversationId));
}

/** The answer has ended: its final text and status are written. */
export async function finishTracking(requestId: string): Promise<void> {
  const entry = tracked.get(requestId);
  if (!entry) return;
  clearInterval(entry.timer);
  const conversation = cache.get(entry.conversationId);
  if (conversation) applyTracked(conversation, requestId);
  tracked.delete(requestId);
  await queueWrite(entry.conversationId);
  const stillStreaming = [...tracked.values()].some((other) => other.conversationId === entry.conversationId);
  if (!stillStreaming) await setStreaming((ids) => ids.delete(entry.conversationId));
}

/** Whether a conversation is a private window's (kept in memory only); unknown ones count as private. */
export function isPrivateConversation(id: string | undefined): boolean {
  const conversation = id === undefined ? undefined : cache.get(id);
  return conversation?.incognito ?? true;
}

/**
 * Whether history still has this conversation (on disk, or in memory for a full disk or a
 * private window). Null when that cannot be told (IndexedDB cannot be read).
 */
export async function conversationInHistory(id: string): Promise<boolean | null> {
  if (await memory.has(id)) return true;
  const store = await disk();
  if (!store) return null;
  return store.has(id).catch(() => null);
}

/** For a re-attaching panel after the worker restarted: nothing is live; history has the text. */
export function isTracked(requestId: string): boolean {
  return tracked.has(requestId);
}

const interrupt = (turn: StoredTurn): StoredTurn =>
  isLive(turn) && turn.role === 'assistant' && !tracked.has(turn.requestId) ? { ...turn, status: 'interrupted' } : turn;

/**
 * On start: answers that were streaming when the worker or browser died are marked
 * interrupted (they keep the text written), in history and in the private store.
 */
export async function recoverInterrupted(): Promise<void> {
  const ids = await streamingItem.getValue();
  if (ids.length === 0) return;
  const store = await disk();
  for (const id of ids) {
    if ([...tracked.values()].some((entry) => entry.conversationId === id)) continue;
    for (const candidate of [store, memory]) {
      const found = await candidate?.get(id).catch(() => null);
      if (!found || !found.turns.some(isLive)) continue;
      await candidate!.saveTurns(id, { turns: found.turns.map(interrupt), updatedAt: found.updatedAt }).catch(() => {});
      const cached = cache.get(id);
      if (cached) cached.turns = cached.turns.map(interrupt);
    }
  }
  await setStreaming((now) => {
    for (const id of ids) if (![...tracked.values()].some((entry) => entry.conversationId === id)) now.delete(id);
  });
}

/**
 * On start: the single "current conversation" that storage.local held before history
 * becomes a conversation in history, once (the item is removed when it is stored).
 */
export async function migrateCurrentConversation(): Promise<string | null> {
  const old = await loadConversation();
  if (!old) return null;
  if (old.turns.length === 0) {
    await removeConversation();
    return null;
  }
  const store = await disk();
  if (!store) return null; // kept for a start where IndexedDB works
  const now = deps.now();
  const id = newConversationId(now);
  const turns = old.turns.map((turn) => (isLive(turn) ? { ...turn, status: 'interrupted' as const } : turn));
  const firstSelection = old.turns.flatMap((turn) => (turn.role === 'user' && turn.selection ? [turn.selection] : []))[0];
  const page = firstSelection?.url ? { title: firstSelection.title ?? '', url: firstSelection.url } : undefined;
  await store.saveTurns(id, { turns, updatedAt: now, createdAt: now, ...(page ? { page } : {}) });
  await removeConversation();
  return id;
}

/** What the panel is sent about a conversation. */
export async function describe(conversation: TabConversation) {
  return {
    type: 'conversation' as const,
    id: conversation.id,
    turns: conversation.turns.map((turn) => (turn.role === 'assistant' && tracked.has(turn.requestId) ? turn : interrupt(turn))),
    ...(conversation.page ? { page: conversation.page } : {}),
    storage: await storageStateOf(conversation),
  };
}

/** For tests: forget everything, and use these dependencies. */
export function resetConversationsForTests(next: Partial<ConversationDeps> = {}): void {
  for (const entry of tracked.values()) clearInterval(entry.timer);
  tracked.clear();
  cache.clear();
  byTab.clear();
  writing.clear();
  queued.clear();
  stateListeners.clear();
  memory = createMemoryHistory();
  deps = { ...defaultDeps(), ...next };
  diskPromise = null;
  restored = null;
}
