/**
 * The typed protocol spoken over the `runtime.Port` between the side panel and the
 * background. Both ends validate every message they receive with these schemas: a port
 * is a trust boundary, and a malformed message must be dropped, never half-handled.
 */
import * as v from 'valibot';
import { CustomEndpointSchema, CustomReadingSchema } from '../shared/custom-endpoint.ts';
import { UserErrorSchema } from '../shared/errors.ts';
import { ActionIdSchema, TurnActionSchema } from '../shared/actions.ts';
import { ProviderIdSchema } from '../shared/ids.ts';
import { ModelOptionsByProviderSchema, ModelOptionsSchema } from '../shared/model-options.ts';
import { AnswerMetricsSchema } from '../shared/answer-metrics.ts';
import { ModelChoiceSchema } from '../shared/compare.ts';
import { PageSelectionSchema, ToolCallSchema, UsageSchema } from '../shared/schemas.ts';
import { StoredTurnSchema } from '../shared/stored-turn.ts';
import {
  MAX_GAP_POINTS,
  MAX_KEY_CHARS,
  MAX_MODEL_CHARS,
  MAX_MODEL_ID_CHARS,
  MAX_MODELS,
  MAX_PORT_TEXT_CHARS,
  MAX_PREVIEW_CHARS,
  MAX_RAW_EVENTS,
  MAX_REQUEST_ID_CHARS,
  MAX_SHORT_TEXT_CHARS,
  MAX_TOOL_CALLS,
  MAX_TURNS,
  MAX_URL_CHARS,
} from '../shared/limits.ts';

export type { ErrorCode, Fix, UserError } from '../shared/errors.ts';
export type { ModelOptions, ModelOptionsByProvider, ReasoningEffort } from '../shared/model-options.ts';
export type { PageSelection, ToolCall, Usage } from '../shared/schemas.ts';
export type { StoredTurn } from '../shared/stored-turn.ts';
export type { CompareTag, ModelChoice } from '../shared/compare.ts';
export { PageSelectionSchema, UsageSchema } from '../shared/schemas.ts';

/** The name every panel port connects with; ports with any other name are refused. */
export const PANEL_PORT_NAME = 'aside-panel';

const field = (max: number) => v.pipe(v.string(), v.maxLength(max));
const text = field(MAX_PORT_TEXT_CHARS);
const shortText = field(MAX_SHORT_TEXT_CHARS);
const requestId = v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_REQUEST_ID_CHARS));
const seq = v.pipe(v.number(), v.integer(), v.minValue(0));
const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const tabId = v.pipe(v.number(), v.integer(), v.minValue(0));
const conversationId = v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_REQUEST_ID_CHARS));

/** Where the panel's conversation is kept (see src/background/conversations.ts). */
export const STORAGE_STATES = ['disk', 'private', 'memory', 'full'] as const;
const StorageStateSchema = v.picklist(STORAGE_STATES);
export type StorageState = (typeof STORAGE_STATES)[number];

/** The page a conversation is about, from its tab. */
const ConversationPageSchema = v.object({
  title: field(MAX_SHORT_TEXT_CHARS),
  url: field(MAX_URL_CHARS),
  favicon: v.optional(field(MAX_URL_CHARS)),
});

/** One turn of the conversation as the panel holds it. The background builds the prompt. */
const TurnSchema = v.variant('role', [
  /** action: a user action's template, which the background fills in (the text is what the panel shows). */
  v.object({ role: v.literal('user'), text, selection: v.optional(PageSelectionSchema), action: v.optional(TurnActionSchema) }),
  v.object({ role: v.literal('assistant'), text }),
]);
export type ConversationTurn = v.InferOutput<typeof TurnSchema>;

/**
 * Settings the panel may write. `apiKey: null` keeps the stored key of that provider;
 * "" forgets it. The rest is checked again by the background.
 */
const SettingsInputSchema = v.object({
  provider: v.optional(ProviderIdSchema, 'anthropic'),
  apiKey: v.nullable(field(MAX_KEY_CHARS)),
  model: field(MAX_MODEL_CHARS),
  baseUrl: field(MAX_URL_CHARS),
  custom: v.optional(v.nullable(CustomEndpointSchema), null),
  /**
   * The chosen provider's model options, within the loosest bounds any provider allows
   * (checkSettings applies the provider's own); absent: the defaults.
   */
  options: v.optional(ModelOptionsSchema),
  /**
   * Save only: the origin the user confirmed the stored key may now go to, when the address
   * changed and the key was not typed again (providers/key-destination.ts).
   */
  keyTo: v.optional(field(MAX_URL_CHARS)),
});
export type SettingsInput = v.InferInput<typeof SettingsInputSchema>;

