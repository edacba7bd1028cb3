/**
 * Conversations as history keeps them (IndexedDB, see db.ts). A conversation is stored whole
 * in `conversations`; its small summary (title, times, page, a preview) in `summaries`, which
 * is what the list shows; its search words in `search`, which is what search looks up. Neither
 * the list nor search loads a long answer, and the list does not load the search words.
 *
 * Version 1 of the stored format. Every record carries its version, so a later format can
 * migrate records as it reads them.
 *
 * Additions within version 1, each optional, so every earlier record still loads as it is
 * and needs no migration: an answer's `compare` tag (Ask two models, src/shared/compare.ts)
 * marks the answers of one comparison, which follow their question side by side. An Aside
 * from before it drops the tag and shows both answers one after the other. What a record's
 * tags do not settle (no answer chosen, or more than one) reads as "the first one"
 * (keptForFollowUp), so a hand-edited or imported record is never refused for it.
 */
import * as v from 'valibot';
import { MAX_REQUEST_ID_CHARS, MAX_SHORT_TEXT_CHARS, MAX_TURNS, MAX_URL_CHARS } from '../../shared/limits.ts';
import { StoredTurnSchema, type StoredTurn } from '../../shared/stored-turn.ts';
import { searchWords } from './search-words.ts';

export const HISTORY_FORMAT_VERSION = 1;

/** Characters of a title (from the first question, or the user's own). */
export const MAX_TITLE_CHARS = 120;
/** Characters of the preview under a title in the list. */
export const MAX_PREVIEW_CHARS = 200;

const shortText = v.pipe(v.string(), v.maxLength(MAX_SHORT_TEXT_CHARS));

/** The page a conversation was about, from its tab. */
export const ConversationPageSchema = v.object({
  title: shortText,
  url: v.pipe(v.string(), v.maxLength(MAX_URL_CHARS)),
  /** A data: URL or the browser's favicon URL; shown only when it is not remote. */
  favicon: v.optional(v.pipe(v.string(), v.maxLength(MAX_URL_CHARS))),
});
export type ConversationPage = v.InferOutput<typeof ConversationPageSchema>;

const time = v.pipe(v.number(), v.integer(), v.minValue(0));

export const HistoryConversationSchema = v.object({
  version: v.literal(HISTORY_FORMAT_VERSION),
  /** Sortable by creation: see newConversationId. */
  id: v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_REQUEST_ID_CHARS)),
  createdAt: time,
  updatedAt: time,
  /** The user's own title; absent: from the first question. */
  title: v.optional(v.pipe(v.string(), v.maxLength(MAX_TITLE_CHARS))),
  pinned: v.boolean(),
  page: v.optional(ConversationPageSchema),
  turns: v.pipe(v.array(StoredTurnSchema), v.maxLength(MAX_TURNS)),
});
export type HistoryConversation = v.InferOutput<typeof HistoryConversationSchema>;

/** What the list shows and search ranks; derived from a conversation (summaryOf), never edited. */
export interface ConversationSummary {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  /** 1 or 0: IndexedDB cannot index booleans. */
  pinned: 0 | 1;
  page?: ConversationPage;
  preview: string;
  turnCount: number;
}

/**
 * A conversation's search words (title, page title, questions, selections and answers;
 * search-words.ts), kept apart from its summary: a few hundred words per conversation would
 * otherwise be read, and copied, with every row the list shows.
 */
export interface SearchEntry {
  id: string;
  words: string[];
}

/**
 * A new conversation id: the creation time in base 36 (fixed width, so ids sort by time)
 * and a random part. Search orders candidates by id, newest first, without reading them.
 */
export function newConversationId(now: number, random: () => number = Math.random): string {
  const stamp = now.toString(36).padStart(9, '0');
  const tail = Math.floor(random() * 36 ** 6)
    .toString(36)
    .padStart(6, '0');
  return `${stamp}-${tail}`;
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** The title the list shows: the user's, else the first question, else what it was about. */
export function titleOf(conversation: Pick<HistoryConversation, 'title' | 'turns' | 'page'>): string {
  if (conversation.title?.trim()) return clip(oneLine(conversation.title), MAX_TITLE_CHARS);
  for (const turn of conversation.turns) {
    if (turn.role !== 'user') continue;
    const words = oneLine(turn.text) || oneLine(turn.selection?.text ?? '');
    if (words) return clip(words, MAX_TITLE_CHARS);
  }
  return clip(oneLine(conversation.page?.title ?? ''), MAX_TITLE_CHARS);
}

/** Every word a conversation is searched by: its title, page title, questions, selections and answers. */
export function searchableText(conversation: Pick<HistoryConversation, 'title' | 'turns' | 'page'>): string {
  const parts: string[] = [conversation.title ?? '', conversation.page?.title ?? ''];
  for (const turn of conversation.turns) {
    parts.push(turn.text);
    if (turn.role === 'user' && turn.selection) parts.push(turn.selection.text);
  }
  return parts.join('\n');
}

function previewOf(turns: readonly StoredTurn[]): string {
  const answer = turns.findLast((turn) => turn.role === 'assistant' && turn.text.trim() !== '');
  return answer ? clip(oneLine(answer.text.slice(0, MAX_PREVIEW_CHARS * 4)), MAX_PREVIEW_CHARS) : '';
}

export function searchEntryOf(conversation: HistoryConversation): SearchEntry {
  return { id: conversation.id, words: searchWords(searchableText(conversation)) };
}

export function summaryOf(conversation: HistoryConversation): ConversationSummary {
  return {
    id: conversation.id,
    title: titleOf(conversation),
    createdAt: conversation.createdAt,
    updatedAt: conversation.updatedAt,
    pinned: conversation.pinned ? 1 : 0,
    ...(conversation.page ? { page: conversation.page } : {}),
    preview: previewOf(conversation.turns),
    turnCount: conversation.turns.length,
  };
}

/** A title the user typed: one line, cut between characters (never inside a surrogate pair); "" gives the first question back. */
export function userTitle(title: string): string {
  return [...title.replace(/\s+/g, ' ').trim()].slice(0, MAX_TITLE_CHARS).join('');
}
