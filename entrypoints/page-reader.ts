/**
 * Injected into a tab with `scripting.executeScript({ files: ['/page-reader.js'] })` when the
 * user asks about the whole page; the script's value (what main returns) is the result.
 */
import { extractPage } from '@/src/background/page-text/extract.ts';

export default defineUnlistedScript(() => extractPage(document));
