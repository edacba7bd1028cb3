/**
 * The space the browser reports for Aside: `navigator.storage.estimate()`. Chromium also
 * reports IndexedDB on its own (`usageDetails.indexedDB`, non-standard), which is the
 * conversations; elsewhere only the extension's whole usage is known, and the view says so.
 * Null when the browser reports nothing (no StorageManager, or the estimate fails).
 */
export interface StorageUsage {
  /** Bytes of IndexedDB (the conversations), when the browser breaks usage down. */
  conversations?: number;
  /** Bytes the extension uses in all. */
  total: number;
  /** Bytes the browser would let it use, when reported. */
  quota?: number;
}

interface EstimateWithDetails extends StorageEstimate {
  usageDetails?: { indexedDB?: number };
}

export async function readStorageUsage(
  storage: Pick<StorageManager, 'estimate'> | undefined = navigator.storage,
): Promise<StorageUsage | null> {
  if (typeof storage?.estimate !== 'function') return null;
  try {
    const estimate: EstimateWithDetails = await storage.estimate();
    if (typeof estimate.usage !== 'number') return null;
    const conversations = estimate.usageDetails?.indexedDB;
    return {
      total: estimate.usage,
      ...(typeof conversations === 'number' ? { conversations } : {}),
      ...(typeof estimate.quota === 'number' && estimate.quota > 0 ? { quota: estimate.quota } : {}),
    };
  } catch {
    return null;
  }
}

/** The ages "clear old conversations" offers, in days. */
export const CLEAR_AGES_DAYS = [30, 90, 365] as const;
export type ClearAge = (typeof CLEAR_AGES_DAYS)[number];
const DAY_MS = 86_400_000;

/** Conversations last used before this moment are "older than `days` days". */
export const clearCutoff = (days: ClearAge, now: number) => now - days * DAY_MS;
