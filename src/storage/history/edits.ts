/**
 * Edits the history view makes to a stored conversation: its title and its pin. Each reads
 * the conversation, changes one field and saves it whole (the summary follows, see db.ts).
 * Neither moves the conversation in time: `updatedAt` is when it was last talked in.
 *
 * Kept apart from db.ts while the background's writes are being added there; they take the
 * store, so they work on whichever database it opened.
 */
import type { HistoryStore } from './db.ts';
import { MAX_TITLE_CHARS, type HistoryConversation } from './schema.ts';

/** The user's title, trimmed and cut; an empty one gives the conversation its first question back. */
export async function renameConversation(store: HistoryStore, id: string, title: string): Promise<HistoryConversation | null> {
  const found = await store.get(id);
  if (!found) return null;
  const trimmed = [...title.replace(/\s+/g, ' ').trim()].slice(0, MAX_TITLE_CHARS).join('');
  const renamed: HistoryConversation = { ...found, title: trimmed };
  if (trimmed === '') delete renamed.title;
  await store.save(renamed);
  return renamed;
}

export async function setConversationPinned(store: HistoryStore, id: string, pinned: boolean): Promise<HistoryConversation | null> {
  const found = await store.get(id);
  if (!found) return null;
  const changed: HistoryConversation = { ...found, pinned };
  await store.save(changed);
  return changed;
}

/** Every stored conversation, whole, pinned first then newest (for Export all). */
export async function allConversations(store: HistoryStore): Promise<HistoryConversation[]> {
  const rows = await store.list({ limit: Number.MAX_SAFE_INTEGER });
  const found = await Promise.all(rows.map((row) => store.get(row.id)));
  return found.filter((conversation): conversation is HistoryConversation => conversation !== null);
}
