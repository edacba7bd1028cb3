/**
 * Conversations the background keeps in memory (a private window's; all of them when
 * IndexedDB cannot be opened; one the full disk refused), copied to `storage.session` on
 * every write so a restarted worker still has them. The background writes the copy; the
 * panel reads it to export what history cannot show.
 */
import * as v from 'valibot';
import { defineVersionedItem } from '../item.ts';
import { HistoryConversationSchema, type HistoryConversation } from './schema.ts';

export const keptInMemoryItem = defineVersionedItem<unknown[]>({
  key: 'session:privateConversations',
  version: 1,
  schema: v.array(v.unknown()),
  fallback: [],
  reportProblems: false,
});

/** The conversations kept in memory, newest first; a record that does not read back is skipped. */
export async function loadKeptInMemory(): Promise<HistoryConversation[]> {
  const records = await keptInMemoryItem.getValue();
  const conversations: HistoryConversation[] = [];
  for (const record of records) {
    const checked = v.safeParse(HistoryConversationSchema, record);
    if (checked.success) conversations.push(checked.output);
  }
  return conversations.sort((a, b) => b.updatedAt - a.updatedAt);
}
