/**
 * Edits the history view makes to a stored conversation: its title and its pin, each one
 * read-change-write transaction in the store (db.ts), so the background's writes to the
 * same conversation are never lost. Neither moves the conversation in time.
 */
import type { HistoryStore } from './db.ts';
import type { HistoryConversation } from './schema.ts';

/** The user's title (an empty one gives the conversation its first question back). */
export function renameConversation(store: HistoryStore, id: string, title: string): Promise<HistoryConversation | null> {
  // One transaction in the store: a stream the background is writing into it is not undone.
  return store.rename(id, title);
}

export function setConversationPinned(store: HistoryStore, id: string, pinned: boolean): Promise<HistoryConversation | null> {
  return store.setPinned(id, pinned);
}

/** Every stored conversation, whole, pinned first then newest (for Export all). */
export async function allConversations(store: HistoryStore): Promise<HistoryConversation[]> {
  const rows = await store.list({ limit: Number.MAX_SAFE_INTEGER });
  const found = await Promise.all(rows.map((row) => store.get(row.id)));
  return found.filter((conversation): conversation is HistoryConversation => conversation !== null);
}
