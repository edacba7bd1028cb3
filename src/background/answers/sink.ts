/**
 * Where one answer goes: the AnswerSink. Everything the provider stream produces is pushed
 * here, and the sink is the only place that
 * - numbers the answer's port messages (seq 0, 1, 2, … with no gaps),
 * - batches text and reasoning for the port (the first text at once, then at most one
 *   message per batch interval),
 * - keeps what a re-attaching panel needs (text, thinking, usage, tool calls, the end),
 * - keeps each raw SSE event with its arrival offset, in a bounded ring (the timeline),
 * - guarantees exactly one final message (`end` or `failed`); later ones are ignored.
 *
 * Subscribers (`on`) see a typed event map, in the style of the Anthropic SDK's
 * MessageStream: each event with its delta and the snapshot so far. Today live-answers.ts
 * subscribes to `final` (to stop the upstream of an answer that ended early); the planned
 * metrics line and stream timeline will subscribe here rather than to the port.
 */
import type { SnapshotMessage, StreamDetails, StreamMessage, Usage, UserError } from '../../messaging/protocol.ts';
import type { ChatDelta } from '../../providers/index.ts';
import { maskSecret, userError } from '../../shared/errors.ts';
import {
  MAX_ANSWER_CHARS,
  MAX_DELTA_MESSAGE_CHARS,
  MAX_GAP_POINTS,
  MAX_RAW_EVENT_BYTES,
  MAX_RAW_EVENTS,
  MAX_RAW_SSE_BYTES,
  MAX_SHORT_TEXT_CHARS,
  MAX_TOOL_CALLS,
} from '../../shared/limits.ts';
import type { SseEvent } from '../../sse/index.ts';
import { createDeltaBatcher, systemClock, type Clock } from './delta-batcher.ts';
import { createMetricsRecorder, type RequestInfo } from './metrics.ts';

export type AnswerOutcome = 'complete' | 'stopped' | 'truncated';
export type FinalMessage = Extract<StreamMessage, { type: 'end' | 'failed' }>;

export interface ToolCallSnapshot {
  index: number;
  id: string;
  name: string;
  /** The input JSON as streamed so far. */
  json: string;
}

/** One raw SSE event as it arrived: ms since the answer started, its type, its data. */
export interface RawEventRecord {
  atMs: number;
  event: string;
  data: string;
  id: string;
}

export interface AnswerSnapshot {
  text: string;
  thinking: string;
  usage: Usage;
  toolCalls: ToolCallSnapshot[];
  stopReason: string | null;
  final: FinalMessage | null;
}

export interface AnswerEvents {
  text: { delta: string; snapshot: string };
  thinking: { delta: string; snapshot: string };
  'tool-start': { index: number; id: string; name: string };
  'tool-input': { index: number; delta: string; snapshot: string };
  usage: { delta: Usage; snapshot: Usage };
  stop: { reason: string };
  /** An error the provider reported inside the stream. */
  'stream-error': { type: string; message: string };
  raw: RawEventRecord;
  retrying: { error: UserError; inSeconds: number };
  final: FinalMessage;
}

type Listener<K extends keyof AnswerEvents> = (event: AnswerEvents[K]) => void;

/** Sends a message to the panel that shows this answer; false when it is gone. */
export type Receiver = (message: StreamMessage) => boolean;

export interface AnswerSink {
  readonly requestId: string;
  push(delta: ChatDelta): void;
  raw(event: SseEvent): void;
  /** The body's bytes as they arrived (kept up to MAX_RAW_SSE_BYTES, for Download .sse). */
  bytes(chunk: Uint8Array): void;
  /** Everything the details view shows that the panel does not already have. */
  details(): StreamDetails;
  /** About how much memory the sink holds (text as 2 bytes a character), for bounding kept details. */
  readonly retainedBytes: number;
  retrying(error: UserError, inSeconds: number): void;
  /** What is being asked, and of which model: the end message's numbers name them. */
  describe(info: RequestInfo): void;
  end(outcome: AnswerOutcome): void;
  fail(error: UserError): void;
  /** From now on, this secret (the API key) is masked in every error the sink sends. */
  maskSecret(secret: string): void;
  /** Whether a final message was sent. */
  readonly finished: boolean;
  snapshot(): AnswerSnapshot;
  /** The snapshot message for a re-attaching panel (what was sent up to its seq). */
  snapshotMessage(): SnapshotMessage;
  rawEvents(): readonly RawEventRecord[];
  /** Which panel receives messages from now on (null: none; messages are only recorded). */
  attach(receiver: Receiver | null): void;
  readonly attached: boolean;
  on<K extends keyof AnswerEvents>(type: K, listener: Listener<K>): () => void;
}

