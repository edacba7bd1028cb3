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
import { TurnActionSchema } from '../shared/actions.ts';
import { FIXES, UserErrorSchema, type ErrorCode, type Fix, type UserError } from '../shared/errors.ts';
import {
  MAX_ERROR_DETAIL_CHARS,
  MAX_PORT_TEXT_CHARS,
  MAX_SHORT_TEXT_CHARS,
  MAX_REQUEST_ID_CHARS,
  MAX_TOOL_CALLS,
  MAX_TURNS,
} from '../shared/limits.ts';
import { PageSelectionSchema, ToolCallSchema, UsageSchema, type PageSelection } from '../shared/schemas.ts';
import { defineVersionedItem } from './item.ts';

const field = (max: number) => v.pipe(v.string(), v.maxLength(max));
const text = field(MAX_PORT_TEXT_CHARS);

/** A page selection, as the port carries it. */
export const StoredSelectionSchema = PageSelectionSchema;
export type StoredSelection = PageSelection;

export const STORED_ANSWER_STATUSES = ['streaming', 'retrying', 'complete', 'stopped', 'truncated', 'failed', 'interrupted'] as const;
export type StoredAnswerStatus = (typeof STORED_ANSWER_STATUSES)[number];

const StoredUserTurnSchema = v.object({
  role: v.literal('user'),
  text,
  selection: v.optional(StoredSelectionSchema),
  /** Asked with a user action: its template, filled in by the background (src/shared/actions.ts). */
  action: v.optional(TurnActionSchema),
});

const StoredAssistantTurnSchema = v.object({
  role: v.literal('assistant'),
  requestId: v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_REQUEST_ID_CHARS)),
  text,
  /** A continued answer: its text before the request now running (see the panel's AssistantTurn). */
  prefix: v.optional(text),
  /** The provider's stop reason (end_turn, max_tokens, ...), once it ended. */
  stopReason: v.optional(field(MAX_SHORT_TEXT_CHARS)),
  thinking: v.optional(text),
  /** How long the model reasoned, in ms. */
  thinkingMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  /** 'streaming' / 'retrying': the answer had not ended when this was saved. */
  status: v.picklist(STORED_ANSWER_STATUSES),
  error: v.optional(UserErrorSchema),
  usage: v.optional(UsageSchema),
  toolCalls: v.optional(v.pipe(v.array(ToolCallSchema), v.maxLength(MAX_TOOL_CALLS))),
});

export const StoredTurnSchema = v.variant('role', [StoredUserTurnSchema, StoredAssistantTurnSchema]);
export type StoredUserTurn = v.InferOutput<typeof StoredUserTurnSchema>;
export type StoredAssistantTurn = v.InferOutput<typeof StoredAssistantTurnSchema>;
export type StoredTurn = v.InferOutput<typeof StoredTurnSchema>;

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
