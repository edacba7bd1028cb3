/**
 * The panel's words: every string a user sees goes through here. Messages live in
 * locales/<lang>.yml; the @wxt-dev/i18n module builds them into _locales/<lang>/messages.json.
 *
 * Language: by default the browser's, read with browser.i18n.getMessage (what @wxt-dev/i18n
 * wraps; the browser falls back to en). browser.i18n cannot switch language at run time, so
 * a language chosen in settings loads that locale's messages.json from the extension's own
 * package (nothing is bundled into the panel) and reads from it instead. Both ways, a
 * message is turned into text by `substitute` (format.ts), which does what i18n.t does.
 *
 * Errors arrive as codes (src/shared/errors.ts): `errorText` picks `error_<code>`, or a
 * variant `error_<code>_<value>` where the words depend on a param (VARIES_BY), and fills in
 * the params, some of them turned into words first (a provider id into its name).
 */
import type { ComponentChild } from 'preact';
import type { GeneratedI18nStructure } from '#i18n';
import type { ConnectionTestResult } from '../../messaging/protocol.ts';
import type { ErrorCode, UserError } from '../../shared/errors.ts';
import { PROVIDER_IDS, type ProviderId, type UiLanguage } from '../../shared/ids.ts';
import { MAX_PREVIEW_CHARS } from '../../shared/limits.ts';
import { splitAtPlaceholders, substitute, type Params } from './format.ts';

type Structure = GeneratedI18nStructure;
/** Every key of locales/en.yml (the generated structure also lists the browser's own @@ messages). */
export type MessageKey = Exclude<Extract<keyof Structure, string>, `@@${string}`>;
type NamesOf<K extends MessageKey> = Structure[K] extends { namedSubstitutions: readonly (infer N)[] } ? N & string : never;
/** The params a message takes, by name: none, or exactly the `{name}`s it uses. */
export type ParamsFor<K extends MessageKey> = [NamesOf<K>] extends [never] ? [] : [params: Record<NamesOf<K>, string | number>];

/** The messages of a language chosen in settings; null: the browser's language. */
let catalog: Readonly<Record<string, string>> | null = null;
let language: UiLanguage = 'auto';
const listeners = new Set<() => void>();
const loaded = new Map<Exclude<UiLanguage, 'auto'>, Promise<Readonly<Record<string, string>>>>();

function browserMessage(key: string): string {
  try {
    return (browser.i18n.getMessage as (name: string) => string | undefined)(key) ?? '';
  } catch {
    return '';
  }
}

/** The message as written in the catalog in use, "" when it has none. */
function raw(key: string): string {
  return catalog ? (catalog[key] ?? '') : browserMessage(key);
}

/** The BCP 47 tag of the catalog in use (for <html lang> and number formats). */
export function uiLocale(): string {
  return raw('locale_tag') || 'en';
}

export function formatNumber(n: number): string {
  try {
    return n.toLocaleString(uiLocale());
  } catch {
    return n.toLocaleString('en');
  }
}

const BYTE_UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;

/** A size in the UI language: "12.3 MB", "1.2 GB" (decimal units, as browsers report quota). */
export function formatBytes(bytes: number): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1000 && unit < BYTE_UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const options: Intl.NumberFormatOptions = {
    style: 'unit',
    unit: BYTE_UNITS[unit],
    unitDisplay: 'short',
    maximumFractionDigits: unit === 0 ? 0 : 1,
  };
  try {
    return new Intl.NumberFormat(uiLocale(), options).format(value);
  } catch {
    return new Intl.NumberFormat('en', options).format(value);
  }
}

function message(key: string, params?: Params): string {
  const text = raw(key);
  return text === '' ? key : substitute(text, params, formatNumber);
}

/** The words for a key, with its params (number params are formatted for the language). */
export function t<K extends MessageKey>(key: K, ...params: ParamsFor<K>): string {
  return message(key, params[0]);
}

/**
 * A message with elements inside it: `parts` gives what goes at each `{name}` (a <code>,
 * a link), so translations may put it anywhere in the sentence.
 */
export function tParts<K extends MessageKey>(key: K, parts: Record<NamesOf<K>, ComponentChild>): ComponentChild[] {
  const text = raw(key) || key;
  const byName = parts as Record<string, ComponentChild>;
  return splitAtPlaceholders(text).map((piece) => ('text' in piece ? piece.text : (byName[piece.part] ?? `{${piece.part}}`)));
}

const keyPart = (value: string) => value.replace(/[^A-Za-z0-9]/g, '_');

export function providerName(id: ProviderId): string {
  return message(`provider_${keyPart(id)}`);
}

/** Where to get a key for this provider, "" when the catalog says nowhere (local servers). */
export function providerKeyHint(id: ProviderId): string {
  return raw(`provider_${keyPart(id)}_key_hint`);
}

