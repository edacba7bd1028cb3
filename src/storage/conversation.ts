/**
 * The panel's current conversation, draft and staged selection, in `storage.local`, so
 * closing or reloading the panel (or the browser) loses nothing the user typed or
 * received. Full conversation history is a separate feature.
 */
import { storage } from 'wxt/utils/storage';
import type { SavedConversation } from '../panel/state.ts';

const conversationItem = storage.defineItem<SavedConversation | null>('local:currentConversation', { fallback: null });

export async function loadConversation(): Promise<SavedConversation | null> {
  try {
    return await conversationItem.getValue();
  } catch {
    return null;
  }
}

export async function saveConversation(saved: SavedConversation): Promise<void> {
  await conversationItem.setValue(saved);
}
