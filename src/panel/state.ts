/**
 * The side panel's state and every way it changes, as a pure reducer: the conversation,
 * the selection waiting to be asked about, the draft, settings as the panel may see them,
 * and the one notice on screen. Nothing here talks to the browser.
 */
import { conversationBudget, isOverBudget, type TokenCount } from './budget.ts';
import type {
  BackgroundMessage,
  ConnectionTestResult,
  ConversationTurn,
  LocalProbeResult,
  PageSelection,
  PublicSettings,
  StorageState,
  StreamDetails,
  ToolCall,
  Usage,
  UserError,
} from '../messaging/protocol.ts';
import { presetFor } from '../providers/catalog.ts';
import type { TurnAction } from '../shared/actions.ts';
import type { AnswerMetrics } from '../shared/answer-metrics.ts';
import { keptForFollowUp, type CompareTag, type ModelChoice } from '../shared/compare.ts';
import { userError } from '../shared/errors.ts';
import { MAX_QUESTION_CHARS, MAX_TURNS } from '../shared/limits.ts';

export { MAX_QUESTION_CHARS, MAX_TURNS } from '../shared/limits.ts';

export type AnswerStatus = 'streaming' | 'retrying' | 'complete' | 'stopped' | 'truncated' | 'failed' | 'interrupted';

export interface UserTurn {
  role: 'user';
  /** What the panel shows; for a user action, its name (the background fills in `action`'s template). */
  text: string;
  selection?: PageSelection;
  action?: TurnAction;
}

export interface AssistantTurn {
  role: 'assistant';
  requestId: string;
  /** The whole answer as shown: `prefix` (earlier requests, for a continued answer) plus this request's text. */
  text: string;
  /**
   * A continued answer: the text it had before this request (trailing whitespace trimmed,
   * as the model carries on from it); this request's deltas are appended to it.
   */
  prefix?: string;
  /** The provider's stop reason once it ended (end_turn, max_tokens, length, ...). */
  stopReason?: string;
  /** Reasoning the model showed before its answer (absent when it showed none). */
  thinking?: string;
  /** When the first reasoning arrived here (ms since the epoch); transient, for thinkingMs. */
  thinkingSince?: number;
  /** How long the model reasoned: from its first reasoning to its first answer text (or the end). */
  thinkingMs?: number;
  /** Token counts as the provider reported them (absent until it does). */
  usage?: Usage;
  /** Tool calls the model made, by the provider's index; `json` is the input as streamed. */
  toolCalls?: ToolCall[];
  /** The answer's numbers, from the background once it ended (absent before, or when no request was made). */
  metrics?: AnswerMetrics;
  status: AnswerStatus;
  /** Highest stream sequence number applied; older or repeated messages are ignored. */
  lastSeq: number;
  error?: UserError;
  /** While waiting to retry: why, and how long. */
  retry?: { error: UserError; inSeconds: number };
  /**
   * Interrupted on this side only (the panel closed or lost its port): the background may
   * still have it, so the panel asks to re-attach when it connects.
   */
  resumable?: boolean;
  /** One of the two answers of a comparison (Ask two models): who answers, and whether a follow-up continues with it. */
  compare?: CompareTag;
}

export type { ToolCall } from '../messaging/protocol.ts';

export type Turn = UserTurn | AssistantTurn;

