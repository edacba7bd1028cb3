/**
 * Answers in flight, and recently finished ones, by request id. A panel that closes does
 * not stop its answer (Stop does): the answer keeps streaming into its sink, and a panel
 * that opens again re-attaches and gets everything so far as one snapshot, then the rest.
 * Finished answers nobody received are kept in `storage.session` for a while, since the
 * worker may be stopped once the answer no longer holds it alive.
 */
import * as v from 'valibot';
import { parseBackgroundMessage, SnapshotSchema, type SnapshotMessage } from '../messaging/protocol.ts';
import { ORPHAN_ANSWER_TTL_MS } from '../shared/limits.ts';
import { createAnswerSink, type AnswerSink, type Receiver, type SinkOptions } from './answers/sink.ts';
import { defineVersionedItem } from '../storage/item.ts';
import { sendToPanel, type PanelPort } from './panel-ports.ts';

export { ORPHAN_ANSWER_TTL_MS as ORPHAN_TTL_MS } from '../shared/limits.ts';

interface LiveAnswer {
  sink: AnswerSink;
  controller: AbortController;
  /** The panel receiving this answer, or null while none is attached. */
  panel: PanelPort | null;
}

const live = new Map<string, LiveAnswer>();
type Orphans = Record<string, { snapshot: SnapshotMessage; savedAt: number }>;
const orphansItem = defineVersionedItem<Orphans>({
  key: 'session:orphanAnswers',
  version: 1,
  schema: v.record(v.string(), v.object({ snapshot: SnapshotSchema, savedAt: v.number() })),
  fallback: {},
  reportProblems: false,
});

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

/** The answer's stream has ended (its sink has its final message). */
export async function finishAnswer(requestId: string, now = Date.now()): Promise<void> {
  const answer = live.get(requestId);
  if (!answer) return;
  live.delete(requestId);
  if (answer.panel && answer.sink.attached) return; // delivered
  const orphans = await orphansItem.getValue().catch(() => ({}));
  const kept = Object.fromEntries(Object.entries(orphans).filter(([, entry]) => now - entry.savedAt < ORPHAN_ANSWER_TTL_MS));
  kept[requestId] = { snapshot: answer.sink.snapshotMessage(), savedAt: now };
  await orphansItem.setValue(kept).catch(() => {});
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
 * rest as it streams. Null when the background knows nothing of it (it was restarted).
 */
export async function attachPanel(panel: PanelPort, requestId: string, now = Date.now()): Promise<SnapshotMessage | null> {
  const answer = live.get(requestId);
  if (answer) {
    const snapshot = answer.sink.snapshotMessage();
    answer.panel = panel;
    answer.sink.attach(receiverFor(answer, panel));
    return snapshot;
  }
  const orphans = await orphansItem.getValue().catch((): Orphans => ({}));
  const entry = orphans[requestId];
  if (!entry || now - entry.savedAt >= ORPHAN_ANSWER_TTL_MS) return null;
  delete orphans[requestId];
  await orphansItem.setValue(orphans).catch(() => {});
  return entry.snapshot;
}

/** For tests: forget everything. */
export function resetLiveAnswersForTests(): void {
  for (const answer of live.values()) answer.controller.abort();
  live.clear();
}
