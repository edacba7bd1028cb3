/**
 * The panel's current conversation, draft and staged selection, in `storage.local`, so
 * closing or reloading the panel (or the browser) loses nothing the user typed or
 * received. Full conversation history is a separate feature.
 *
 * This is a format of its own, not the panel's state: only what must outlive the panel
 * (no sequence numbers, retry countdowns or re-attach flags). The panel maps to and from
 * it in src/panel/saved-conversation.ts. The caps are the port's, so anything the panel
 * received can be stored.
 *
 * Version 2. Version 1 was the panel's state as it was (see migrateFromV1).
 */
import * as v from 'valibot';
import { FIXES, type ErrorCode, type Fix, type UserError } from '../shared/errors.ts';
import { MAX_ERROR_DETAIL_CHARS, MAX_PORT_TEXT_CHARS, MAX_TURNS } from '../shared/limits.ts';
import { PageSelectionSchema, type PageSelection } from '../shared/schemas.ts';
import { StoredTurnSchema } from '../shared/stored-turn.ts';
import { defineVersionedItem } from './item.ts';

const field = (max: number) => v.pipe(v.string(), v.maxLength(max));
const text = field(MAX_PORT_TEXT_CHARS);

/** A page selection, as the port carries it. */
export const StoredSelectionSchema = PageSelectionSchema;
export type StoredSelection = PageSelection;

export {
  STORED_ANSWER_STATUSES,
  StoredTurnSchema,
  type StoredAnswerStatus,
  type StoredAssistantTurn,
  type StoredTurn,
  type StoredUserTurn,
} from '../shared/stored-turn.ts';

export const StoredConversationSchema = v.object({
  turns: v.pipe(v.array(StoredTurnSchema), v.maxLength(MAX_TURNS)),
  /** The selection staged above the composer, not yet asked about. */
  selection: v.nullable(StoredSelectionSchema),
  draft: text,
});
export type StoredConversation = v.InferOutput<typeof StoredConversationSchema>;

// --- Version 1 ----------------------------------------------------------------------------

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A version 1 error was `{ code, message, detail?, fix? }` with an English `message` and
 * an older list of codes. The code is kept when it still exists ('internal' otherwise);
 * the sentence the user saw goes into `detail`, before the old detail.
 */
function errorFromV1(old: unknown): UserError | undefined {
  if (!isRecord(old)) return undefined;
  // Version 1 errors were English sentences without the params today's codes are worded
  // with: keep the sentence as it was, under a code that needs none.
  const code: ErrorCode = 'earlier-error';
  const said = [old.message, old.detail].filter((part): part is string => typeof part === 'string' && part !== '').join('\n');
  const error: UserError = { code };
  if (said !== '') error.detail = said.length > MAX_ERROR_DETAIL_CHARS ? `${said.slice(0, MAX_ERROR_DETAIL_CHARS - 1)}…` : said;
  if (FIXES.includes(old.fix as Fix)) error.fix = old.fix as Fix;
  return error;
}

/** A version 1 turn: the panel's turn, with lastSeq, retry and resumable, which are dropped. */
function turnFromV1(old: unknown): unknown {
  if (!isRecord(old) || old.role !== 'assistant') return old;
  const migrated: Record<string, unknown> = { ...old };
  delete migrated.lastSeq;
  delete migrated.retry;
  delete migrated.resumable;
  delete migrated.error;
  const error = errorFromV1(old.error);
  if (error) migrated.error = error;
  return migrated;
}

/** Anything that is not a version 1 conversation is left as it is: it fails the schema and is reset. */
function migrateFromV1(old: unknown): unknown {
  if (!isRecord(old) || !Array.isArray(old.turns)) return old;
  return { ...old, turns: old.turns.map(turnFromV1) };
}

// --- The item -----------------------------------------------------------------------------

const conversationItem = defineVersionedItem<StoredConversation | null>({
  key: 'local:currentConversation',
  version: 2,
  schema: v.nullable(StoredConversationSchema),
  fallback: null,
  migrations: { 2: migrateFromV1 },
});

/** The saved conversation, or null when there is none or it could not be read (never throws). */
export async function loadConversation(): Promise<StoredConversation | null> {
  return conversationItem.getValue();
}

/** Throws when the conversation does not match the schema (a bug in the mapping) or storage fails. */
export async function saveConversation(conversation: StoredConversation): Promise<void> {
  await conversationItem.setValue(conversation);
}

/** Removes the old single conversation (it has moved into history). */
export async function removeConversation(): Promise<void> {
  await conversationItem.removeValue();
}
