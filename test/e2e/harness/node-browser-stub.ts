/**
 * For e2e files that compute records with the extension's own modules in Node (the history
 * store's summaries): some of those modules define a storage item as they load, which needs
 * a `browser`. They get WXT's in-memory fake, in this Node process only; the browsers under
 * test are untouched. Import this before any src/ module.
 */
import { fakeBrowser } from 'wxt/testing/fake-browser';

const scope = globalThis as { chrome?: unknown };
scope.chrome ??= fakeBrowser;
