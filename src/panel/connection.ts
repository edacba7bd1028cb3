/**
 * The panel's port to the background: validates what arrives, and reconnects with
 * backoff when the background goes away (a stopped service worker, an update), saying
 * hello again each time so settings and any waiting selection arrive.
 */
import { PANEL_PORT_NAME, parseBackgroundMessage, type BackgroundMessage, type PanelMessage } from '../messaging/protocol.ts';

export interface BackgroundConnection {
  /** False when the port is down; the caller keeps what the user did and retries later. */
  send(message: PanelMessage): boolean;
  close(): void;
}

export interface ConnectionEvents {
  onMessage(message: BackgroundMessage): void;
  onConnected(): void;
  onDisconnected(): void;
}

const BACKOFF_MS = [100, 250, 500, 1_000, 2_000, 5_000];

export function connectToBackground(
  events: ConnectionEvents,
  hello: () => PanelMessage,
  connect: (name: string) => ReturnType<typeof browser.runtime.connect> = (name) => browser.runtime.connect({ name }),
): BackgroundConnection {
  let port: ReturnType<typeof browser.runtime.connect> | null = null;
  let closed = false;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const open = () => {
    timer = null;
    if (closed) return;
    let next: ReturnType<typeof browser.runtime.connect>;
    try {
      next = connect(PANEL_PORT_NAME);
    } catch {
      scheduleReconnect();
      return;
    }
    next.onDisconnect.addListener(() => {
      if (port !== next) return;
      port = null;
      events.onDisconnected();
      scheduleReconnect();
    });
    next.onMessage.addListener((raw: unknown) => {
      const message = parseBackgroundMessage(raw);
      if (!message) return;
      attempt = 0; // the background answered: the connection is healthy
      events.onMessage(message);
    });
    port = next;
    events.onConnected();
    next.postMessage(hello());
  };

  const scheduleReconnect = () => {
    if (closed || timer !== null) return;
    const delay = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)] ?? 5_000;
    attempt++;
    timer = setTimeout(open, delay);
  };

  open();

  return {
    send(message) {
      if (!port) return false;
      try {
        port.postMessage(message);
        return true;
      } catch {
        return false;
      }
    },
    close() {
      closed = true;
      if (timer !== null) clearTimeout(timer);
      port?.disconnect();
      port = null;
    },
  };
}

/**
 * Load an old conversation from history into this panel's tab and continue it there (the
 * background answers with a `conversation` message, or a notice when it is gone). False
 * while the port is down.
 */
export function openConversation(connection: Pick<BackgroundConnection, 'send'>, id: string): boolean {
  return connection.send({ type: 'conversation.open', id });
}

/** Start a new chat in this panel's tab; the old one stays in history. False while the port is down. */
export function newConversation(connection: Pick<BackgroundConnection, 'send'>): boolean {
  return connection.send({ type: 'conversation.new' });
}
