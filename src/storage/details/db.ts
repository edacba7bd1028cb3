/**
 * The stream details of the last answers, in IndexedDB, so that Details still works after
 * the background stopped (Chromium stops an idle worker after about 30 s) or the browser
 * restarted. Only the background writes here, once per answer, when it ends.
 *
 * A database of its own (`aside-details`), apart from history: a debugging aid that fails
 * (a full disk, a broken database) never touches conversations, and clearing it is one
 * `deleteDatabase`. Two stores: `details` holds each answer's record whole (up to a few MB);
 * `entries` holds what eviction and pruning read (when, how big, which conversation), a few
 * dozen small rows, so neither ever reads a whole record.
 *
 * Bounded: at most `maxAnswers` (MAX_KEPT_DETAILS) and `maxBytes` (MAX_STORED_DETAILS_BYTES)
 * in all, the oldest evicted first, in the transaction that adds the newest. A body longer
 * than `maxSseBytes` (MAX_STORED_SSE_BYTES) is stored cut to its start, the rest counted in
 * `sseBytesDropped` (the flag the view reads to say how much was kept).
 *
 * Database versions migrate in `upgrade`; records carry their own format version, and one
 * of another version reads as missing (a debugging aid is not worth a migration that could
 * fail: the next 50 answers replace it).
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { StreamDetails } from '../../messaging/protocol.ts';
import { MAX_KEPT_DETAILS, MAX_STORED_DETAILS_BYTES, MAX_STORED_SSE_BYTES } from '../../shared/limits.ts';

export const DETAILS_DB_NAME = 'aside-details';
const DB_VERSION = 1;
export const DETAILS_FORMAT_VERSION = 1;

/** One answer's details as stored. */
export interface StoredDetails {
  version: typeof DETAILS_FORMAT_VERSION;
  requestId: string;
  /** The conversation the answer belongs to (null: none was known). */
  conversationId: string | null;
  finishedAt: number;
  details: StreamDetails;
}

/** What eviction and pruning read about a stored answer. */
export interface DetailsEntry {
  requestId: string;
  conversationId: string | null;
  finishedAt: number;
  /** About how much the record takes on disk (detailsBytes). */
  bytes: number;
}

interface DetailsDb extends DBSchema {
  details: { key: string; value: StoredDetails };
  entries: { key: string; value: DetailsEntry };
}

const STORES = ['details', 'entries'] as const;

export interface DetailsLimits {
  maxAnswers: number;
  maxBytes: number;
  maxSseBytes: number;
}

const DEFAULT_LIMITS: DetailsLimits = {
  maxAnswers: MAX_KEPT_DETAILS,
  maxBytes: MAX_STORED_DETAILS_BYTES,
  maxSseBytes: MAX_STORED_SSE_BYTES,
};

export interface DetailsStore {
  /**
   * Stores one answer's details (its body cut to the cap) and evicts the oldest past the
   * limits, in one transaction. False when this answer alone is over the byte budget (then
   * nothing changes). Throws what IndexedDB throws (QuotaExceededError on a full disk).
   */
  put(record: Omit<StoredDetails, 'version'>): Promise<boolean>;
  /** Null when it is not stored (evicted, never stored, or of another format). */
  get(requestId: string): Promise<StoredDetails | null>;
  /** Every stored answer, oldest first. */
  entries(): Promise<DetailsEntry[]>;
  /** Deletes these answers' details. */
  remove(requestIds: readonly string[]): Promise<void>;
  close(): void;
}

/** What a string takes in the browser's structured clone: one byte a character when all are Latin-1, else two. */
function stringBytes(text: string): number {
  return /[\u0100-\uffff]/.test(text) ? 2 * text.length : text.length;
}

