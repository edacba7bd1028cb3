/**
 * The identifiers every layer agrees on: providers, their wire dialects, quick actions and
 * interface languages. Plain data, so anything may import it.
 */
import * as v from 'valibot';

export const PROVIDER_IDS = [
  'anthropic',
  'openai',
  'gemini',
  'openrouter',
  'groq',
  'deepseek',
  'mistral',
  'xai',
  'together',
  'lmstudio',
  'ollama',
  'openai-compatible',
  'custom-sse',
  'chrome-builtin',
] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];
export const ProviderIdSchema = v.picklist(PROVIDER_IDS);

/** How a provider is spoken to: one Provider implementation each (see src/providers/registry.ts). */
export const DIALECTS = ['anthropic', 'openai', 'custom', 'builtin'] as const;
export type Dialect = (typeof DIALECTS)[number];

/** Interface languages with a catalog in locales/ (the repository root); 'auto' follows the browser. */
export const UI_LANGUAGES = ['auto', 'en', 'zh_CN'] as const;
export type UiLanguage = (typeof UI_LANGUAGES)[number];

/** The provider and model a new user starts with. */
export const DEFAULT_PROVIDER: ProviderId = 'anthropic';
export const DEFAULT_MODEL = 'claude-sonnet-5-5';

/**
 * Aside's Firefox add-on id. A GUID rather than an e-mail-like id: the project has no domain
 * of its own to name, and addons.mozilla.org ties a GUID to the account that first submits
 * it, which makes it the project's. It must never change after a release: Firefox keys the
 * add-on's storage, permissions and updates by it.
 */
export const FIREFOX_ADDON_ID = '{fd090418-080b-4b81-9106-483dfcedb2aa}';
