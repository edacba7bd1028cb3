/**
 * Answers in flight, and recently finished ones, by request id. A panel that closes does
 * not stop its answer (Stop does): the background keeps streaming into a buffer, and a
 * panel that opens again re-attaches and gets everything so far, then the rest. Finished
 * answers nobody received are kept in `storage.session` for a while, since the worker may
 * be stopped once the answer no longer holds it alive.
 */
import { storage } from 'wxt/utils/storage';
import type { BackgroundMessage, StreamMessage } from '../messaging/protocol.ts';
import { postToPanel, type PanelPort } from './panel-ports.ts';

type Snapshot = Extract<BackgroundMessage, { type: 'snapshot' }>;
type Final = Extract<StreamMessage, { type: 'end' | 'failed' }>;

interface LiveAnswer {
  requestId: string;
  controller: AbortController;
  /** The panel receiving this answer, or null while none is attached. */
  sink: PanelPort | null;
  text: string;
  thinking: string;
  lastSeq: number;
  final: Final | null;
}

/** How long an unreceived finished answer is kept for a panel to come back for it. */
export const ORPHAN_TTL_MS = 10 * 60_000;

const live = new Map<string, LiveAnswer>();
const orphansItem = storage.defineItem<Record<string, { snapshot: Snapshot; savedAt: number }>>('session:orphanAnswers', {
  fallback: {},
});

export function isRunning(requestId: string): boolean {
  return live.has(requestId);
}

export function runningCount(): number {
  let count = 0;
  for (const answer of live.values()) if (!answer.final) count++;
  return count;
}

export function startAnswer(requestId: string, sink: PanelPort): AbortController {
  const controller = new AbortController();
  live.set(requestId, { requestId, controller, sink, text: '', thinking: '', lastSeq: -1, final: null });
  return controller;
}

function snapshotOf(answer: LiveAnswer): Snapshot {
  return {
    type: 'snapshot',
    requestId: answer.requestId,
    seq: answer.lastSeq,
    text: answer.text,
    thinking: answer.thinking,
    final: answer.final,
  };
}

/** Records a stream message and forwards it to the attached panel, if any. */
export function recordAndForward(message: StreamMessage): void {
  const answer = live.get(message.requestId);
  if (!answer) return;
  answer.lastSeq = message.seq;
  if (message.type === 'delta') answer.text += message.text;
  else if (message.type === 'thinking') answer.thinking += message.text;
  else if (message.type === 'end' || message.type === 'failed') answer.final = message;
  if (answer.sink && !postToPanel(answer.sink, message)) answer.sink = null;
}

/** The answer's stream has ended (its final message was recorded). */
export async function finishAnswer(requestId: string, now = Date.now()): Promise<void> {
  const answer = live.get(requestId);
  if (!answer) return;
  live.delete(requestId);
  if (answer.sink) return; // delivered
  const orphans = await orphansItem.getValue().catch(() => ({}));
  const kept = Object.fromEntries(Object.entries(orphans).filter(([, entry]) => now - entry.savedAt < ORPHAN_TTL_MS));
  kept[requestId] = { snapshot: snapshotOf(answer), savedAt: now };
  await orphansItem.setValue(kept).catch(() => {});
}

/** Stop: aborts the upstream request. */
export function stopAnswer(requestId: string): void {
  live.get(requestId)?.controller.abort();
}

/** A panel went away: its answers keep streaming into their buffers. */
export function detachPanel(panel: PanelPort): void {
  for (const answer of live.values()) if (answer.sink === panel) answer.sink = null;
}

/**
 * A panel asks for an answer it was showing: everything so far as one snapshot, then the
 * rest as it streams. Null when the background knows nothing of it (it was restarted).
 */
export async function attachPanel(panel: PanelPort, requestId: string, now = Date.now()): Promise<Snapshot | null> {
  const answer = live.get(requestId);
  if (answer) {
    answer.sink = panel;
    return snapshotOf(answer);
  }
  const orphans = await orphansItem.getValue().catch(() => ({}) as Record<string, { snapshot: Snapshot; savedAt: number }>);
  const entry = orphans[requestId];
  if (!entry || now - entry.savedAt >= ORPHAN_TTL_MS) return null;
  delete orphans[requestId];
  await orphansItem.setValue(orphans).catch(() => {});
  return entry.snapshot;
}

/** For tests: forget everything. */
export function resetLiveAnswersForTests(): void {
  for (const answer of live.values()) answer.controller.abort();
  live.clear();
}
