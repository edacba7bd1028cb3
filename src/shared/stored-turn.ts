/**
 * One turn of a conversation as it is stored (history, and the port's conversation.save):
 * only what must outlive the panel, no sequence numbers, retry countdowns or re-attach flags.
 * In shared because both storage and the port protocol carry it.
 */
import * as v from 'valibot';
import { TurnActionSchema } from './actions.ts';
import { AnswerMetricsSchema } from './answer-metrics.ts';
import { CompareTagSchema } from './compare.ts';
import { UserErrorSchema } from './errors.ts';
import { MAX_PORT_TEXT_CHARS, MAX_REQUEST_ID_CHARS, MAX_SHORT_TEXT_CHARS, MAX_TOOL_CALLS } from './limits.ts';
import { PageSelectionSchema, ToolCallSchema, UsageSchema } from './schemas.ts';

const field = (max: number) => v.pipe(v.string(), v.maxLength(max));
const text = field(MAX_PORT_TEXT_CHARS);
const StoredSelectionSchema = PageSelectionSchema;

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
  /** The answer's numbers, measured by the background (src/shared/answer-metrics.ts). */
  metrics: v.optional(AnswerMetricsSchema),
  /** One of the answers of a comparison ("Ask two models", src/shared/compare.ts). */
  compare: v.optional(CompareTagSchema),
});

export const StoredTurnSchema = v.variant('role', [StoredUserTurnSchema, StoredAssistantTurnSchema]);
export type StoredUserTurn = v.InferOutput<typeof StoredUserTurnSchema>;
export type StoredAssistantTurn = v.InferOutput<typeof StoredAssistantTurnSchema>;
export type StoredTurn = v.InferOutput<typeof StoredTurnSchema>;
