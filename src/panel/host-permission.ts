/** Host permissions the panel asks for, inside the user's click (the browser allows the prompt only then). */
import { BUILT_IN_ORIGINS, originPattern } from '../providers/catalog.ts';

/**
 * A provider other than Anthropic needs a host permission, asked for inside this click.
 * Resolves true when not needed or granted.
 */
export function requestHostFor(url: string): Promise<boolean> {
  let origin: string;
  try {
    origin = new URL(url).origin;
  } catch {
    return Promise.resolve(true); // the background reports the bad URL
  }
  if (BUILT_IN_ORIGINS.includes(origin)) return Promise.resolve(true);
  return browser.permissions.request({ origins: [originPattern(url)] }).catch(() => false);
}