export interface PanelState {
  /** null until the background has answered the panel's hello. */
  settings: PublicSettings | null;
  settingsOpen: boolean;
  turns: Turn[];
  /** The selection shown above the composer, not yet asked about. */
  selection: PageSelection | null;
  /** The whole page, read with the staged selection for actions that use {{page}} (null: not read). */
  selectionPage: PageSelection | null;
  draft: string;
  notice: UserError | null;
  /**
   * The background has shown this panel its conversation since the port (re)opened (use-panel
   * dispatches `connected` then): only then does the panel take commands, since that
   * conversation replaces what is shown.
   */
  connected: boolean;
  /** "Test connection": running, then what it found (the result is absent while running). */
  connectionTest: { requestId: string; status: 'running' | 'ok' | 'failed'; result?: ConnectionTestResult } | null;
  /** The provider's models, for the settings form's model picker. */
  models: { requestId: string; status: 'loading' | 'done'; list: { id: string; label: string }[]; error?: UserError } | null;
  /** Find local models: probing (results empty), then what each address gave. */
  localModels: { requestId: string; status: 'probing' | 'done'; results: LocalProbeResult[] } | null;
  /** The index of the user turn being edited in place ("Edit and resend"), or null. */
  editing: number | null;
  /** The conversation shown (one per tab, from the background), null until it arrives. */
  conversationId: string | null;
  /** Where it is kept: a private window's and a full disk's stay in memory (the panel says so). */
  storage: StorageState;
  /** The stream details view: which answer, and its details once the background sent them (null: it has them no more). */
  streamDetails: { requestId: string; status: 'loading' | 'ready'; details: StreamDetails | null } | null;
  /**
   * The budget count of the staged selection: asked (result null) or answered. `selection` is
   * the staged selection it measured, so a count of an older one is never shown for a newer.
   */
  tokenCount: {
    requestId: string;
    /** The staged selection measured; null: a follow-up's, the conversation itself. */
    selection: PageSelection | null;
    /** How many leading turns the measured request left out (see `leftOut`). */
    leftOut: number;
    result: TokenCount | null;
  } | null;
  /**
   * How many of the conversation's first turns are not sent with the next questions: the user
   * left them out when the conversation outgrew the model's window (0: everything is sent).
   * Always a whole number of exchanges, so what is sent starts with a question.
   */
  leftOut: number;
  /**
   * Ask two models: whether its picker shows, the second provider and model (the last one
   * used, from storage; null: none yet), and that provider's models once loaded.
   */
  compare: {
    open: boolean;
    choice: ModelChoice | null;
    models: { requestId: string; status: 'loading' | 'done'; list: { id: string; label: string }[]; error?: UserError } | null;
  };
}

export type { TokenCount } from './budget.ts';

export const initialState: PanelState = {
  settings: null,
  settingsOpen: false,
  turns: [],
  selection: null,
  selectionPage: null,
  draft: '',
  notice: null,
  connected: false,
  connectionTest: null,
  models: null,
  localModels: null,
  editing: null,
  conversationId: null,
  storage: 'disk',
  streamDetails: null,
  tokenCount: null,
  leftOut: 0,
  compare: { open: false, choice: null, models: null },
};

export type PanelAction =
  /** `at`: when it arrived (Date.now()), for the time the model spent reasoning; absent: unknown. */
  | { type: 'background'; message: BackgroundMessage; at?: number }
  | { type: 'connected' }
  | { type: 'disconnected' }
  /** The saved conversation, mapped from storage by fromStored (saved-conversation.ts). */
  | { type: 'restore'; saved: Pick<PanelState, 'turns' | 'selection' | 'draft'> }
  | { type: 'draft'; text: string }
  /** `prompt`: asked with a user action (the question is its name). */
  | { type: 'ask'; requestId: string; question: string; prompt?: TurnAction; selection?: PageSelection }
  /** The budget of the staged selection (null: of the conversation, for a follow-up) is being measured under this request id. */
  | { type: 'count-tokens'; requestId: string; selection: PageSelection | null }
  /** The conversation's first `count` turns are left out of what is sent (0: none). */
  | { type: 'leave-out'; count: number }
  /** The staged selection is replaced by a part of itself the user chose (first part, sections). */
  | { type: 'stage-selection'; selection: PageSelection }
  /** Retry or Regenerate: the answer is replaced by a new one to the same conversation. */
  | { type: 'retry'; requestId: string; newRequestId: string }
  /** Continue: the answer carries on under a new request, appended to what it has. */
  | { type: 'continue'; requestId: string; newRequestId: string }
  | { type: 'edit-start'; index: number }
  | { type: 'edit-cancel' }
  /** Edit and resend: the user turn at `index` gets this text, and everything after it is replaced by a new answer. */
  | { type: 'edit-resend'; index: number; question: string; requestId: string }
  | { type: 'discard-selection' }
  | { type: 'new-conversation' }
  | { type: 'dismiss-notice' }
  | { type: 'open-settings'; open: boolean }
  | { type: 'test-connection'; requestId: string }
  | { type: 'list-models'; requestId: string }
  | { type: 'find-local-models'; requestId: string }
  | { type: 'open-details'; requestId: string }
  | { type: 'close-details' }
  /** Ask two models: show or hide its picker. */
  | { type: 'compare-open'; open: boolean }
  /** The second provider and model (typed, picked, or read from storage). */
  | { type: 'compare-choice'; choice: ModelChoice }
  /** The second provider's models are being listed under this request id. */
  | { type: 'compare-list-models'; requestId: string }
  /** The staged question asked of two models: `answers` in column order, the first as in settings. */
  | { type: 'ask-compare'; question: string; answers: readonly [ComparedAnswer, ComparedAnswer] }
  /** A follow-up continues with this answer of its comparison. */
  | { type: 'pick-answer'; requestId: string };

