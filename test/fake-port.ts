/**
 * fakeBrowser has no ports: this adds `runtime.connect` / `runtime.onConnect` with two
 * linked Port objects. Messages are structured-cloned and delivered in a microtask, as a
 * real port delivers asynchronously and never shares objects.
 */
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { Browser } from 'wxt/browser';

type Listener<A extends unknown[]> = (...args: A) => void;

function event<A extends unknown[]>() {
  const listeners = new Set<Listener<A>>();
  return {
    addListener: (fn: Listener<A>) => void listeners.add(fn),
    removeListener: (fn: Listener<A>) => void listeners.delete(fn),
    hasListener: (fn: Listener<A>) => listeners.has(fn),
    hasListeners: () => listeners.size > 0,
    fire: (...args: A) => {
      for (const fn of [...listeners]) fn(...args);
    },
  };
}

export interface FakePort extends Browser.runtime.Port {
  /** Messages this end received, in order. */
  received: unknown[];
  disconnected: boolean;
}

function makePair(name: string, sender: Browser.runtime.MessageSender): [FakePort, FakePort] {
  const make = (portSender?: Browser.runtime.MessageSender) => {
    const onMessage = event<[unknown, Browser.runtime.Port]>();
    const onDisconnect = event<[Browser.runtime.Port]>();
    const port = {
      name,
      sender: portSender,
      received: [] as unknown[],
      disconnected: false,
      onMessage,
      onDisconnect,
      postMessage: (_message: unknown) => {},
      disconnect: () => {},
    };
    return port;
  };
  const a = make(undefined); // the connecting side (panel)
  const b = make(sender); // the background's side
  const link = (from: typeof a, to: typeof a) => {
    from.postMessage = (message: unknown) => {
      if (from.disconnected) throw new Error('Attempting to use a disconnected port object');
      const copy = structuredClone(message);
      queueMicrotask(() => {
        if (to.disconnected) return;
        to.received.push(copy);
        to.onMessage.fire(copy, to as unknown as Browser.runtime.Port);
      });
    };
    from.disconnect = () => {
      if (from.disconnected) return;
      from.disconnected = true;
      to.disconnected = true;
      queueMicrotask(() => to.onDisconnect.fire(to as unknown as Browser.runtime.Port));
    };
  };
  link(a, b);
  link(b, a);
  return [a as unknown as FakePort, b as unknown as FakePort];
}

export interface FakePorts {
  /** Connect as an arbitrary sender (e.g. a content script) and get the connecting end. */
  connectFrom(sender: Browser.runtime.MessageSender, name: string): FakePort;
  /** The background-side ends of every connection so far. */
  backgroundEnds: FakePort[];
}

/** The sender of our own side panel page. */
export function panelSender(): Browser.runtime.MessageSender {
  const url = fakeBrowser.runtime.getURL('/sidepanel.html');
  // As the browser reports it (Node's URL gives "null" as the origin of this scheme).
  const origin = fakeBrowser.runtime.getURL('/').replace(/\/$/, '');
  return { id: fakeBrowser.runtime.id, url, origin, frameId: 0 };
}

/** Every port end made so far: a new install disconnects them, like a browser restart would. */
const allEnds: FakePort[] = [];

export function installFakePorts(defaultSender: () => Browser.runtime.MessageSender = panelSender): FakePorts {
  for (const end of allEnds.splice(0)) end.disconnect();
  const onConnect = event<[Browser.runtime.Port]>();
  const backgroundEnds: FakePort[] = [];
  const connectFrom = (sender: Browser.runtime.MessageSender, name: string) => {
    const [panelEnd, backgroundEnd] = makePair(name, sender);
    backgroundEnds.push(backgroundEnd);
    allEnds.push(panelEnd, backgroundEnd);
    onConnect.fire(backgroundEnd);
    return panelEnd;
  };
  const runtime = fakeBrowser.runtime as unknown as Record<string, unknown>;
  runtime.onConnect = onConnect;
  runtime.connect = (info?: { name?: string }) => connectFrom(defaultSender(), info?.name ?? '');
  return { connectFrom, backgroundEnds };
}

/** Lets queued port deliveries and the promise chains they start run. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}
