/**
 * "Find local models": every address asked for, probed in parallel with short timeouts,
 * each with a session rule that removes our Origin header (local-origin-rule.ts), so an
 * Ollama that accepts no extension origin still answers. What answered is listed with its
 * models; what did not gets its reason in words (nothing listening, the origin check, no
 * permission for that address).
 */
import { OLLAMA_ORIGINS_SETTING } from '../providers/catalog.ts';
import { localOrigin, probeLocalServer, ProbeRefused, type LocalServer, type ProbeDeps } from '../providers/local-servers.ts';
import { hostOf, userError, type UserError } from '../shared/errors.ts';
import { noPermissionError } from './answers/errors.ts';
import { withOriginRules, type RuleDeps } from './local-origin-rule.ts';

export type LocalProbeResult = { origin: string; server: LocalServer } | { origin: string; error: UserError };

export interface DiscoveryDeps extends ProbeDeps, RuleDeps {
  canReach?: (url: string) => Promise<boolean>;
}

/** The words for an address that did not answer as a model server. */
export function probeError(origin: string, cause: unknown): UserError {
  const host = hostOf(origin);
  if (cause instanceof ProbeRefused)
    return userError('ollama-origin', { params: { status: cause.status, setting: OLLAMA_ORIGINS_SETTING } });
  const detail = cause instanceof Error ? cause.message : undefined;
  return userError('local-unreachable', { params: { host }, ...(detail ? { detail } : {}) });
}

async function probeOne(origin: string, deps: DiscoveryDeps): Promise<LocalProbeResult> {
  if (deps.canReach && !(await deps.canReach(`${origin}/`))) return { origin, error: noPermissionError(origin) };
  try {
    const server = await probeLocalServer(origin, deps);
    return server ? { origin, server } : { origin, error: userError('local-not-server', { params: { host: hostOf(origin) } }) };
  } catch (cause) {
    return { origin, error: probeError(origin, cause) };
  }
}

/** Each address once, as an origin (junk dropped: the panel checks what is typed before asking). */
export function originsToProbe(addresses: readonly string[]): string[] {
  const origins = addresses.map(localOrigin).filter((origin): origin is string => origin !== null);
  return [...new Set(origins)];
}

export async function findLocalServers(addresses: readonly string[], deps: DiscoveryDeps = {}): Promise<LocalProbeResult[]> {
  const origins = originsToProbe(addresses);
  return withOriginRules(origins, () => Promise.all(origins.map((origin) => probeOne(origin, deps))), deps);
}
