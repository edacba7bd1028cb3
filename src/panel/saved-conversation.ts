/**
 * The panel's conversation to and from its stored format (src/storage/conversation.ts):
 * only what must outlive the panel goes to disk, never the reducer's bookkeeping (stream
 * sequence numbers, retry countdowns, re-attach flags).
 */
import { MAX_PORT_TEXT_CHARS, MAX_SHORT_TEXT_CHARS, MAX_TOOL_CALLS } from '../shared/limits.ts';
import type { StoredAssistantTurn, StoredConversation, StoredTurn } from '../storage/conversation.ts';
import type { AssistantTurn, PanelState, Turn } from './state.ts';

/** What the `restore` action takes. */
export type RestoredConversation = Pick<PanelState, 'turns' | 'selection' | 'draft'>;

function answerToStored(turn: AssistantTurn): StoredAssistantTurn {
  // An answer cut off on this side only (the panel lost its port) may still be running in
  // the background: stored as not ended, so that the panel asks for it when it reopens.
  const status = turn.status === 'interrupted' && turn.resumable ? 'streaming' : turn.status;
  return {
    role: 'assistant',
    requestId: turn.requestId,
    text: turn.text,
    status,
    ...(turn.prefix !== undefined ? { prefix: turn.prefix } : {}),
    ...(turn.stopReason !== undefined ? { stopReason: turn.stopReason.slice(0, MAX_SHORT_TEXT_CHARS) } : {}),
    ...(turn.thinking !== undefined ? { thinking: turn.thinking } : {}),
    ...(turn.thinkingMs !== undefined ? { thinkingMs: Math.round(turn.thinkingMs) } : {}),
    ...(turn.error ? { error: turn.error } : {}),
    ...(turn.usage ? { usage: turn.usage } : {}),
    ...(turn.toolCalls ? { toolCalls: turn.toolCalls.slice(0, MAX_TOOL_CALLS) } : {}),
    ...(turn.metrics ? { metrics: turn.metrics } : {}),
    ...(turn.compare ? { compare: turn.compare } : {}),
  };
}

function turnToStored(turn: Turn): StoredTurn {
  if (turn.role === 'assistant') return answerToStored(turn);
  return {
    role: 'user',
    text: turn.text,
    ...(turn.selection ? { selection: turn.selection } : {}),
    ...(turn.action ? { action: turn.action } : {}),
  };
}

/** The conversation, selection and draft as stored; nothing transient. */
export function toStored(state: PanelState): StoredConversation {
  return {
    turns: state.turns.map(turnToStored),
    selection: state.selection,
    // A draft longer than anything that can be sent is kept up to the storage cap.
    draft: state.draft.length > MAX_PORT_TEXT_CHARS ? state.draft.slice(0, MAX_PORT_TEXT_CHARS) : state.draft,
  };
}

function answerFromStored(turn: StoredAssistantTurn): AssistantTurn {
  const live = turn.status === 'streaming' || turn.status === 'retrying';
  return {
    role: 'assistant',
    requestId: turn.requestId,
    text: turn.text,
    ...(turn.prefix !== undefined ? { prefix: turn.prefix } : {}),
    ...(turn.stopReason !== undefined ? { stopReason: turn.stopReason } : {}),
    ...(turn.thinking !== undefined ? { thinking: turn.thinking } : {}),
    ...(turn.thinkingMs !== undefined ? { thinkingMs: turn.thinkingMs } : {}),
    ...(turn.usage ? { usage: turn.usage } : {}),
    ...(turn.toolCalls ? { toolCalls: turn.toolCalls } : {}),
    ...(turn.metrics ? { metrics: turn.metrics } : {}),
    ...(turn.compare ? { compare: turn.compare } : {}),
    // Not ended when saved: nothing streams into a panel that just opened, but the
    // background may still have it (re-attach on connect; a snapshot carries it all).
    status: live ? 'interrupted' : turn.status,
    // Nothing of this stream has been applied here: any snapshot or message is newer.
    lastSeq: -1,
    ...(turn.error ? { error: turn.error } : {}),
    ...(live ? { resumable: true } : {}),
  };
}

/** The stored conversation as the panel holds it, for the `restore` action. */
export function fromStored(stored: StoredConversation): RestoredConversation {
  return {
    turns: stored.turns.map((turn): Turn =>
      turn.role === 'assistant'
        ? answerFromStored(turn)
        : {
            role: 'user',
            text: turn.text,
            ...(turn.selection ? { selection: turn.selection } : {}),
            ...(turn.action ? { action: turn.action } : {}),
          },
    ),
    selection: stored.selection,
    draft: stored.draft,
  };
}
