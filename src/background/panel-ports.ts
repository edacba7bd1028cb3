/** The panels connected right now (every open panel or panel tab has its own port). */
import type { Browser } from 'wxt/browser';
import { parseBackgroundMessage, type BackgroundMessage } from '../messaging/protocol.ts';

export interface PanelPort {
  port: Browser.runtime.Port;
  /** The window the panel lives in, once its hello said so. */
  windowId: number | undefined;
  /** The tab the panel page is open in (panel opened as a tab), else undefined. */
  tabId: number | undefined;
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
 * what went wrong: a dropped message would leave the panel waiting for nothing.
 */
function deliverable(message: BackgroundMessage): BackgroundMessage {
  if (parseBackgroundMessage(message)) return message;
  const error = {
    code: 'unknown' as const,
    message: 'Aside produced a message it could not show (a value was too long or malformed). Try again.',
  };
  if ('requestId' in message && 'seq' in message) {
    return { type: 'failed', requestId: message.requestId, seq: Math.max(0, message.seq), error };
  }
  if (message.type === 'connection-test') return { ...message, ok: false, message: error.message };
  if (message.type === 'models') return { type: 'models', requestId: message.requestId, models: [], error: error.message };
  return { type: 'notice', error };
}

/** Posts without throwing: a panel may close between any two messages. */
export function postToPanel(panel: PanelPort, message: BackgroundMessage): boolean {
  try {
    panel.port.postMessage(deliverable(message));
    return true;
  } catch {
    panels.delete(panel);
    return false;
  }
}
