/**
 * Hands a selection from the context menu or keyboard command to the panel, with no
 * timing race: the panel may already be open, may be opening right now, or the
 * background may have just been woken up by the click. The selection is delivered to
 * the connected panel showing that tab's conversation (only it: a hand-off never asks in
 * another tab's conversation), or kept until such a panel says hello or switches to the tab. Memory is
 * the source of truth (checked and set synchronously, so a hello can never slip between
 * "no panel yet" and "stored"); `storage.session` keeps it if the worker is restarted.
 */
import * as v from 'valibot';
import { NoticeMessageSchema, SelectionMessageSchema } from '../messaging/protocol.ts';
import { defineVersionedItem } from '../storage/item.ts';
import { PENDING_SELECTION_TTL_MS } from '../shared/limits.ts';
import { connectedPanels, postToPanel } from './panel-ports.ts';

export { PENDING_SELECTION_TTL_MS as PENDING_TTL_MS } from '../shared/limits.ts';

const PendingSelectionSchema = v.object({
  /** The selection, or the notice saying why there is none (restricted page, nothing selected). */
  message: v.variant('type', [SelectionMessageSchema, NoticeMessageSchema]),
  /** The window it is for; absent when unknown (any panel may take it). */
  windowId: v.optional(v.pipe(v.number(), v.integer())),
  /** The tab it came from: only the panel showing that tab's conversation takes it. */
  tabId: v.optional(v.pipe(v.number(), v.integer())),
  createdAt: v.number(),
});
export type PendingSelection = v.InferOutput<typeof PendingSelectionSchema>;

const pendingItem = defineVersionedItem<PendingSelection | null>({
  key: 'session:pendingSelection',
  version: 1,
  schema: v.nullable(PendingSelectionSchema),
  fallback: null,
  reportProblems: false,
});
let pending: PendingSelection | null = null;

/** A panel that knows its tab takes only its tab's hand-offs; one that does not, its window's. */
function matches(item: PendingSelection, windowId: number | undefined, tabId: number | undefined): boolean {
  if (item.tabId !== undefined && tabId !== undefined) return item.tabId === tabId;
  return item.windowId === undefined || windowId === undefined || item.windowId === windowId;
}

export function handOffSelection(item: PendingSelection): void {
  const targets = connectedPanels().filter(
    (panel) => panel.windowId !== undefined && matches(item, panel.windowId, panel.conversationTabId),
  );
  let delivered = false;
  for (const panel of targets) {
    delivered = postToPanel(panel, item.message) || delivered;
  }
  if (delivered) {
    pending = null;
    void pendingItem.setValue(null).catch(() => {});
    return;
  }
  pending = item;
  void pendingItem.setValue(item).catch(() => {});
}

/** Called on a panel's hello or tab switch: the selection waiting for this tab (or window), if any (taken once). */
export async function claimPendingSelection(
  windowId: number | undefined,
  tabId?: number,
  now = Date.now(),
): Promise<PendingSelection | null> {
  let item = pending;
  if (!item) item = await pendingItem.getValue().catch(() => null);
  // A newer selection may have been handed off during that await: it is the one to claim.
  if (pending !== null) item = pending;
  if (!item || !matches(item, windowId, tabId)) return null;
  pending = null;
  await pendingItem.setValue(null).catch(() => {});
  return now - item.createdAt <= PENDING_SELECTION_TTL_MS ? item : null;
}

/** For tests: forget anything pending. */
export function resetHandoffForTests(): void {
  pending = null;
}