/** About how many bytes the record of these details takes on disk. */
export function detailsBytes(details: StreamDetails): number {
  let bytes = 64 + stringBytes(details.sse) + 8 * details.gaps.length;
  if (details.request) {
    const { url, method, headers, body } = details.request;
    bytes += stringBytes(url) + stringBytes(method) + stringBytes(body);
    for (const [name, value] of headers) bytes += stringBytes(name) + stringBytes(value);
  }
  for (const event of details.events) bytes += 16 + stringBytes(event.data) + stringBytes(event.event) + stringBytes(event.id);
  if (details.customReading) bytes += stringBytes(JSON.stringify(details.customReading));
  return bytes;
}

/**
 * The details with their body cut to its first `maxBytes` bytes of UTF-8 (at a character
 * boundary), the bytes left out added to `sseBytesDropped`.
 */
export function cutBody(details: StreamDetails, maxBytes: number): StreamDetails {
  // Three bytes a code unit at most: a body this short cannot be over.
  if (details.sse.length * 3 <= maxBytes) return details;
  const bytes = new TextEncoder().encode(details.sse);
  if (bytes.byteLength <= maxBytes) return details;
  let end = maxBytes;
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return {
    ...details,
    sse: new TextDecoder().decode(bytes.subarray(0, end)),
    sseBytesDropped: details.sseBytesDropped + (bytes.byteLength - end),
  };
}

const oldestFirst = (a: DetailsEntry, b: DetailsEntry) => a.finishedAt - b.finishedAt || (a.requestId < b.requestId ? -1 : 1);

export async function openDetails(name = DETAILS_DB_NAME, limits: Partial<DetailsLimits> = {}): Promise<DetailsStore> {
  const { maxAnswers, maxBytes, maxSseBytes } = { ...DEFAULT_LIMITS, ...limits };
  const db: IDBPDatabase<DetailsDb> = await openDB<DetailsDb>(name, DB_VERSION, {
    upgrade(database, oldVersion) {
      if (oldVersion < 1) {
        database.createObjectStore('details', { keyPath: 'requestId' });
        database.createObjectStore('entries', { keyPath: 'requestId' });
      }
    },
    // A newer version of Aside (another context) wants to upgrade: let it. Later calls
    // throw, and the background opens the database again.
    blocking() {
      db.close();
    },
  });

  return {
    async put(input) {
      const details = cutBody(input.details, maxSseBytes);
      const record: StoredDetails = { version: DETAILS_FORMAT_VERSION, ...input, details };
      const entry: DetailsEntry = {
        requestId: record.requestId,
        conversationId: record.conversationId,
        finishedAt: record.finishedAt,
        bytes: detailsBytes(details),
      };
      if (entry.bytes > maxBytes) return false;
      const tx = db.transaction(STORES, 'readwrite');
      // The newest stays (it alone fits the budget): the others go, oldest first, until it fits.
      const others = (await tx.objectStore('entries').getAll())
        .filter((other) => other.requestId !== entry.requestId)
        .sort(oldestFirst);
      let total = others.reduce((sum, other) => sum + other.bytes, entry.bytes);
      const evicted: string[] = [];
      while (others.length > 0 && (others.length + 1 > maxAnswers || total > maxBytes)) {
        const oldest = others.shift()!;
        total -= oldest.bytes;
        evicted.push(oldest.requestId);
      }
      await Promise.all([
        tx.objectStore('details').put(record),
        tx.objectStore('entries').put(entry),
        ...evicted.flatMap((id) => STORES.map((store) => tx.objectStore(store).delete(id))),
        tx.done,
      ]);
      return true;
    },

    async get(requestId) {
      const found = await db.get('details', requestId);
      if (!found || found.version !== DETAILS_FORMAT_VERSION || typeof found.details !== 'object' || found.details === null)
        return null;
      return found;
    },

    entries: async () => (await db.getAll('entries')).sort(oldestFirst),

    async remove(requestIds) {
      if (requestIds.length === 0) return;
      const tx = db.transaction(STORES, 'readwrite');
      await Promise.all([...requestIds.flatMap((id) => STORES.map((store) => tx.objectStore(store).delete(id))), tx.done]);
    },

    close: () => db.close(),
  };
}
