/**
 * Stream details that outlive the background. Memory (live-answers.ts) keeps the last
 * answers' details while the background runs; each finished answer's details are also
 * written once, when it ends, to their own IndexedDB database (storage/details/db.ts). A
 * panel's request is served from memory first, then from disk.
 *
 * - Private windows: never written (memory only), as their conversations never reach the
 *   disk; nor when the background itself runs in a private context (Firefox's "never
 *   remember history"), where extension IndexedDB is broken.
 * - IndexedDB cannot be opened, or a write fails (QuotaExceededError on a full disk): the
 *   details stay in memory only, and nothing is said (they are a debugging aid).
 * - From disk, details are served only to a panel showing the answer's conversation; and
 *   when history loses conversations (deleted, cleared), their answers' details go too.
 */
import type { StreamDetails } from '../messaging/protocol.ts';
import { openDetails, type DetailsStore } from '../storage/details/db.ts';
import { conversationInHistory, isPrivateConversation } from './conversations.ts';
import { answerDetails } from './live-answers.ts';

export interface KeptDetailsDeps {
  openDisk: () => Promise<DetailsStore>;
  now: () => number;
  /** Whether the background runs in a private context (then nothing is written). */
  privateContext: () => boolean;
}

const defaultDeps = (): KeptDetailsDeps => ({
  openDisk: () => openDetails(),
  now: () => Date.now(),
  privateContext: () => browser.extension?.inIncognitoContext === true,
});

let deps: KeptDetailsDeps = defaultDeps();
let diskPromise: Promise<DetailsStore | null> | null = null;

const isQuotaError = (cause: unknown) =>
  typeof cause === 'object' && cause !== null && (cause as { name?: unknown }).name === 'QuotaExceededError';

/** The database, or null when it cannot be opened here (then details stay in memory). */
function disk(): Promise<DetailsStore | null> {
  if (deps.privateContext()) return Promise.resolve(null);
  diskPromise ??= deps.openDisk().catch(() => null);
  return diskPromise;
}

/** A use failed. Unless the disk is full, the database may have closed (an upgrade elsewhere): open it again next time. */
function failed(cause: unknown): void {
  if (!isQuotaError(cause)) diskPromise = null;
}

/**
 * An answer has ended (finishAnswer has put it among the kept): its details are written
 * to disk, unless it belongs to a private window's conversation or to none. Never throws.
 */
export async function keepDetails(requestId: string, conversationId: string | undefined): Promise<void> {
  const details = answerDetails(requestId);
  if (!details || conversationId === undefined || isPrivateConversation(conversationId)) return;
  const store = await disk();
  if (!store) return;
  try {
    await store.put({ requestId, conversationId, finishedAt: deps.now(), details });
  } catch (cause) {
    failed(cause);
  }
}

/**
 * The details of an answer for a panel showing `conversationId`: from memory, else from
 * disk when they are of that conversation. Null when they are not kept. Never throws.
 */
export async function detailsFor(requestId: string, conversationId: string | undefined): Promise<StreamDetails | null> {
  const inMemory = answerDetails(requestId);
  if (inMemory) return inMemory;
  const store = await disk();
  if (!store) return null;
  try {
    const found = await store.get(requestId);
    return found && found.conversationId === conversationId ? found.details : null;
  } catch (cause) {
    failed(cause);
    return null;
  }
}

/** History lost conversations: the details of their answers are deleted from disk (at most MAX_KEPT_DETAILS are looked at). */
export async function pruneDetails(): Promise<void> {
  const store = await disk();
  if (!store) return;
  try {
    const entries = await store.entries();
    const gone = new Map<string, boolean>();
    for (const { conversationId } of entries) {
      if (conversationId === null || gone.has(conversationId)) continue;
      // Unknown (history cannot be read): kept.
      gone.set(conversationId, (await conversationInHistory(conversationId)) === false);
    }
    await store.remove(
      entries.filter((entry) => entry.conversationId !== null && gone.get(entry.conversationId)).map((entry) => entry.requestId),
    );
  } catch (cause) {
    failed(cause);
  }
}

/** For tests: forget the database, and use these dependencies. */
export function resetKeptDetailsForTests(next: Partial<KeptDetailsDeps> = {}): void {
  deps = { ...defaultDeps(), ...next };
  diskPromise = null;
}