export interface SinkOptions {
  receiver?: Receiver | null;
  clock?: Clock;
  batchIntervalMs?: number;
  /** Outgoing messages are checked before they leave; one the panel would refuse becomes a failure. */
  validate?: (message: StreamMessage) => boolean;
}

type Unnumbered<M> = M extends StreamMessage ? Omit<M, 'seq' | 'requestId'> : never;

/** Where to cut `text` at most `max` code units in, without splitting a surrogate pair. */
function cutAt(text: string, max: number): number {
  if (text.length <= max) return text.length;
  const code = text.charCodeAt(max - 1);
  return code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
}

/** `text` in pieces of at most `max` code units (pairs kept whole). */
export function splitText(text: string, max = MAX_DELTA_MESSAGE_CHARS): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const at = cutAt(rest, max);
    pieces.push(rest.slice(0, at));
    rest = rest.slice(at);
  }
  if (rest !== '') pieces.push(rest);
  return pieces;
}

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

/** Token counts the port can carry (whole numbers ≥ 0); anything else a provider sent is left out. */
function cleanUsage(usage: Usage): Usage | null {
  const out: Usage = {};
  for (const [name, value] of Object.entries(usage) as [keyof Usage, unknown][]) if (isCount(value)) out[name] = value;
  return Object.keys(out).length > 0 ? out : null;
}

