/**
 * The one seam every provider sits behind. The background knows only this interface and
 * the registry (registry.ts); a provider is one file that implements it.
 *
 * - `buildCall` turns settings, the key and a chat request into a call (for HTTP
 *   providers: URL, headers, body and how to read the stream). It throws a
 *   `ProviderSetupError` when the settings cannot make a request.
 * - `stream` runs the call and yields the deltas of each body chunk as one batch. Its
 *   first batch (possibly empty) means "the provider accepted the call": failures before
 *   it (`HttpFailure`, a network `TypeError`) may be retried, failures after it never.
 *   Every later batch, even an empty one, means the connection is alive.
 * - `classifyFailure` reads an HTTP error: a kind (an error code) and the provider's own
 *   message. It writes no words.
 * - `listModels`, where the provider can list what it serves.
 *
 * HTTP providers share one implementation of `stream` and `listModels` transport (http.ts),
 * which is also the only place `fetch` is called, so key-safety options are set once. A
 * provider without HTTP (an on-device model) implements `stream` itself.
 */
import type { CustomEndpoint } from '../shared/custom-endpoint.ts';
import type { ErrorCode, ErrorParam } from '../shared/errors.ts';
import type { Dialect, ProviderId } from '../shared/ids.ts';
import type { ReasoningEffort } from '../shared/model-options.ts';
import type { SseEvent } from '../sse/index.ts';
import type { ChatDelta, ChatMessage, StreamFormat } from './types.ts';

/** What a provider needs from settings (storage's StoredSettings has this shape). */
export interface ProviderSettings {
  provider: ProviderId;
  model: string;
  /** "" means the provider's own URL. */
  baseUrl: string;
  custom: CustomEndpoint | null;
}

export interface ChatRequest {
  system?: string;
  messages: ChatMessage[];
  maxTokens: number;
  stream: boolean;
  /** Sampling temperature; absent: the provider's default (nothing is sent). */
  temperature?: number;
  /**
   * Extended thinking, absent when off: Anthropic sends `thinking` with `budgetTokens`, the
   * OpenAI family `reasoning_effort` with `effort`; each dialect reads the one it speaks.
   */
  reasoning?: { budgetTokens: number; effort: ReasoningEffort };
  /**
   * Top-level body fields merged in last, so they override what the dialect set
   * (checkSettings keeps `model`, `messages`, `stream` and `system` out of them). Custom
   * endpoints ignore them, as they ignore the rest of these options: their template decides.
   */
  extraFields?: Record<string, unknown>;
  /**
   * A Summarize action over one selection: the text alone, for a provider with a dedicated
   * summarizer (the browser's built-in Summarizer API). Every other provider ignores it.
   */
  summarize?: { text: string; context?: string };
}

/** An HTTP request without transport options: http.ts adds those where it calls fetch. */
export interface HttpRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

/** A call ready to run: the request and how to read what comes back. */
export interface ProviderCall {
  request: HttpRequest;
  format: StreamFormat;
}

export interface ModelInfo {
  id: string;
  label: string;
  /** The model's context window in tokens, where the listing reports it (OpenRouter, Together, Groq, Mistral, vLLM). */
  contextWindow?: number;
}

/** An HTTP error, read by `classifyFailure`: kinds are the error codes of provider answers. */
export type FailureKind = Extract<
  ErrorCode,
  | 'auth'
  | 'bad-request'
  | 'quota'
  | 'context-too-long'
  | 'too-large'
  | 'forbidden'
  | 'region-blocked'
  | 'ollama-origin'
  | 'not-found'
  | 'rate-limit'
  | 'overloaded'
  | 'server'
  | 'http-status'
>;

export interface Failure {
  kind: FailureKind;
  /** The provider's own message (or the start of a non-JSON body), untranslated. */
  providerMessage?: string;
}

export interface StreamOptions {
  signal: AbortSignal;
  /** The fetch to use (tests pass their own); default globalThis.fetch. */
  fetch?: typeof fetch;
  /** Sees every raw SSE event as it is parsed (the stream timeline). */
  onRawEvent?: (event: SseEvent) => void;
  /** Sees the body's bytes exactly as they arrive, before parsing (Download .sse). */
  onBytes?: (chunk: Uint8Array) => void;
}

/** Maps one stream's SSE events to deltas; stateful, so one per stream. */
export interface EventMapper {
  /** Deltas for one event, or 'malformed' when its data cannot be read (reading stops). */
  map(event: SseEvent): ChatDelta[] | 'malformed';
  /** Deltas for a body that ended without an end marker or error (custom formats' finish rule). */
  end?(): ChatDelta[];
  /** Whether an error delta ends the stream (OpenAI and custom; Anthropic keeps reading). */
  errorEnds: boolean;
  /**
   * A fast path for the commonest event: its text without building the event object, or
   * null to take the full `map`. It must agree with `map` wherever it answers.
   */
  fastText?(event: SseEvent): string | null;
}

export interface Provider {
  readonly dialect: Dialect;
  /**
   * Whether the API continues a conversation that ends with an assistant message (a
   * "prefill"), so a cut-off answer carries on mid-sentence. Without it, Continue asks.
   */
  readonly continuesAssistantMessage: boolean;
  buildCall(settings: ProviderSettings, apiKey: string, request: ChatRequest): ProviderCall;
  stream(call: ProviderCall, options: StreamOptions): AsyncGenerator<ChatDelta[], void, undefined>;
  classifyFailure(status: number, bodyText: string, context: { url: string }): Failure;
  listModels?(settings: ProviderSettings, apiKey: string, options: Omit<StreamOptions, 'onRawEvent'>): Promise<ModelInfo[]>;
  /** For SSE providers: the mapper for one stream in this format (readChatStream uses it). */
  eventMapper?(format: StreamFormat): EventMapper;
}

/** The settings cannot make a request: an error code and its params, no words. */
export class ProviderSetupError extends Error {
  readonly code: ErrorCode;
  readonly params: Record<string, ErrorParam> | undefined;
  readonly detail: string | undefined;

  constructor(code: ErrorCode, options: { params?: Record<string, ErrorParam>; detail?: string } = {}) {
    super(options.detail ?? code);
    this.name = 'ProviderSetupError';
    this.code = code;
    this.params = options.params;
    this.detail = options.detail;
  }
}
