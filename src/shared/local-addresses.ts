/**
 * Addresses of model servers on this machine or the LAN: the usual ones, what a typed one
 * means, whether a URL is local, and which provider preset a found server fills in. Pure,
 * shared by the panel (Find local models) and the background (probes, the Origin rule).
 */
import type { ProviderId } from './ids.ts';

export type LocalServerKind = 'ollama' | 'lmstudio' | 'llamacpp' | 'vllm' | 'openai-compatible';

/**
 * The usual addresses, by their default ports: Ollama, LM Studio, llama.cpp's server, vLLM.
 * 127.0.0.1 rather than localhost: these servers bind IPv4 loopback by default, and
 * localhost may resolve to ::1 first.
 */
export const USUAL_LOCAL_ADDRESSES: readonly string[] = [
  'http://127.0.0.1:11434',
  'http://127.0.0.1:1234',
  'http://127.0.0.1:8080',
  'http://127.0.0.1:8000',
];

/** The provider preset a found server fills in, and the base URL it gets. */
export function settingsForServer(server: { origin: string; kind: LocalServerKind }): { provider: ProviderId; baseUrl: string } {
  const provider: ProviderId = server.kind === 'ollama' ? 'ollama' : server.kind === 'lmstudio' ? 'lmstudio' : 'openai-compatible';
  return { provider, baseUrl: `${server.origin}/v1` };
}

/**
 * A typed address as an origin: `192.168.1.5:11434` → `http://192.168.1.5:11434`; a path is
 * dropped (the probe asks the server's own routes). Null when it cannot be one.
 */
export function localOrigin(typed: string): string | null {
  const trimmed = typed.trim();
  if (trimmed === '') return null;
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    if (url.username || url.password) return null;
    return url.origin;
  } catch {
    return null;
  }
}

const PRIVATE_V4 = [/^10\./, /^192\.168\./, /^172\.(1[6-9]|2\d|3[01])\./, /^169\.254\./, /^127\./];

/** This machine or the LAN: loopback, private IPv4 ranges, `.local`/`.lan` names, IPv6 loopback and ULA. */
export function isLocalAddress(url: string): boolean {
  let hostname: string;
  try {
    hostname = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  if (hostname === 'localhost' || hostname.endsWith('.localhost') || hostname.endsWith('.local') || hostname.endsWith('.lan')) {
    return true;
  }
  if (PRIVATE_V4.some((range) => range.test(hostname))) return true;
  return hostname === '[::1]' || /^\[f[cd][0-9a-f]{2}:/.test(hostname);
}
