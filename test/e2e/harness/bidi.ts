/**
 * A minimal WebDriver BiDi client over Node 22's global `WebSocket` (no npm packages).
 * Spec: https://w3c.github.io/webdriver-bidi/ — commands `{id, method, params}`, answers
 * `{type:'success'|'error', id, …}`, events `{type:'event', method, params}`.
 */

export class BiDiError extends Error {
  error: string;
  constructor(method: string, error: string, message: string) {
    super(`BiDi ${method} failed: ${error}: ${message}`);
    this.name = 'BiDiError';
    this.error = error;
  }
}

export type BiDiEventHandler = (params: Record<string, unknown>) => void;

/** A BiDi RemoteValue (what script.evaluate returns). */
export interface RemoteValue {
  type: string;
  value?: unknown;
  sharedId?: string;
  handle?: string;
}

export class BiDiClient {
  private ws: WebSocket;
  private nextId = 1;
  private pending = new Map<number, { method: string; resolve(v: unknown): void; reject(e: Error): void; timer: NodeJS.Timeout }>();
  private handlers = new Map<string, Set<BiDiEventHandler>>();
  private closedError: Error | null = null;
  /** Every event received, newest last (capped), for diagnostics. */
  readonly eventLog: { method: string; params: unknown }[] = [];

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.addEventListener('message', (ev) => this.onMessage(String(ev.data)));
    ws.addEventListener('close', () => this.failAll(new Error('BiDi WebSocket closed')));
    ws.addEventListener('error', () => this.failAll(new Error('BiDi WebSocket error')));
  }

  static connect(url: string, timeoutMs = 10_000): Promise<BiDiClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const timer = setTimeout(() => {
        ws.close();
        reject(new Error(`Timed out after ${timeoutMs} ms connecting to ${url}`));
      }, timeoutMs);
      ws.addEventListener('open', () => {
        clearTimeout(timer);
        resolve(new BiDiClient(ws));
      });
      ws.addEventListener('error', () => {
        clearTimeout(timer);
        reject(new Error(`Could not connect to ${url}`));
      });
    });
  }

  send<T = Record<string, unknown>>(method: string, params: object = {}, timeoutMs = 15_000): Promise<T> {
    if (this.closedError) return Promise.reject(new Error(`BiDi ${method}: ${this.closedError.message}`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`BiDi ${method} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { method, resolve: resolve, reject, timer });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  on(method: string, handler: BiDiEventHandler): () => void {
    let set = this.handlers.get(method);
    if (!set) {
      set = new Set();
      this.handlers.set(method, set);
    }
    set.add(handler);
    return () => set.delete(handler);
  }

  close(): void {
    this.closedError ??= new Error('client closed');
    try {
      this.ws.close();
    } catch {
      // already closed
    }
  }

  private onMessage(text: string): void {
    let msg: {
      type?: string;
      id?: number;
      result?: unknown;
      error?: string;
      message?: string;
      method?: string;
      params?: Record<string, unknown>;
    };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      return;
    }
    if (msg.type === 'event' && msg.method) {
      this.eventLog.push({ method: msg.method, params: msg.params });
      if (this.eventLog.length > 500) this.eventLog.shift();
      for (const h of this.handlers.get(msg.method) ?? []) h(msg.params ?? {});
      return;
    }
    if (msg.id === undefined) return;
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    clearTimeout(p.timer);
    if (msg.type === 'error') p.reject(new BiDiError(p.method, msg.error ?? 'unknown error', msg.message ?? ''));
    else p.resolve(msg.result);
  }

  private failAll(error: Error): void {
    this.closedError ??= error;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new Error(`BiDi ${p.method}: ${error.message}`));
      this.pending.delete(id);
    }
  }
}

/** Turn a BiDi RemoteValue into a plain JS value (nodes become `{ sharedId }`). */
export function deserialize(value: RemoteValue): unknown {
  switch (value.type) {
    case 'undefined':
      return undefined;
    case 'null':
      return null;
    case 'string':
    case 'boolean':
      return value.value;
    case 'number':
      if (value.value === 'NaN') return NaN;
      if (value.value === '-0') return -0;
      if (value.value === 'Infinity') return Infinity;
      if (value.value === '-Infinity') return -Infinity;
      return value.value;
    case 'bigint':
      return BigInt(value.value as string);
    case 'array':
    case 'set':
      return ((value.value as RemoteValue[] | undefined) ?? []).map(deserialize);
    case 'object':
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of (value.value as [string | RemoteValue, RemoteValue][] | undefined) ?? []) {
        out[typeof k === 'string' ? k : String(deserialize(k))] = deserialize(v);
      }
      return out;
    }
    case 'date':
    case 'regexp':
      return value.value;
    case 'node':
      return { sharedId: value.sharedId };
    default:
      return { type: value.type };
  }
}
