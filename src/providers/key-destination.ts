/**
 * Where a saved API key may go. A key is saved for an address: the provider's own, or the
 * base URL (or custom endpoint) it was saved with. Sending it anywhere else (a base URL
 * edited to another origin, a typo, a proxy someone suggested) needs the key typed again or
 * the user's explicit confirmation, so a changed address never receives it silently.
 */
import type { CustomEndpoint } from '../shared/custom-endpoint.ts';
import type { ProviderId } from '../shared/ids.ts';
import { effectiveBaseUrl } from './catalog.ts';

export interface KeyAddress {
  provider: ProviderId;
  baseUrl: string;
  custom: CustomEndpoint | null;
}

/** Where requests go with these settings: the custom endpoint's URL, or the base URL. */
export function requestUrl(settings: KeyAddress): string {
  return settings.custom ? settings.custom.url : effectiveBaseUrl(settings);
}

/** The origin requests go to with these settings; null when the address does not parse. */
export function requestOrigin(settings: KeyAddress): string | null {
  try {
    return new URL(requestUrl(settings)).origin;
  } catch {
    return null;
  }
}

/**
 * The origin a saved key would newly go to with `next`, or null when it may go there: the
 * provider's own origin, or the one saved with the same provider. `saved` is what is stored.
 */
export function newKeyOrigin(saved: KeyAddress, next: KeyAddress): string | null {
  const target = requestOrigin(next);
  if (target === null) return null; // nothing can be sent to an address that does not parse
  const allowed = [requestOrigin({ ...next, baseUrl: '', custom: null })];
  if (saved.provider === next.provider) allowed.push(requestOrigin(saved));
  return allowed.includes(target) ? null : target;
}
