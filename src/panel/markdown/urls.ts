/**
 * Which URLs in an answer may become live. An answer is untrusted text (a prompt-injected
 * page can make the model write anything), so only absolute http:, https: and mailto: links
 * are kept; everything else (javascript:, data:, vbscript:, relative paths that would resolve
 * inside the extension…) is shown as inert text.
 */
import { decodeEntities } from './text.ts';

const LIVE_SCHEMES = new Set(['http', 'https', 'mailto']);

/**
 * What a browser would make of the attribute: entities decoded (marked leaves `&#106;`
 * in hrefs), C0 controls, DEL and whitespace removed (browsers drop tabs and newlines
 * anywhere in a URL and trim the rest).
 */
export function cleanUrl(href: string): string {
  // eslint-disable-next-line no-control-regex -- controls are exactly what must go
  return decodeEntities(href).replace(/[\u0000-\u0020\u007f-\u009f\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f\u3000\ufeff]+/g, '');
}

/** The URL's scheme in lower case, or null for a URL without one (relative). */
export function schemeOf(url: string): string | null {
  const match = /^([a-z][a-z0-9+.-]*):/i.exec(url);
  return match ? match[1]!.toLowerCase() : null;
}

/** The URL to put in `href`, or null when the link must stay inert. */
export function liveLinkUrl(href: string): string | null {
  const url = cleanUrl(href);
  const scheme = schemeOf(url);
  return scheme !== null && LIVE_SCHEMES.has(scheme) ? url : null;
}

/** The URL an image placeholder may open (http/https only), or null. */
export function openableImageUrl(href: string): string | null {
  const url = cleanUrl(href);
  const scheme = schemeOf(url);
  return scheme === 'http' || scheme === 'https' ? url : null;
}

/** The host of an http(s) URL for display ("attacker.example"), or "" when there is none. */
export function hostOf(url: string): string {
  const match = /^[a-z][a-z0-9+.-]*:\/\/(?:[^/?#@]*@)?(\[[^\]]*\]|[^/?#:]*)/i.exec(url);
  return match ? match[1]!.toLowerCase() : '';
}