/** One column of an ask-compare: its request, and who answers it. */
export interface ComparedAnswer {
  requestId: string;
  provider: CompareTag['provider'];
  model: string;
}

/** Settings that can answer: a key, or a provider that needs none (a local server). */
export function isReady(settings: PublicSettings): boolean {
  return settings.hasKey || !presetFor(settings.provider).needsKey;
}

export function isLive(status: AnswerStatus): boolean {
  return status === 'streaming' || status === 'retrying';
}

/** Answers to re-attach to once the port is up. */
export function resumableRequestIds(state: PanelState): string[] {
  return state.turns.flatMap((turn) => (turn.role === 'assistant' && turn.resumable ? [turn.requestId] : []));
}

export function isAnswering(state: PanelState): boolean {
  return state.turns.some((turn) => turn.role === 'assistant' && isLive(turn.status));
}

/**
 * The conversation as sent to the background: the turns before the given index, with one
 * answer of each comparison (the chosen one). The parts of a text sent one after another
 * (the budget's "parts" choice) go without their text once a later question follows: all of
 * them together are what did not fit the model's window; their questions and answers stay.
 * The first `leftOut` turns are not sent when the user left them out to fit the window.
 */
export function turnsForRequest(turns: readonly Turn[], upTo = turns.length, leftOut = 0): ConversationTurn[] {
  const before = turns.slice(0, upTo);
  const kept = keptForFollowUp(before);
  const lastQuestion = before.findLastIndex((turn) => turn.role === 'user');
  // The turns the user left out to fit the window (`leftOut` in PanelState); a request about
  // an answer from before the cut (a Retry there) sends everything, as it was first sent.
  const from = leftOut <= lastQuestion || leftOut === upTo ? leftOut : 0;
  return before
    .map((turn, index) => ({ turn, index }))
    .filter(({ index }) => index >= from && kept.has(index))
    .map(({ turn, index }) => {
      if (turn.role === 'assistant') return { role: 'assistant' as const, text: turn.text };
      const earlierPart = turn.selection?.excerpt?.kind === 'part' && index !== lastQuestion;
      return {
        role: 'user' as const,
        text: turn.text,
        ...(turn.selection && !earlierPart ? { selection: turn.selection } : {}),
        ...(turn.action ? { action: turn.action } : {}),
      };
    });
}

/** Stop reasons that mean "cut at the output limit" (Anthropic, OpenAI family, Responses-style). */
const LENGTH_STOP_REASONS: ReadonlySet<string> = new Set(['max_tokens', 'length', 'max_output_tokens']);

/** The answer stopped at the model's output limit. */
export function hitLengthLimit(turn: AssistantTurn): boolean {
  return turn.stopReason !== undefined && LENGTH_STOP_REASONS.has(turn.stopReason);
}

/**
 * Whether Continue is offered: an answer with some text that did not finish on its own (it hit
 * the output limit, was cut off or interrupted, or was stopped), while nothing else streams.
 */
export function canContinue(turn: AssistantTurn): boolean {
  if (isLive(turn.status) || turn.text.trim() === '') return false;
  return hitLengthLimit(turn) || turn.status === 'truncated' || turn.status === 'interrupted' || turn.status === 'stopped';
}

/** The index of the last user turn, or -1 (Up in an empty composer edits it). */
export function lastUserTurnIndex(turns: readonly Turn[]): number {
  return turns.findLastIndex((turn) => turn.role === 'user');
}

/** Why a question cannot be sent now (an error code for the notice), or null when it can. `answers`: 2 for a comparison. */
export function askProblem(state: PanelState, question: string, answers = 1): UserError | null {
  if (!state.connected) return userError('reconnecting');
  if (isAnswering(state)) return userError('busy');
  if (question.trim() === '' && !state.selection) return userError('nothing-to-send');
  if (isOverBudget(state.selection, state.tokenCount)) return userError('over-budget');
  if (conversationBudget(state)?.budget.kind === 'over') return userError('conversation-over-budget');
  if (state.turns.length + 1 + answers > MAX_TURNS) return userError('turn-limit', { params: { max: MAX_TURNS } });
  if (question.length > MAX_QUESTION_CHARS) {
    return userError('question-too-long', { params: { length: question.length, max: MAX_QUESTION_CHARS } });
  }
  return null;
}