/** What the panel may know about settings: whether keys are set, never the keys. */
const PublicSettingsSchema = v.object({
  provider: ProviderIdSchema,
  hasKey: v.boolean(),
  /** Providers that have a stored key (so switching provider shows it). */
  providersWithKey: v.array(ProviderIdSchema),
  model: v.string(),
  baseUrl: v.string(),
  custom: v.nullable(CustomEndpointSchema),
  /** Each provider's model options (absent, or a provider missing: the defaults). */
  modelOptions: v.optional(ModelOptionsByProviderSchema),
});
export type PublicSettings = v.InferOutput<typeof PublicSettingsSchema>;

const ModelInfoSchema = v.object({
  id: field(MAX_MODEL_ID_CHARS),
  label: field(MAX_MODEL_ID_CHARS),
  contextWindow: v.optional(v.pipe(count, v.minValue(1))),
});

/** How many addresses one Find local models click may probe. */
export const MAX_LOCAL_ADDRESSES = 16;

const LocalProbeResultSchema = v.union([
  v.object({
    origin: field(MAX_URL_CHARS),
    server: v.object({
      origin: field(MAX_URL_CHARS),
      kind: v.picklist(['ollama', 'lmstudio', 'llamacpp', 'vllm', 'openai-compatible']),
      models: v.pipe(v.array(ModelInfoSchema), v.maxLength(MAX_MODELS)),
    }),
  }),
  v.object({ origin: field(MAX_URL_CHARS), error: UserErrorSchema }),
]);
export type LocalProbeResult = v.InferOutput<typeof LocalProbeResultSchema>;

/** The request as sent, with the key masked: for the details view and "Copy as cURL". */
const SentRequestSchema = v.object({
  url: field(MAX_URL_CHARS),
  method: shortText,
  headers: v.pipe(v.array(v.tuple([shortText, shortText])), v.maxLength(100)),
  body: text,
});

/** One answer's stream, for the details view: the raw events, the body as received, the gaps. */
export const StreamDetailsSchema = v.object({
  request: v.nullable(SentRequestSchema),
  events: v.pipe(v.array(v.object({ atMs: count, event: shortText, data: text, id: shortText })), v.maxLength(MAX_RAW_EVENTS)),
  /** Older events left out of `events` (the ring keeps the newest). */
  eventsDropped: count,
  /** The body as received, decoded as UTF-8 once (so multi-byte characters split across chunks are whole). */
  sse: text,
  /** Bytes received beyond what `sse` keeps. */
  sseBytesDropped: count,
  /** Gaps between deltas in ms, in order (thinned evenly when there are many). */
  gaps: v.pipe(v.array(count), v.maxLength(MAX_GAP_POINTS)),
  /** A custom endpoint's answer: how its events were read (the view shows what each gave). */
  customReading: v.nullable(CustomReadingSchema),
});
export type StreamDetails = v.InferOutput<typeof StreamDetailsSchema>;
export type SentRequest = v.InferOutput<typeof SentRequestSchema>;

/** What "Test connection" found: the model answered, a custom stream's extracted text, or why not. */
const ConnectionTestResultSchema = v.variant('kind', [
  v.object({ kind: v.literal('connected'), model: field(MAX_MODEL_ID_CHARS) }),
  v.object({ kind: v.literal('preview'), text: field(MAX_PREVIEW_CHARS + 1), complete: v.boolean() }),
  v.object({ kind: v.literal('failed'), error: UserErrorSchema }),
]);
export type ConnectionTestResult = v.InferOutput<typeof ConnectionTestResultSchema>;

