/**
 * The one small stream-delta type every provider dialect is mapped to. The panel and the
 * background consume only this, never raw provider JSON.
 */
import type { CustomDataMode } from '../shared/custom-endpoint.ts';

export type ChatDelta =
  | { type: 'text'; text: string }
  | { type: 'thinking'; text: string }
  /** Opaque signature of a thinking block (Anthropic); kept so a follow-up can send it back. */
  | { type: 'thinking-signature'; signature: string }
  /** A tool call begins (index = the provider's block/call index). */
  | { type: 'tool-start'; index: number; id: string; name: string }
  /** A fragment of a tool call's JSON input, joined per index and parsed at the end. */
  | { type: 'tool-input'; index: number; json: string }
  /** Usage so far; later values overlay earlier ones field by field. */
  | { type: 'usage'; usage: ChatUsage }
  /** The provider's own stop reason: end_turn, max_tokens, tool_use, stop, length, ... */
  | { type: 'stop'; reason: string }
  /** An error reported inside the stream, after a 200. The partial answer stays valid. */
  | { type: 'error'; error: { type: string; message: string } }
  /** The provider's end marker (message_stop, [DONE], or a finish for marker-less formats). */
  | { type: 'done' };

export interface ChatUsage {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  reasoningTokens?: number;
}

export interface ChatResult {
  text: string;
  thinking: string;
  toolCalls: { id: string; name: string; input: unknown }[];
  stopReason: string | null;
  usage: ChatUsage;
  error: { type: string; message: string } | null;
  complete: boolean;
}

/** How a streamed response body is read: which dialect's events, and for custom endpoints where the text is. */
export type StreamFormat =
  | { kind: 'anthropic' }
  /** chat.completions chunks, and every compatible server. */
  | { kind: 'openai' }
  /** The browser's own model (src/providers/builtin.ts): no HTTP, no SSE. */
  | { kind: 'builtin' }
  | {
      kind: 'custom';
      /**
       * How each event's data is read: JSON and a path (default), the data itself as text, or
       * a regular expression's capture.
       */
      dataMode?: CustomDataMode;
      /** Path into each event's JSON (json mode): a dot path ("choices.0.delta.content") or JSONPath ("$.output['text']"). */
      textPath: string;
      /** regex mode: the pattern; capture group `text` (or group 1) is the text. */
      pattern?: string;
      /** Optional dot path for reasoning text. */
      reasoningPath?: string;
      /** cumulative: each event repeats the whole text so far (DashScope without incremental output). */
      textMode?: 'delta' | 'cumulative';
      /** Default "[DONE]". */
      doneData?: string;
      /** Only events of this type carry content (e.g. "result"); default: all. */
      eventType?: string;
    };

/** One turn of the conversation as it is sent to a provider. */
export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}