/** Why the user turn at `index` cannot be resent with this text, or null when it can. */
export function editProblem(state: PanelState, index: number, question: string): UserError | null {
  const turn = state.turns[index];
  if (turn?.role !== 'user') return userError('nothing-to-send');
  if (!state.connected) return userError('reconnecting');
  if (isAnswering(state)) return userError('busy');
  if (question.trim() === '' && !turn.selection) return userError('nothing-to-send');
  if (question.length > MAX_QUESTION_CHARS) {
    return userError('question-too-long', { params: { length: question.length, max: MAX_QUESTION_CHARS } });
  }
  return null;
}

/** A new, empty answer streaming under `requestId`. */
function newAnswer(requestId: string): AssistantTurn {
  return { role: 'assistant', requestId, text: '', status: 'streaming', lastSeq: -1 };
}

/** Reasoning ended (its answer text began, or the stream ended): how long it took, once. */
function withThinkingTime(turn: AssistantTurn, at: number | undefined): AssistantTurn {
  if (turn.thinkingSince === undefined || turn.thinkingMs !== undefined || at === undefined) return turn;
  return { ...turn, thinkingMs: Math.max(0, at - turn.thinkingSince) };
}

function updateAnswer(state: PanelState, requestId: string, seq: number, update: (turn: AssistantTurn) => AssistantTurn): PanelState {
  const index = state.turns.findIndex((turn) => turn.role === 'assistant' && turn.requestId === requestId);
  const turn = state.turns[index] as AssistantTurn | undefined;
  if (!turn || seq <= turn.lastSeq) return state;
  // A message after the answer was finished locally (stopped, interrupted) changes nothing but the text.
  const turns = state.turns.slice();
  turns[index] = { ...update(turn), lastSeq: seq };
  return { ...state, turns };
}