export const PanelMessageSchema = v.variant('type', [
  /**
   * Sent on connect: the background answers with settings and any selection waiting for
   * a panel in this window (windowId: the panel's window, absent when it is unknown).
   */
  v.object({
    type: v.literal('hello'),
    windowId: v.optional(v.pipe(v.number(), v.integer())),
    /** The tab whose conversation this panel shows (absent: the tab the panel page is in, if any). */
    tabId: v.optional(tabId),
  }),
  /** The panel now follows another tab (the user switched tabs): send that tab's conversation. */
  v.object({ type: v.literal('conversation.tab'), tabId }),
  /** Load an old conversation from history into this panel's tab, and continue it there. */
  v.object({ type: v.literal('conversation.open'), id: conversationId }),
  /** Start a new, empty chat in this panel's tab (the old one stays in history). */
  v.object({ type: v.literal('conversation.new') }),
  /**
   * The conversation's turns as the panel holds them, when they change (a question asked, an
   * answer retried or edited). The background merges in the answers it is streaming and writes.
   */
  v.object({
    type: v.literal('conversation.save'),
    id: conversationId,
    turns: v.pipe(v.array(StoredTurnSchema), v.maxLength(MAX_TURNS)),
  }),
  /**
   * The panel is closing: the background writes its draft (storage/drafts.ts), since a write
   * a closing page starts itself may not finish (Firefox drops it).
   */
  v.object({
    type: v.literal('draft.keep'),
    id: conversationId,
    draft: text,
    selection: v.nullable(PageSelectionSchema),
  }),
  v.object({ type: v.literal('save-settings'), settings: SettingsInputSchema }),
  v.object({ type: v.literal('test-connection'), requestId, settings: SettingsInputSchema }),
  /** List the models the provider serves, with the settings as typed. */
  v.object({ type: v.literal('list-models'), requestId, settings: SettingsInputSchema }),
  /** Find local models: probe these addresses (the usual local ones and any typed), after the panel asked for their host permission. */
  v.object({
    type: v.literal('find-local-models'),
    requestId,
    addresses: v.pipe(v.array(field(MAX_URL_CHARS)), v.minLength(1), v.maxLength(MAX_LOCAL_ADDRESSES)),
  }),
  v.object({
    type: v.literal('ask'),
    requestId,
    turns: v.pipe(v.array(TurnSchema), v.minLength(1), v.maxLength(MAX_TURNS)),
    /** Continue: the last turn is a partial answer for the model to carry on from (its text is not resent to the panel). */
    continue: v.optional(v.boolean()),
    /** Compare models: this answer is asked of this provider and model instead of the ones in settings. */
    choice: v.optional(ModelChoiceSchema),
  }),
  v.object({ type: v.literal('stop'), requestId }),
  /** The stream details of an answer of the conversation this panel shows (one of the last MAX_KEPT_DETAILS). */
  v.object({ type: v.literal('stream-details'), requestId }),
  /** The panel deleted conversations from history: the background deletes their answers' stream details. */
  v.object({ type: v.literal('history.deleted') }),
  /**
   * Measure a request before it is sent (the budget line): the turns as they would be asked.
   * A newer one from the same panel cancels the one in flight, which then gets no answer.
   */
  v.object({ type: v.literal('count-tokens'), requestId, turns: v.pipe(v.array(TurnSchema), v.minLength(1), v.maxLength(MAX_TURNS)) }),
  /** Re-attach to an answer this panel was showing before it closed or lost its port. */
  v.object({ type: v.literal('attach'), requestId }),
  /** Read the selection of the page the user is looking at (windowId: the panel's window). */
  v.object({ type: v.literal('read-selection'), windowId: v.optional(v.pipe(v.number(), v.integer())) }),
  /** Read the whole page's readable text ("Ask about this page"); answered with a selection whose source is 'page'. */
  v.object({ type: v.literal('read-page'), windowId: v.optional(v.pipe(v.number(), v.integer())) }),
]);
/** What a panel sends (fields with defaults may be left out). */
export type PanelMessage = v.InferInput<typeof PanelMessageSchema>;
/** What the background handles: a panel message after validation, defaults filled in. */
export type ReceivedPanelMessage = v.InferOutput<typeof PanelMessageSchema>;

const EndSchema = v.object({
  type: v.literal('end'),
  requestId,
  seq,
  /** The provider's stop reason (end_turn, max_tokens, ...), null when stopped or cut. */
  stopReason: v.nullable(v.string()),
  /** How the answer ended: finished normally, stopped by the user, or cut off upstream. */
  outcome: v.picklist(['complete', 'stopped', 'truncated']),
  /** The answer's numbers (time to first token, gaps, model); absent when no request was made. */
  metrics: v.optional(AnswerMetricsSchema),
});
const FailedSchema = v.object({
  type: v.literal('failed'),
  requestId,
  seq,
  error: UserErrorSchema,
  metrics: v.optional(AnswerMetricsSchema),
});

/** A selection handed to the panel (context menu, keyboard command, or read-selection). */
export const SelectionMessageSchema = v.object({
  type: v.literal('selection'),
  selection: PageSelectionSchema,
  /** The action to run on it (a built-in one's or a user's id); null: none, the user asks. */
  action: v.nullable(ActionIdSchema),
  /** The whole page's readable text, read with the selection for an action that uses {{page}}. */
  page: v.optional(PageSelectionSchema),
  /** Why the page could not be read with the selection ({{page}} then falls back to the selection). */
  pageError: v.optional(UserErrorSchema),
});

/** An error outside any answer stream (a selection that could not be read, bad settings). */
export const NoticeMessageSchema = v.object({ type: v.literal('notice'), error: UserErrorSchema });

/**
 * The answer so far, for a panel that re-attached: the whole text and reasoning up to
 * `seq` (-1: nothing yet), and how it ended if it has. Later stream messages follow.
 */
export const SnapshotSchema = v.object({
  type: v.literal('snapshot'),
  requestId,
  seq: v.pipe(v.number(), v.integer(), v.minValue(-1)),
  text,
  thinking: text,
  usage: UsageSchema,
  toolCalls: v.pipe(v.array(ToolCallSchema), v.maxLength(MAX_TOOL_CALLS)),
  final: v.nullable(v.variant('type', [EndSchema, FailedSchema])),
});