/** Codes whose sentence depends on a param: the catalog may have `error_<code>_<value>`. */
const VARIES_BY: Partial<Record<ErrorCode, string>> = {
  quota: 'status',
  'url-scheme': 'field',
  'url-needs-https': 'field',
  'url-credentials': 'field',
  stalled: 'partial',
  'connection-dropped': 'partial',
  'stream-error': 'partial',
  'stream-overloaded': 'partial',
  'custom-path-syntax': 'field',
  'custom-path-unsupported': 'field',
  'custom-nothing-extracted': 'mode',
};

/** Number params shown as amounts (digit grouping); the rest (statuses, lines, limits in URLs) as typed. */
const AMOUNTS: Partial<Record<ErrorCode, readonly string[]>> = {
  'question-too-long': ['length', 'max'],
  'max-tokens-range': ['max'],
  'system-prompt-too-long': ['max'],
  'thinking-budget-range': ['min', 'maxTokens'],
  'extra-fields-too-long': ['max'],
  'answer-too-long': ['max'],
};

export function errorKey(error: Pick<UserError, 'code' | 'params'>): string {
  const base = `error_${keyPart(error.code)}`;
  const by = VARIES_BY[error.code];
  const value = by === undefined ? undefined : error.params?.[by];
  if (value !== undefined) {
    const variant = `${base}_${keyPart(String(value))}`;
    if (raw(variant) !== '') return variant;
  }
  return base;
}

function isProviderId(value: unknown): value is ProviderId {
  return (PROVIDER_IDS as readonly unknown[]).includes(value);
}

/** "a minute" for 60 s, else "N seconds". */
function durationText(seconds: number): string {
  return seconds === 60 ? message('duration_minute') : message('duration_seconds', { count: seconds });
}

function errorParams(error: UserError): Record<string, string> {
  const out: Record<string, string> = {};
  const amounts = AMOUNTS[error.code] ?? [];
  for (const [name, value] of Object.entries(error.params ?? {})) {
    if (name === 'provider' && isProviderId(value)) out[name] = providerName(value);
    else if (name === 'item')
      out[name] = raw(`storage_item_${keyPart(String(value).replace(/([a-z])([A-Z])/g, '$1_$2')).toLowerCase()}`) || String(value);
    else if (typeof value === 'number' && amounts.includes(name)) out[name] = formatNumber(value);
    else out[name] = String(value);
    if (name === 'seconds' && typeof value === 'number') out.duration = durationText(value);
  }
  return out;
}

/** The sentence for an error, in the UI language. Its `detail` (the provider's words) is shown apart. */
export function errorText(error: UserError): string {
  return message(errorKey(error), errorParams(error));
}

/** What "Test connection" found, in words (a failure's detail is shown apart, as for any error). */
export function connectionTestText(result: ConnectionTestResult): string {
  switch (result.kind) {
    case 'connected':
      return t('connection_connected', { model: result.model });
    case 'preview': {
      const text = result.text.length > MAX_PREVIEW_CHARS ? `${result.text.slice(0, MAX_PREVIEW_CHARS)}…` : result.text;
      return result.complete ? t('connection_preview', { text }) : t('connection_preview_incomplete', { text });
    }
    case 'failed':
      return errorText(result.error);
  }
}

/** Where a locale's messages are in the extension's package. */
async function fetchCatalog(locale: Exclude<UiLanguage, 'auto'>): Promise<Readonly<Record<string, string>>> {
  const url = (browser.runtime.getURL as (path: string) => string)(`/_locales/${locale}/messages.json`);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  const json = (await response.json()) as Record<string, { message?: unknown }>;
  const messages: Record<string, string> = {};
  for (const [key, entry] of Object.entries(json)) {
    if (typeof entry?.message === 'string') messages[key] = entry.message;
  }
  return messages;
}

/** The language chosen in settings ('auto': the browser's). */
export function currentLanguage(): UiLanguage {
  return language;
}

/**
 * Switches the panel's words: 'auto' follows the browser, 'en' / 'zh_CN' load that catalog.
 * Resolves once the words are in place (listeners have been told); a catalog that cannot be
 * loaded leaves the browser's language in place.
 */
export async function setLanguage(next: UiLanguage): Promise<void> {
  let messages: Readonly<Record<string, string>> | null = null;
  if (next !== 'auto') {
    let pending = loaded.get(next);
    if (!pending) {
      pending = fetchCatalog(next);
      loaded.set(next, pending);
      pending.catch(() => loaded.delete(next));
    }
    try {
      messages = await pending;
    } catch {
      messages = null;
    }
  }
  language = next;
  catalog = messages;
  for (const listener of listeners) listener();
}

/** Called after every language switch; returns the unsubscribe. */
export function onLanguageChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
