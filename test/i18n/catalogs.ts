/**
 * The catalogs as the extension ships them: locales/<lang>.yml through @wxt-dev/i18n's own
 * build step (the one that writes _locales/<lang>/messages.json), and a browser that speaks
 * a language (browser.i18n.getMessage answering from that catalog, as Chrome and Firefox do).
 */
import { generateChromeMessages, parseMessagesFile, type ParsedMessage } from '@wxt-dev/i18n/build';
import { join } from 'node:path';
import { vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';

export const LOCALES = ['en', 'zh_CN'] as const;
export type Locale = (typeof LOCALES)[number];

/** Tests run from the repository root (import.meta.url is not a file: URL under happy-dom). */
export const localePath = (locale: Locale) => join(process.cwd(), 'locales', `${locale}.yml`);

/** The parsed messages (keys, plural forms, placeholders), without the browser's predefined @@ ones. */
export async function parsedMessages(locale: Locale): Promise<ParsedMessage[]> {
  return (await parseMessagesFile(localePath(locale))).filter((message) => !message.key.join('_').startsWith('@@'));
}

/** _locales/<locale>/messages.json, as built. */
export async function messagesJson(locale: Locale): Promise<Record<string, { message: string }>> {
  return generateChromeMessages(await parsedMessages(locale));
}

/** key → message, as browser.i18n.getMessage sees it. */
export async function flatMessages(locale: Locale): Promise<Record<string, string>> {
  const json = await messagesJson(locale);
  return Object.fromEntries(Object.entries(json).map(([key, entry]) => [key, entry.message]));
}

/** Makes the fake browser's UI language `locale`: getMessage answers from its catalog. */
export async function browserSpeaks(locale: Locale): Promise<void> {
  const messages = await flatMessages(locale);
  const i18n = (fakeBrowser as unknown as { i18n: Record<string, unknown> }).i18n;
  i18n.getMessage = vi.fn((key: string) => messages[key] ?? '');
}

/**
 * A fetch that serves the extension's own _locales/<lang>/messages.json (what the panel
 * loads for a language chosen in settings); other URLs go to `rest`.
 */
export function servingLocales(rest: (input: string, init?: RequestInit) => Promise<Response>) {
  return async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = String(input instanceof Request ? input.url : input);
    const match = /\/_locales\/([A-Za-z_]+)\/messages\.json$/.exec(url);
    if (match && (LOCALES as readonly string[]).includes(match[1]!)) {
      return new Response(JSON.stringify(await messagesJson(match[1] as Locale)), { status: 200 });
    }
    return rest(url, init);
  };
}
