/** The panels connected right now (every open panel or panel tab has its own port). */
import type { Browser } from 'wxt/browser';
import type { BackgroundMessage } from '../messaging/protocol.ts';

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

/** Posts without throwing: a panel may close between any two messages. */
export function postToPanel(panel: PanelPort, message: BackgroundMessage): boolean {
  try {
    panel.port.postMessage(message);
    return true;
  } catch {
    panels.delete(panel);
    return false;
  }
}
