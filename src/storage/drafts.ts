/**
 * What the user was about to send, per conversation: the composer's draft and the staged
 * selection, so closing the panel (or the browser) loses nothing they typed. The panel
 * writes it as it changes and reads it back when it opens on that conversation again.
 * A private window's drafts go to `storage.session` only, never to disk.
 *
 * Version 1. Kept for the last MAX_DRAFTS conversations; a staged text over
 * MAX_STORED_SELECTION_CHARS is not kept (the draft is), since `storage.local` has a
 * quota of its own and the text can be read from the page again.
 */
import * as v from 'valibot';
import { MAX_PORT_TEXT_CHARS } from '../shared/limits.ts';
import { PageSelectionSchema, type PageSelection } from '../shared/schemas.ts';
import { defineVersionedItem } from './item.ts';

export const MAX_DRAFTS = 20;
export const MAX_STORED_SELECTION_CHARS = 1_000_000;

const DraftSchema = v.object({
  conversationId: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
  draft: v.pipe(v.string(), v.maxLength(MAX_PORT_TEXT_CHARS)),
  selection: v.nullable(PageSelectionSchema),
  /** When it was written (Date.now()): the oldest go first. */
  at: v.number(),
});
export type Draft = v.InferOutput<typeof DraftSchema>;

const DraftsSchema = v.pipe(v.array(DraftSchema), v.maxLength(MAX_DRAFTS));

const options = { version: 1, schema: DraftsSchema, fallback: [] as Draft[], reportProblems: false } as const;
const diskItem = defineVersionedItem<Draft[]>({ key: 'local:drafts', ...options });
const privateItem = defineVersionedItem<Draft[]>({ key: 'session:privateDrafts', ...options });
const itemFor = (privateWindow: boolean) => (privateWindow ? privateItem : diskItem);

/**
 * The drafts as last read or written by a page that read them (the panel: loadDraft), kept
 * fresh by watching storage (another panel's writes). With them, a write needs no read first:
 * the one made as the panel closes (`pagehide`) reaches storage before the page is gone,
 * which a read's round trip would not. A context that never reads (the background, writing a
 * closing panel's draft) reads before each write.
 */
const known = new Map<boolean, Draft[]>();
const watched = new Set<boolean>();
function remember(privateWindow: boolean, drafts: Draft[]): void {
  known.set(privateWindow, drafts);
  if (watched.has(privateWindow)) return;
  watched.add(privateWindow);
  const item = itemFor(privateWindow);
  item.watch(() => {
    void item.getValue().then(
      (now) => known.set(privateWindow, now),
      () => known.delete(privateWindow),
    );
  });
}

/** The draft and staged selection kept for this conversation, or null. Never throws. */
export async function loadDraft(conversationId: string, privateWindow: boolean): Promise<Omit<Draft, 'at' | 'conversationId'> | null> {
  const all = await itemFor(privateWindow).getValue();
  remember(privateWindow, all);
  const found = all.find((draft) => draft.conversationId === conversationId);
  return found ? { draft: found.draft, selection: found.selection } : null;
}

/**
 * Keeps (or, when both are empty, forgets) this conversation's draft and staged selection.
 * Throws when storage cannot be written (a full disk): the caller keeps them in the panel.
 */
export async function saveDraft(
  conversationId: string,
  entry: { draft: string; selection: PageSelection | null },
  privateWindow: boolean,
  now = Date.now(),
): Promise<void> {
  const item = itemFor(privateWindow);
  const all = known.get(privateWindow) ?? (await item.getValueToUpdate());
  const others = all.filter((draft) => draft.conversationId !== conversationId);
  const selection = entry.selection && entry.selection.text.length <= MAX_STORED_SELECTION_CHARS ? entry.selection : null;
  const draft = entry.draft.slice(0, MAX_PORT_TEXT_CHARS);
  if (draft === '' && selection === null) {
    if (others.length === all.length) return;
    if (known.has(privateWindow)) known.set(privateWindow, others);
    await item.setValue(others);
    return;
  }
  const kept = [...others.sort((a, b) => b.at - a.at).slice(0, MAX_DRAFTS - 1), { conversationId, draft, selection, at: now }];
  if (known.has(privateWindow)) known.set(privateWindow, kept);
  await item.setValue(kept);
}
