/**
 * Answers in flight, by request id. A panel that closes does not stop its answer (Stop
 * does): the answer keeps streaming into its sink (and into history, conversations.ts), and
 * a panel that opens again re-attaches and gets everything so far as one snapshot, then the
 * rest. A finished answer needs no keeping here: history has it.
 */
import { parseBackgroundMessage, type SnapshotMessage, type StreamDetails } from '../messaging/protocol.ts';
import { MAX_KEPT_DETAILS, MAX_KEPT_DETAILS_BYTES } from '../shared/limits.ts';
import { createAnswerSink, type AnswerSink, type Receiver, type SinkOptions } from './answers/sink.ts';
import { sendToPanel, type PanelPort } from './panel-ports.ts';

interface LiveAnswer {
  sink: AnswerSink;
  controller: AbortController;
  /** The panel receiving this answer, or null while none is attached. */
  panel: PanelPort | null;
}

const live = new Map<string, LiveAnswer>();
/** Finished answers' sinks, newest last, for their stream details (a restart forgets them; kept-details.ts has them on disk). */
const finished = new Map<string, AnswerSink>();

function receiverFor(answer: LiveAnswer, panel: PanelPort): Receiver {
  return (message) => {
    if (sendToPanel(panel, message)) return true;
    if (answer.panel === panel) answer.panel = null;
    return false;
  };
}

export function isRunning(requestId: string): boolean {
  return live.has(requestId);
}

export function runningCount(): number {
  let count = 0;
  for (const answer of live.values()) if (!answer.sink.finished) count++;
  return count;
}

/** A new answer for this panel: its sink, and the signal its Stop aborts. */
export function startAnswer(
  requestId: string,
  panel: PanelPort,
  options: Pick<SinkOptions, 'clock' | 'batchIntervalMs'> = {},
): { sink: AnswerSink; signal: AbortSignal } {
  const controller = new AbortController();
  const sink = createAnswerSink(requestId, { ...options, validate: (message) => parseBackgroundMessage(message) !== null });
  const answer: LiveAnswer = { sink, controller, panel };
  sink.attach(receiverFor(answer, panel));
  // An answer that ended early (a message the panel could not take) needs no more from upstream.
  sink.on('final', () => controller.abort());
  live.set(requestId, answer);
  return { sink, signal: controller.signal };
}

/** The answer's stream has ended (its sink has its final message; history has been written). */
export function finishAnswer(requestId: string): void {
  const answer = live.get(requestId);
  live.delete(requestId);
  if (!answer) return;
  finished.delete(requestId);
  finished.set(requestId, answer.sink);
  let bytes = 0;
  for (const sink of finished.values()) bytes += sink.retainedBytes;
  for (const [id, sink] of finished) {
    if (finished.size <= MAX_KEPT_DETAILS && bytes <= MAX_KEPT_DETAILS_BYTES) break;
    bytes -= sink.retainedBytes;
    finished.delete(id);
  }
}

/** The stream details of an answer running or among the last MAX_KEPT_DETAILS; null when gone. */
export function answerDetails(requestId: string): StreamDetails | null {
  return (live.get(requestId)?.sink ?? finished.get(requestId))?.details() ?? null;
}

/** Stop: aborts the upstream request. */
export function stopAnswer(requestId: string): void {
  live.get(requestId)?.controller.abort();
}

/** A panel went away: its answers keep streaming into their sinks. */
export function detachPanel(panel: PanelPort): void {
  for (const answer of live.values()) {
    if (answer.panel !== panel) continue;
    answer.panel = null;
    answer.sink.attach(null);
  }
}

/**
 * A panel asks for an answer it was showing: everything so far as one snapshot, then the
 * rest as it streams. Null when it is not running here (it ended, and history has it; or the
 * background was restarted, and history has it as interrupted).
 */
export function attachPanel(panel: PanelPort, requestId: string): SnapshotMessage | null {
  const answer = live.get(requestId);
  if (!answer) return null;
  const snapshot = answer.sink.snapshotMessage();
  answer.panel = panel;
  answer.sink.attach(receiverFor(answer, panel));
  return snapshot;
}

/** For tests: forget everything. */
export function resetLiveAnswersForTests(): void {
  for (const answer of live.values()) answer.controller.abort();
  live.clear();
  finished.clear();
}