export const BackgroundMessageSchema = v.variant('type', [
  /**
   * The conversation this panel shows now (after hello, a tab switch, conversation.open or
   * .new). Answers still streaming have status 'streaming': the panel re-attaches to them.
   */
  v.object({
    type: v.literal('conversation'),
    id: conversationId,
    turns: v.pipe(v.array(StoredTurnSchema), v.maxLength(MAX_TURNS)),
    page: v.optional(ConversationPageSchema),
    storage: StorageStateSchema,
  }),
  /** Where a conversation is kept changed (the disk filled up mid-answer: it stays in memory). */
  v.object({ type: v.literal('storage'), id: conversationId, storage: StorageStateSchema }),
  v.object({ type: v.literal('settings'), settings: PublicSettingsSchema }),
  SelectionMessageSchema,
  NoticeMessageSchema,
  v.object({
    type: v.literal('models'),
    requestId,
    models: v.pipe(v.array(ModelInfoSchema), v.maxLength(MAX_MODELS)),
    /** Why the list could not be loaded; the model field still accepts a typed name. */
    error: v.optional(UserErrorSchema),
  }),
  v.object({ type: v.literal('connection-test'), requestId, result: ConnectionTestResultSchema }),
  /** What Find local models found: per address, the server with its models, or why nothing. */
  v.object({
    type: v.literal('local-models'),
    requestId,
    results: v.pipe(v.array(LocalProbeResultSchema), v.maxLength(MAX_LOCAL_ADDRESSES)),
  }),
  /** The answer's stream details; null when they are no longer kept (too old, or never stored). */
  v.object({ type: v.literal('stream-details'), requestId, details: v.nullable(StreamDetailsSchema) }),
  /** A count-tokens answer: the request's size and the model's window (null: unknown). */
  v.object({
    type: v.literal('token-count'),
    requestId,
    /** Counted by the provider when exact (Anthropic's count_tokens), else the estimate. */
    inputTokens: count,
    exact: v.boolean(),
    /** The request's estimate, with which the panel scales its cuts to a count. */
    requestEstimate: count,
    maxOutputTokens: count,
    contextWindow: v.nullable(v.pipe(count, v.minValue(1))),
    windowSource: v.optional(v.picklist(['provider', 'table'])),
  }),
  // Stream messages: each carries its request id and a per-request sequence number
  // starting at 0, so a panel can drop duplicates and re-attach to a stream in flight.
  v.object({ type: v.literal('delta'), requestId, seq, text }),
  /** Reasoning text (Anthropic thinking, DeepSeek reasoning_content, ...), shown apart from the answer. */
  v.object({ type: v.literal('thinking'), requestId, seq, text }),
  /** Token usage so far, as the provider reported it (kept on the answer for the numbers line). */
  v.object({ type: v.literal('usage'), requestId, seq, usage: UsageSchema }),
  /** A tool call began (index: the provider's block or call index). */
  v.object({ type: v.literal('tool-start'), requestId, seq, index: count, id: shortText, name: shortText }),
  /** A fragment of a tool call's JSON input. */
  v.object({ type: v.literal('tool-input'), requestId, seq, index: count, json: text }),
  v.object({
    type: v.literal('retrying'),
    requestId,
    seq,
    error: UserErrorSchema,
    /** Seconds until the next attempt. */
    inSeconds: v.pipe(v.number(), v.minValue(0)),
  }),
  EndSchema,
  FailedSchema,
  SnapshotSchema,
  /** The background knows nothing of that answer (it was restarted): it stays interrupted. */
  v.object({ type: v.literal('attach-failed'), requestId }),
]);
export type BackgroundMessage = v.InferOutput<typeof BackgroundMessageSchema>;
export type StreamMessage = Extract<
  BackgroundMessage,
  { type: 'delta' | 'thinking' | 'usage' | 'tool-start' | 'tool-input' | 'retrying' | 'end' | 'failed' }
>;
export type SnapshotMessage = Extract<BackgroundMessage, { type: 'snapshot' }>;
export type ConversationMessage = Extract<BackgroundMessage, { type: 'conversation' }>;

/** Validates a message from the panel; null when it does not match the protocol. */
export function parsePanelMessage(input: unknown): ReceivedPanelMessage | null {
  const result = v.safeParse(PanelMessageSchema, input);
  return result.success ? result.output : null;
}

/** Validates a message from the background; null when it does not match the protocol. */
export function parseBackgroundMessage(input: unknown): BackgroundMessage | null {
  const result = v.safeParse(BackgroundMessageSchema, input);
  return result.success ? result.output : null;
}