function applyBackground(state: PanelState, message: BackgroundMessage, at: number | undefined): PanelState {
  switch (message.type) {
    case 'settings': {
      // First use: no key yet, so settings are where the user starts; saving the first
      // usable settings takes them to the conversation.
      const ready = isReady(message.settings);
      const becameReady = state.settings !== null && !isReady(state.settings) && ready;
      const settingsOpen = !ready || (state.settings !== null && !becameReady && state.settingsOpen);
      return { ...state, settings: message.settings, settingsOpen };
    }
    case 'conversation':
      // Its turns come in through `restore` (use-panel maps them with fromStored).
      return {
        ...state,
        conversationId: message.id,
        storage: message.storage,
        // What the user left out was of the conversation shown before.
        leftOut: message.id === state.conversationId ? state.leftOut : 0,
      };
    case 'storage':
      return message.id === state.conversationId ? { ...state, storage: message.storage } : state;
    case 'selection':
      return { ...state, selection: message.selection, selectionPage: message.page ?? null, notice: null };
    case 'notice':
      return { ...state, notice: message.error };
    case 'stream-details':
      if (state.streamDetails?.requestId !== message.requestId) return state;
      return { ...state, streamDetails: { requestId: message.requestId, status: 'ready', details: message.details } };
    case 'models':
      if (state.compare.models?.requestId === message.requestId) {
        const { type: _type, models: list, ...rest } = message;
        return { ...state, compare: { ...state.compare, models: { ...rest, status: 'done', list } } };
      }
      if (state.models?.requestId !== message.requestId) return state;
      return {
        ...state,
        models: {
          requestId: message.requestId,
          status: 'done',
          list: message.models,
          ...(message.error ? { error: message.error } : {}),
        },
      };
    case 'local-models':
      if (state.localModels?.requestId !== message.requestId) return state;
      return { ...state, localModels: { requestId: message.requestId, status: 'done', results: message.results } };
    case 'token-count': {
      if (state.tokenCount?.requestId !== message.requestId) return state;
      const { type: _type, requestId: _id, ...result } = message;
      return { ...state, tokenCount: { ...state.tokenCount, result } };
    }
    case 'connection-test':
      if (state.connectionTest?.requestId !== message.requestId) return state;
      return {
        ...state,
        connectionTest: {
          requestId: message.requestId,
          status: message.result.kind === 'failed' ? 'failed' : 'ok',
          result: message.result,
        },
      };
    case 'delta':
      return updateAnswer(state, message.requestId, message.seq, (turn) => ({
        ...withThinkingTime(turn, message.text === '' ? undefined : at),
        text: turn.text + message.text,
        status: isLive(turn.status) ? 'streaming' : turn.status,
        retry: undefined,
      }));
    case 'thinking':
      return updateAnswer(state, message.requestId, message.seq, (turn) => ({
        ...turn,
        thinking: (turn.thinking ?? '') + message.text,
        ...(turn.thinkingSince === undefined && at !== undefined ? { thinkingSince: at } : {}),
        status: isLive(turn.status) ? 'streaming' : turn.status,
        retry: undefined,
      }));
    case 'usage':
      return updateAnswer(state, message.requestId, message.seq, (turn) => ({
        ...turn,
        usage: { ...turn.usage, ...message.usage },
      }));
    case 'tool-start':
      return updateAnswer(state, message.requestId, message.seq, (turn) => {
        const calls = (turn.toolCalls ?? []).filter((call) => call.index !== message.index);
        const before = turn.toolCalls?.find((call) => call.index === message.index);
        calls.push({
          index: message.index,
          id: message.id || (before?.id ?? ''),
          name: message.name || (before?.name ?? ''),
          json: before?.json ?? '',
        });
        return { ...turn, toolCalls: calls.sort((a, b) => a.index - b.index) };
      });
    case 'tool-input':
      return updateAnswer(state, message.requestId, message.seq, (turn) => {
        const calls = turn.toolCalls ?? [];
        const found = calls.some((call) => call.index === message.index);
        const next = found
          ? calls.map((call) => (call.index === message.index ? { ...call, json: call.json + message.json } : call))
          : [...calls, { index: message.index, id: '', name: '', json: message.json }].sort((a, b) => a.index - b.index);
        return { ...turn, toolCalls: next };
      });
    case 'retrying':
      return updateAnswer(state, message.requestId, message.seq, (turn) =>
        isLive(turn.status) ? { ...turn, status: 'retrying', retry: { error: message.error, inSeconds: message.inSeconds } } : turn,
      );
    case 'snapshot': {
      // Everything the background has so far: a superset of what this panel showed.
      const index = state.turns.findIndex((turn) => turn.role === 'assistant' && turn.requestId === message.requestId);
      const turn = state.turns[index] as AssistantTurn | undefined;
      if (!turn || (!turn.resumable && message.seq <= turn.lastSeq)) return state;
      const newer = message.seq > turn.lastSeq;
      let next: AssistantTurn = {
        ...turn,
        // A continued answer's snapshot is this request's text only: it follows the prefix.
        text: newer ? (turn.prefix ?? '') + message.text : turn.text,
        ...(newer && message.thinking ? { thinking: message.thinking } : {}),
        ...(newer && Object.keys(message.usage).length > 0 ? { usage: message.usage } : {}),
        ...(newer && message.toolCalls.length > 0 ? { toolCalls: message.toolCalls } : {}),
        status: 'streaming',
        lastSeq: Math.max(turn.lastSeq, message.seq),
        resumable: undefined,
        retry: undefined,
      };
      if (message.final?.type === 'end') {
        next = {
          ...next,
          status: message.final.outcome,
          ...(message.final.stopReason ? { stopReason: message.final.stopReason } : {}),
          ...(message.final.metrics ? { metrics: message.final.metrics } : {}),
        };
      } else if (message.final?.type === 'failed') {
        next = {
          ...next,
          status: 'failed',
          error: message.final.error,
          ...(message.final.metrics ? { metrics: message.final.metrics } : {}),
        };
      }
      const turns = state.turns.slice();
      turns[index] = next;
      return { ...state, turns };
    }
    case 'attach-failed':
      return {
        ...state,
        turns: state.turns.map((turn) =>
          turn.role === 'assistant' && turn.requestId === message.requestId ? { ...turn, resumable: undefined } : turn,
        ),
      };
    case 'end':
      return updateAnswer(state, message.requestId, message.seq, (turn) => ({
        ...withThinkingTime(turn, at),
        status: message.outcome,
        ...(message.stopReason ? { stopReason: message.stopReason } : {}),
        ...(message.metrics ? { metrics: message.metrics } : {}),
        retry: undefined,
      }));
    case 'failed':
      return updateAnswer(state, message.requestId, message.seq, (turn) => ({
        ...withThinkingTime(turn, at),
        status: 'failed',
        error: message.error,
        ...(message.metrics ? { metrics: message.metrics } : {}),
        retry: undefined,
      }));
  }
}