export function createAnswerSink(requestId: string, options: SinkOptions = {}): AnswerSink {
  const clock = options.clock ?? systemClock;
  const startedAt = clock.now();
  let receiver = options.receiver ?? null;
  let seq = 0;
  let lastSentSeq = -1;
  let text = '';
  let thinking = '';
  let usage: Usage = {};
  const tools = new Map<number, ToolCallSnapshot>();
  let stopReason: string | null = null;
  let final: FinalMessage | null = null;
  const ring: RawEventRecord[] = [];
  let ringBytes = 0;
  let ringDropped = 0;
  const body: Uint8Array[] = [];
  let bodyBytes = 0;
  let bodyDropped = 0;
  const listeners = new Map<keyof AnswerEvents, Set<(event: never) => void>>();
  const metrics = createMetricsRecorder(clock, startedAt);

  function emit<K extends keyof AnswerEvents>(type: K, event: AnswerEvents[K]): void {
    const set = listeners.get(type);
    if (!set) return;
    for (const listener of set) (listener as Listener<K>)(event);
  }

  /** The one place sequence numbers are made. Nothing leaves after the final message. */
  function send(message: Unnumbered<StreamMessage>): void {
    if (final) return;
    let numbered = { ...message, requestId, seq: seq++ } as StreamMessage;
    if (options.validate && !options.validate(numbered)) {
      // A message the panel would refuse would leave it waiting forever: end the answer
      // with a failure it accepts instead (what was already sent stays).
      numbered = { type: 'failed', requestId, seq: numbered.seq, error: { code: 'undeliverable' } };
      final = numbered;
    }
    lastSentSeq = numbered.seq;
    if (receiver && !receiver(numbered)) receiver = null;
    if (final) emit('final', final);
  }

  const interval = options.batchIntervalMs;
  // A batch longer than one port message may carry goes out as several, in order: never
  // replaced, or later deltas and the end would mark a gutted answer complete.
  const thinkingBatcher = createDeltaBatcher(
    (chunk) => {
      for (const piece of splitText(chunk)) send({ type: 'thinking', text: piece });
    },
    interval,
    clock,
  );
  const textBatcher = createDeltaBatcher(
    (chunk) => {
      for (const piece of splitText(chunk)) send({ type: 'delta', text: piece });
    },
    interval,
    clock,
  );
  let secrets: string[] = [];
  const masked = (error: UserError) => secrets.reduce((out, secret) => maskSecret(out, secret), error);
  /** The part of `delta` that fits under the answer cap after `sofar` (pairs kept whole). */
  const fitting = (sofar: string, delta: string) => delta.slice(0, cutAt(delta, Math.max(0, MAX_ANSWER_CHARS - sofar.length)));
  const tooLong = () => finish({ type: 'failed', error: userError('answer-too-long', { params: { max: MAX_ANSWER_CHARS } }) });
  /** Text waiting in a batcher must leave before any other message, to keep the order. */
  const flushText = () => {
    thinkingBatcher.flush();
    textBatcher.flush();
  };

  function finish(message: Unnumbered<FinalMessage>): void {
    if (final) return;
    flushText();
    if (final) return; // the flushed text itself could not be delivered
    const numbers = metrics.summary(thinking + text, usage);
    const numbered = { ...message, ...(numbers ? { metrics: numbers } : {}), requestId, seq } as FinalMessage;
    seq++;
    if (options.validate && !options.validate(numbered)) {
      final = { type: 'failed', requestId, seq: numbered.seq, error: { code: 'undeliverable' } };
    } else {
      final = numbered;
    }
    lastSentSeq = final.seq;
    if (receiver && !receiver(final)) receiver = null;
    emit('final', final);
  }

  const sink: AnswerSink = {
    requestId,
    push(delta) {
      if (final) return;
      switch (delta.type) {
        case 'text': {
          if (delta.text === '') return;
          const part = fitting(text, delta.text);
          if (part !== '') {
            text += part;
            metrics.delta();
            // Reasoning comes before the answer it leads to.
            thinkingBatcher.flush();
            textBatcher.push(part);
            emit('text', { delta: part, snapshot: text });
          }
          if (part.length < delta.text.length) tooLong();
          return;
        }
        case 'thinking': {
          if (delta.text === '') return;
          const part = fitting(thinking, delta.text);
          if (part !== '') {
            thinking += part;
            metrics.delta();
            thinkingBatcher.push(part);
            emit('thinking', { delta: part, snapshot: thinking });
          }
          if (part.length < delta.text.length) tooLong();
          return;
        }
        case 'thinking-signature':
          return;
        case 'tool-start': {
          // Provider values are not trusted to fit the port: a bad index is dropped, long names cut.
          if (!isCount(delta.index)) return;
          if (!tools.has(delta.index) && tools.size >= MAX_TOOL_CALLS) return;
          const before = tools.get(delta.index);
          const tool = {
            index: delta.index,
            id: delta.id.slice(0, MAX_SHORT_TEXT_CHARS) || (before?.id ?? ''),
            name: delta.name.slice(0, MAX_SHORT_TEXT_CHARS) || (before?.name ?? ''),
            json: before?.json ?? '',
          };
          tools.set(delta.index, tool);
          flushText();
          send({ type: 'tool-start', index: tool.index, id: tool.id, name: tool.name });
          emit('tool-start', { index: tool.index, id: tool.id, name: tool.name });
          return;
        }
        case 'tool-input': {
          if (!isCount(delta.index)) return;
          if (!tools.has(delta.index) && tools.size >= MAX_TOOL_CALLS) return;
          const tool = tools.get(delta.index) ?? { index: delta.index, id: '', name: '', json: '' };
          tool.json += delta.json;
          tools.set(delta.index, tool);
          flushText();
          send({ type: 'tool-input', index: delta.index, json: delta.json });
          emit('tool-input', { index: delta.index, delta: delta.json, snapshot: tool.json });
          return;
        }
        case 'usage': {
          const counts = cleanUsage(delta.usage);
          if (!counts) return;
          usage = { ...usage, ...counts };
          flushText();
          send({ type: 'usage', usage: counts });
          emit('usage', { delta: counts, snapshot: usage });
          return;
        }
        case 'stop':
          stopReason = delta.reason;
          emit('stop', { reason: delta.reason });
          return;
        case 'error':
          emit('stream-error', delta.error);
          return;
        case 'done':
          return;
        default: {
          const unknown: never = delta;
          throw new Error(`Unknown delta ${(unknown as { type: string }).type}`);
        }
      }
    },
    raw(event) {
      const record: RawEventRecord = { atMs: Math.round(clock.now() - startedAt), event: event.event, data: event.data, id: event.id };
      ring.push(record);
      ringBytes += record.data.length;
      while (ring.length > MAX_RAW_EVENTS || (ringBytes > MAX_RAW_EVENT_BYTES && ring.length > 1)) {
        ringBytes -= (ring.shift() as RawEventRecord).data.length;
        ringDropped++;
      }
      emit('raw', record);
    },
    describe(info) {
      metrics.describe(info);
    },
    bytes(chunk) {
      const room = MAX_RAW_SSE_BYTES - bodyBytes;
      if (room >= chunk.byteLength) {
        // Copied: a reader may reuse its buffer.
        body.push(chunk.slice());
        bodyBytes += chunk.byteLength;
      } else {
        if (room > 0) body.push(chunk.slice(0, room));
        bodyBytes += Math.max(0, room);
        bodyDropped += chunk.byteLength - Math.max(0, room);
      }
    },
    details() {
      const all = new Uint8Array(bodyBytes);
      let at = 0;
      for (const part of body) {
        all.set(part, at);
        at += part.byteLength;
      }
      return {
        request: metrics.request,
        events: ring.map((record) => ({
          ...record,
          event: record.event.slice(0, MAX_SHORT_TEXT_CHARS),
          id: record.id.slice(0, MAX_SHORT_TEXT_CHARS),
        })),
        eventsDropped: ringDropped,
        sse: new TextDecoder().decode(all),
        sseBytesDropped: bodyDropped,
        gaps: metrics.gaps(MAX_GAP_POINTS),
        customReading: metrics.customReading,
      };
    },
    retrying(error, inSeconds) {
      if (final) return;
      flushText();
      const shown = masked(error);
      send({ type: 'retrying', error: shown, inSeconds });
      emit('retrying', { error: shown, inSeconds });
    },
    end(outcome) {
      finish({ type: 'end', stopReason: outcome === 'complete' || outcome === 'truncated' ? stopReason : null, outcome });
    },
    fail(error) {
      finish({ type: 'failed', error: masked(error) });
    },
    maskSecret(secret) {
      if (secret !== '') secrets = [...secrets, secret];
    },
    get finished() {
      return final !== null;
    },
    get retainedBytes() {
      return 2 * (ringBytes + text.length + thinking.length) + bodyBytes;
    },
    snapshot() {
      return {
        text,
        thinking,
        usage: { ...usage },
        toolCalls: [...tools.values()].sort((a, b) => a.index - b.index).map((tool) => ({ ...tool })),
        stopReason,
        final,
      };
    },
    snapshotMessage() {
      // Text still waiting in a batcher is part of the snapshot: flush it first so the
      // snapshot's seq covers it.
      flushText();
      const snap = sink.snapshot();
      return {
        type: 'snapshot',
        requestId,
        seq: lastSentSeq,
        text: snap.text,
        thinking: snap.thinking,
        usage: snap.usage,
        toolCalls: snap.toolCalls,
        final: snap.final,
      };
    },
    rawEvents: () => ring.slice(),
    attach(next) {
      receiver = next;
    },
    get attached() {
      return receiver !== null;
    },
    on(type, listener) {
      let set = listeners.get(type);
      if (!set) {
        set = new Set();
        listeners.set(type, set);
      }
      set.add(listener);
      return () => set.delete(listener);
    },
  };
  return sink;
}
