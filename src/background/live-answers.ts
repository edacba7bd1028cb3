/**
 * Answers in flight, by request id. A panel that closes does not stop its answer (Stop
 * does): the answer keeps streaming into its sink (and into history, conversations.ts), and
 * a panel that opens again re-attaches and gets everything so far as one snapshot, then the
 * rest. A finished answer needs no keeping here: history has it.
 */
import { parseBackgroundMessage, type SnapshotMessage } from '../messaging/protocol.ts';
import { createAnswerSink, type AnswerSink, type Receiver, type SinkOptions } from './answers/sink.ts';
import { sendToPanel, type PanelPort } from './panel-ports.ts';

interface LiveAnswer {
  sink: AnswerSink;
  controller: AbortController;
  /** The panel receiving this answer, or null while none is attached. */
  panel: PanelPort | null;
}

const live = new Map<string, LiveAnswer>();

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
  live.delete(requestId);
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
}