/**
 * An answer cut off mid-stream comes back from storage as the background last wrote it, up
 * to a second behind what this panel already showed (when the background itself stopped):
 * the panel's own text of the same answer is kept where it carries on the stored one.
 */
function keepShownText(restored: AssistantTurn, shown: readonly Turn[]): AssistantTurn {
  const seen = shown.find((turn): turn is AssistantTurn => turn.role === 'assistant' && turn.requestId === restored.requestId);
  if (!seen) return restored;
  const longer = (stored: string | undefined, mine: string | undefined) =>
    mine !== undefined && mine.length > (stored ?? '').length && mine.startsWith(stored ?? '') ? mine : stored;
  const text = longer(restored.text, seen.text) ?? restored.text;
  const thinking = longer(restored.thinking, seen.thinking);
  if (text === restored.text && thinking === restored.thinking) return restored;
  return { ...restored, text, ...(thinking !== undefined ? { thinking } : {}) };
}

export function reduce(state: PanelState, action: PanelAction): PanelState {
  switch (action.type) {
    case 'background':
      return applyBackground(state, action.message, action.at);
    case 'connected':
      return { ...state, connected: true };
    case 'disconnected':
      // The background went away (restarted, updated): answers in flight on this port
      // are cut; their text so far stays, with a Retry.
      return {
        ...state,
        connected: false,
        turns: state.turns.map((turn) =>
          turn.role === 'assistant' && isLive(turn.status)
            ? { ...turn, status: 'interrupted', retry: undefined, resumable: true }
            : turn,
        ),
        connectionTest: state.connectionTest?.status === 'running' ? null : state.connectionTest,
      };
    case 'restore': {
      // Nothing restored is live: fromStored has already marked such answers interrupted
      // (and resumable); this holds whatever the caller passes.
      const turns = action.saved.turns.map((turn) =>
        turn.role === 'assistant' && isLive(turn.status)
          ? keepShownText({ ...turn, status: 'interrupted' as const, retry: undefined, resumable: true }, state.turns)
          : turn.role === 'assistant' && turn.resumable
            ? keepShownText(turn, state.turns)
            : turn,
      );
      const leftOut = state.leftOut <= turns.length ? state.leftOut : 0;
      return { ...state, turns, selection: action.saved.selection, draft: action.saved.draft, editing: null, leftOut };
    }
    case 'draft':
      return { ...state, draft: action.text };
    case 'ask': {
      const question = action.question.trim();
      const user: UserTurn = {
        role: 'user',
        text: question,
        ...((action.selection ?? state.selection) ? { selection: action.selection ?? state.selection! } : {}),
        ...(action.prompt ? { action: action.prompt } : {}),
      };
      return {
        ...state,
        turns: [...state.turns, user, newAnswer(action.requestId)],
        selection: null,
        selectionPage: null,
        // The draft is cleared only when it is what was sent (a quick action keeps it).
        draft: !action.prompt && question === state.draft.trim() ? '' : state.draft,
        notice: null,
      };
    }
    case 'retry': {
      const index = state.turns.findIndex((turn) => turn.role === 'assistant' && turn.requestId === action.requestId);
      // An answer of a comparison is not regenerated alone: it would break the pair.
      if (index < 0 || (state.turns[index] as AssistantTurn).compare) return state;
      const turns = state.turns.slice();
      turns[index] = newAnswer(action.newRequestId);
      return { ...state, turns: turns.slice(0, index + 1), notice: null, editing: null };
    }
    case 'continue': {
      const index = state.turns.findIndex((turn) => turn.role === 'assistant' && turn.requestId === action.requestId);
      const turn = state.turns[index] as AssistantTurn | undefined;
      if (!turn || !canContinue(turn) || turn.compare) return state;
      // The model carries on from the text without its trailing whitespace (an assistant
      // prefill may not end with any): the continuation brings its own.
      const prefix = turn.text.trimEnd();
      const next: AssistantTurn = {
        role: 'assistant',
        requestId: action.newRequestId,
        text: prefix,
        prefix,
        status: 'streaming',
        lastSeq: -1,
        ...(turn.thinking !== undefined ? { thinking: turn.thinking } : {}),
        ...(turn.thinkingMs !== undefined ? { thinkingMs: turn.thinkingMs } : {}),
        ...(turn.toolCalls ? { toolCalls: turn.toolCalls } : {}),
      };
      const turns = state.turns.slice(0, index + 1);
      turns[index] = next;
      return { ...state, turns, notice: null, editing: null };
    }
    case 'edit-start': {
      if (state.turns[action.index]?.role !== 'user' || isAnswering(state)) return state;
      return { ...state, editing: action.index };
    }
    case 'edit-cancel':
      return { ...state, editing: null };
    case 'edit-resend': {
      const old = state.turns[action.index];
      if (old?.role !== 'user') return state;
      const user: UserTurn = { role: 'user', text: action.question.trim(), ...(old.selection ? { selection: old.selection } : {}) };
      return {
        ...state,
        turns: [...state.turns.slice(0, action.index), user, newAnswer(action.requestId)],
        // A question edited before the cut is asked with everything before it.
        leftOut: action.index < state.leftOut ? 0 : state.leftOut,
        editing: null,
        notice: null,
      };
    }
    case 'discard-selection':
      return { ...state, selection: null, selectionPage: null };
    case 'count-tokens':
      // A recount of the same selection (the draft changed) keeps showing the last numbers meanwhile.
      return {
        ...state,
        tokenCount: {
          requestId: action.requestId,
          selection: action.selection,
          leftOut: state.leftOut,
          result:
            state.tokenCount?.selection === action.selection && state.tokenCount.leftOut === state.leftOut
              ? state.tokenCount.result
              : null,
        },
      };
    case 'leave-out':
      return { ...state, leftOut: action.count, notice: null };
    case 'stage-selection':
      return { ...state, selection: action.selection };
    case 'new-conversation':
      // The new conversation's id comes from the background; until then nothing is saved.
      return {
        ...state,
        turns: [],
        selection: null,
        selectionPage: null,
        notice: null,
        editing: null,
        conversationId: null,
        leftOut: 0,
      };
    case 'dismiss-notice':
      return { ...state, notice: null };
    case 'open-settings':
      return { ...state, settingsOpen: action.open, connectionTest: null };
    case 'test-connection':
      return { ...state, connectionTest: { requestId: action.requestId, status: 'running' } };
    case 'find-local-models':
      return { ...state, localModels: { requestId: action.requestId, status: 'probing', results: [] } };
    case 'list-models':
      return { ...state, models: { requestId: action.requestId, status: 'loading', list: state.models?.list ?? [] } };
    case 'ask-compare': {
      const asked = reduce(state, { type: 'ask', requestId: action.answers[0].requestId, question: action.question });
      const group = action.answers[0].requestId;
      const answers = action.answers.map((answer, column): AssistantTurn => ({
        ...newAnswer(answer.requestId),
        compare: { group, provider: answer.provider, model: answer.model, chosen: column === 0 },
      }));
      return { ...asked, turns: [...asked.turns.slice(0, -1), ...answers], compare: { ...asked.compare, open: false } };
    }
    case 'pick-answer': {
      const picked = state.turns.find((turn) => turn.role === 'assistant' && turn.requestId === action.requestId) as
        AssistantTurn | undefined;
      const group = picked?.compare?.group;
      if (group === undefined) return state;
      return {
        ...state,
        turns: state.turns.map((turn) =>
          turn.role === 'assistant' && turn.compare?.group === group
            ? { ...turn, compare: { ...turn.compare, chosen: turn.requestId === action.requestId } }
            : turn,
        ),
      };
    }
    case 'compare-open':
      return { ...state, compare: { ...state.compare, open: action.open } };
    case 'compare-choice': {
      // Another provider's model list does not apply.
      const models = state.compare.choice?.provider === action.choice.provider ? state.compare.models : null;
      return { ...state, compare: { ...state.compare, choice: action.choice, models } };
    }
    case 'compare-list-models':
      return {
        ...state,
        compare: {
          ...state.compare,
          models: { requestId: action.requestId, status: 'loading', list: state.compare.models?.list ?? [] },
        },
      };
    case 'open-details':
      return { ...state, streamDetails: { requestId: action.requestId, status: 'loading', details: null } };
    case 'close-details':
      return { ...state, streamDetails: null };
  }
}
