/**
 * Reading a JSON export (export.ts) back, as a dry run: what would be added, what is
 * already there, and what is refused and why. Nothing is written here; the view shows the
 * plan and saves `plan.fresh` once the user confirms.
 *
 * A file is hostile until checked: its size is bounded before it is parsed, the number of
 * conversations before any is checked (MAX_IMPORT_CONVERSATIONS), `__proto__` keys are
 * dropped as it is parsed, and each conversation is validated by the stored format's own
 * schema, whose output keeps only the fields it knows.
 */
import * as v from 'valibot';
import { MAX_IMPORT_BYTES, MAX_IMPORT_CONVERSATIONS, MAX_IMPORT_REASONS } from '../../shared/limits.ts';
import {
  HistoryConversationSchema,
  summaryOf,
  type ConversationSummary,
  type HistoryConversation,
} from '../../storage/history/schema.ts';
import { EXPORT_FORMAT, EXPORT_VERSION } from './export.ts';

/** Why a whole file is refused. */
export type ImportFileProblem =
  | { reason: 'too-large'; max: number }
  | { reason: 'not-json' }
  | { reason: 'not-an-export' }
  | { reason: 'wrong-version'; version: string }
  | { reason: 'too-many'; count: number; max: number };

/** A conversation refused: its place in the file (from 1) and the first field that is wrong. */
export interface RejectedConversation {
  position: number;
  field: string;
}

export interface ImportPlan {
  /** What would be added, checked. */
  fresh: HistoryConversation[];
  /** Already stored (same id, or the same content), or in the file twice. */
  already: number;
  /** The first MAX_IMPORT_REASONS refused conversations, with why. */
  rejected: RejectedConversation[];
  rejectedCount: number;
}

export type ImportCheck = { ok: true; plan: ImportPlan } | { ok: false; problem: ImportFileProblem };

/** What is stored already, from the list's summaries. */
export interface ExistingHistory {
  ids: ReadonlySet<string>;
  contents: ReadonlySet<string>;
}

/**
 * Two conversations with the same key have the same content (created at the same
 * millisecond, as many turns, the same last answer), whatever their ids and titles.
 */
export function contentKey(summary: Pick<ConversationSummary, 'createdAt' | 'turnCount' | 'preview'>): string {
  return `${summary.createdAt}\u0000${summary.turnCount}\u0000${summary.preview}`;
}

export function existingFrom(summaries: readonly ConversationSummary[]): ExistingHistory {
  return { ids: new Set(summaries.map((s) => s.id)), contents: new Set(summaries.map(contentKey)) };
}

/** Drops `__proto__` keys while parsing: they would otherwise be own properties that later code could trip over. */
const withoutProtoKeys = (key: string, value: unknown) => (key === '__proto__' ? undefined : value);

const EnvelopeSchema = v.object({
  format: v.literal(EXPORT_FORMAT),
  version: v.unknown(),
  conversations: v.array(v.unknown()),
});

function fieldOf(issues: readonly v.BaseIssue<unknown>[]): string {
  const path = issues[0]?.path?.map((item) => String(item.key)) ?? [];
  return path.length > 0 ? path.join('.') : '—';
}

export function checkImport(text: string, existing: ExistingHistory): ImportCheck {
  if (text.length > MAX_IMPORT_BYTES) return { ok: false, problem: { reason: 'too-large', max: MAX_IMPORT_BYTES } };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text, withoutProtoKeys);
  } catch {
    return { ok: false, problem: { reason: 'not-json' } };
  }
  const envelope = v.safeParse(EnvelopeSchema, parsed);
  if (!envelope.success) return { ok: false, problem: { reason: 'not-an-export' } };
  const { version, conversations } = envelope.output;
  if (version !== EXPORT_VERSION) {
    return { ok: false, problem: { reason: 'wrong-version', version: String(version).slice(0, 20) } };
  }
  if (conversations.length > MAX_IMPORT_CONVERSATIONS) {
    return { ok: false, problem: { reason: 'too-many', count: conversations.length, max: MAX_IMPORT_CONVERSATIONS } };
  }
  const plan: ImportPlan = { fresh: [], already: 0, rejected: [], rejectedCount: 0 };
  const ids = new Set(existing.ids);
  const contents = new Set(existing.contents);
  conversations.forEach((candidate, i) => {
    const result = v.safeParse(HistoryConversationSchema, candidate);
    if (!result.success) {
      plan.rejectedCount++;
      if (plan.rejected.length < MAX_IMPORT_REASONS) plan.rejected.push({ position: i + 1, field: fieldOf(result.issues) });
      return;
    }
    const conversation = result.output;
    const key = contentKey(summaryOf(conversation));
    if (ids.has(conversation.id) || contents.has(key)) {
      plan.already++;
      return;
    }
    ids.add(conversation.id);
    contents.add(key);
    plan.fresh.push(conversation);
  });
  return { ok: true, plan };
}
