/**
 * Pages no extension may read: the browser's own pages and the extension stores.
 * Knowing them up front gives the user a clear reason instead of a raw API error.
 */
const RESTRICTED_PREFIXES = [
  'chrome://',
  'chrome-extension://',
  'chrome-search://',
  'chrome-untrusted://',
  'devtools://',
  'edge://',
  'about:',
  'moz-extension://',
  'resource://',
  'view-source:',
  'https://chrome.google.com/webstore',
  'https://chromewebstore.google.com',
  'https://microsoftedge.microsoft.com/addons',
  'https://addons.mozilla.org',
  'https://accounts-static.cdn.mozilla.net',
];

export function isRestrictedUrl(url: string | undefined): boolean {
  if (!url) return false;
  return RESTRICTED_PREFIXES.some((prefix) => url.startsWith(prefix));
}

/** Error texts the browsers give when a page cannot be scripted at all. */
export function isRestrictedPageError(message: string): boolean {
  return /chrome:\/\/|extensions gallery|cannot be scripted|about:|moz-extension|privileged|Cannot access a chrome/i.test(message);
}

/** Error texts that mean: we lack host permission for this page (fixable by the user). */
export function isMissingPermissionError(message: string): boolean {
  return /permission|Cannot access contents of|Missing host permission/i.test(message);
}
