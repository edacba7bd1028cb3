/** The panels connected right now (every open panel or panel tab has its own port). */
import type { Browser } from 'wxt/browser';
import { parseBackgroundMessage, type BackgroundMessage, type StreamMessage } from '../messaging/protocol.ts';
import { userError } from '../shared/errors.ts';

export interface PanelPort {
  port: Browser.runtime.Port;
  /** The window the panel lives in, once its hello said so. */
  windowId: number | undefined;
  /** The tab the panel page is open in (panel opened as a tab), else undefined. */
  tabId: number | undefined;
  /** The tab whose conversation the panel shows (hello, conversation.tab), once known. */
  conversationTabId?: number;
  /** The conversation the panel shows, once the background has sent it. */
  conversationId?: string;
  /**
   * Settles once the panel's hello has been answered with its conversation: an ask that
   * arrives meanwhile waits for it, so it is written under that conversation.
   */
  greeted?: Promise<void>;
  /** The budget count in flight, aborted by a newer one or the panel going away. */
  counting?: AbortController;
}

const panels = new Set<PanelPort>();

export function addPanel(panel: PanelPort): void {
  panels.add(panel);
}

export function removePanel(panel: PanelPort): void {
  panels.delete(panel);
}

export function connectedPanels(): readonly PanelPort[] {
  return [...panels];
}

/**
 * A message the panel's validation would refuse is replaced by one it accepts, saying
 * what went wrong: a dropped message would leave the panel waiting for nothing. (Answer
 * stream messages are checked by their AnswerSink, which owns their sequence numbers.)
 */
function deliverable(message: Exclude<BackgroundMessage, StreamMessage>): BackgroundMessage {
  if (parseBackgroundMessage(message)) return message;
  const error = userError('undeliverable');
  switch (message.type) {
    case 'connection-test':
      return { type: 'connection-test', requestId: message.requestId, result: { kind: 'failed', error } };
    case 'models':
      return { type: 'models', requestId: message.requestId, models: [], error };
    case 'local-models':
      return { type: 'local-models', requestId: message.requestId, results: [] };
    case 'snapshot':
      return { type: 'attach-failed', requestId: message.requestId };
    case 'stream-details':
      return { type: 'stream-details', requestId: message.requestId, details: null };
    case 'token-count':
    case 'settings':
    case 'conversation':
    case 'storage':
    case 'selection':
    case 'notice':
    case 'attach-failed':
      return { type: 'notice', error };
  }
}

/** Posts as it is, without throwing: a panel may close between any two messages. */
export function sendToPanel(panel: PanelPort, message: BackgroundMessage): boolean {
  try {
    panel.port.postMessage(message);
    return true;
  } catch {
    panels.delete(panel);
    return false;
  }
}

/** Posts a message that is not part of an answer stream, checked first. */
export function postToPanel(panel: PanelPort, message: Exclude<BackgroundMessage, StreamMessage>): boolean {
  return sendToPanel(panel, deliverable(message));
}
