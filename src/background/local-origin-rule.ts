/**
 * Ollama (and some other local servers) refuse a request whose `Origin` header is not on
 * their list, and extension origins are not on it by default (403, empty body). Instead of
 * asking the user to set OLLAMA_ORIGINS, a declarativeNetRequest rule removes the `Origin`
 * header, which makes the request look like one from curl.
 *
 * The rule is scoped twice, so a web page's requests are never touched (a peer extension's
 * unscoped rule broke unrelated sites):
 * - `initiatorDomains`: this extension's own host (Chromium: the extension id; Firefox: the
 *   moz-extension UUID host, not runtime.id), so only requests the extension makes match;
 * - `requestDomains` + a `urlFilter` anchored at the endpoint's origin, so only that
 *   server (its port included: requestDomains alone ignores ports) is affected.
 *
 * One dynamic rule follows the saved endpoint (replaced when it changes, removed when it is
 * no longer local). The checks run before saving (Find local models, Test connection, Load
 * models) get session rules for the addresses they try, removed when they finish.
 */
import type { Browser } from 'wxt/browser';
import { isLocalAddress } from '../providers/local-servers.ts';
import type { ProviderId } from '../shared/ids.ts';

type Rule = Browser.declarativeNetRequest.Rule;

/** The part of declarativeNetRequest this module uses (a fake in unit tests). */
export interface RuleApi {
  updateDynamicRules(options: { removeRuleIds?: number[]; addRules?: Rule[] }): Promise<void>;
  updateSessionRules(options: { removeRuleIds?: number[]; addRules?: Rule[] }): Promise<void>;
  getDynamicRules?(): Promise<Rule[]>;
}

/** The same rule (or both absent): nothing to write. */
function sameRule(a: Rule | undefined, b: Rule | null): boolean {
  return a === undefined ? b === null : b !== null && JSON.stringify(a) === JSON.stringify(b);
}

/** The saved endpoint's rule. */
export const ENDPOINT_RULE_ID = 1;
/** Session rules for checks in flight get ids from here on. */
const FIRST_CHECK_RULE_ID = 1000;
let nextCheckRuleId = FIRST_CHECK_RULE_ID;

/** Our own host as DNR's initiatorDomains sees it: the extension id (Chromium), the UUID host (Firefox). */
export function extensionHost(): string {
  return new URL(browser.runtime.getURL('/')).host;
}

/**
 * Providers that may be a local model server. A hosted API's preset pointed at a local proxy
 * (Anthropic, OpenAI, ...) keeps its Origin: those APIs decide things by it (Anthropic's
 * browser-access rule), and no local server of theirs checks it.
 */
const LOCAL_SERVER_PROVIDERS: ReadonlySet<ProviderId> = new Set(['ollama', 'lmstudio', 'openai-compatible', 'custom-sse']);

/** Whether an endpoint gets the rule: Ollama wherever it is; a local-server provider on this machine or the LAN. */
export function needsOriginRule(provider: ProviderId, url: string): boolean {
  return provider === 'ollama' || (LOCAL_SERVER_PROVIDERS.has(provider) && isLocalAddress(url));
}

/** The rule for one endpoint, or null when the URL is not an http(s) one. */
export function originRule(id: number, endpointUrl: string, ownHost: string): Rule | null {
  let url: URL;
  try {
    url = new URL(endpointUrl);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  return {
    id,
    priority: 1,
    action: {
      type: 'modifyHeaders',
      requestHeaders: [{ header: 'origin', operation: 'remove' }],
    },
    condition: {
      // `|` anchors at the start: http://127.0.0.1:11434/ matches, http://127.0.0.1:114340/ does not.
      urlFilter: `|${url.origin}/`,
      requestDomains: [url.hostname.replace(/^\[|\]$/g, '')],
      initiatorDomains: [ownHost],
      // A background fetch() is xmlhttprequest in both browsers (test/e2e/local-models.e2e.ts
      // passes in Chromium 156 and Firefox ESR 153 with this type alone).
      resourceTypes: ['xmlhttprequest'] as Browser.declarativeNetRequest.ResourceType[],
    },
  };
}

function defaultApi(): RuleApi | null {
  const api = (browser as { declarativeNetRequest?: RuleApi }).declarativeNetRequest;
  return api && typeof api.updateDynamicRules === 'function' ? api : null;
}

/** Turned off by e2e builds to show what happens without the rule (the 403 and its words). */
let enabled = true;
export function setOriginRulesEnabled(on: boolean): void {
  enabled = on;
}

export interface RuleDeps {
  api?: RuleApi | null;
  ownHost?: string;
}

/**
 * Makes the saved endpoint's rule match the settings: replaced when the endpoint changes,
 * removed when it is not local. Never throws (a browser without DNR keeps the OLLAMA_ORIGINS
 * guidance, which the 403 shows).
 */
export async function syncEndpointRule(endpoint: { provider: ProviderId; url: string } | null, deps: RuleDeps = {}): Promise<void> {
  const api = deps.api === undefined ? defaultApi() : deps.api;
  if (!api) return;
  const rule =
    enabled && endpoint && needsOriginRule(endpoint.provider, endpoint.url)
      ? originRule(ENDPOINT_RULE_ID, endpoint.url, deps.ownHost ?? extensionHost())
      : null;
  try {
    // Run at every background start (a Chromium worker starts often): unchanged, it is left alone.
    const current = (await api.getDynamicRules?.())?.find((candidate) => candidate.id === ENDPOINT_RULE_ID);
    if (api.getDynamicRules && sameRule(current, rule)) return;
    await api.updateDynamicRules({ removeRuleIds: [ENDPOINT_RULE_ID], addRules: rule ? [rule] : [] });
  } catch {
    // Not allowed here (no permission, an old browser): requests go out with their Origin.
  }
}

/**
 * Runs `work` with session rules for these URLs (a check of settings not saved yet), and
 * removes them afterwards, whatever happened.
 */
export async function withOriginRules<T>(urls: readonly string[], work: () => Promise<T>, deps: RuleDeps = {}): Promise<T> {
  const api = deps.api === undefined ? defaultApi() : deps.api;
  if (!api || !enabled || urls.length === 0) return work();
  const ownHost = deps.ownHost ?? extensionHost();
  const rules = urls.flatMap((url) => {
    const rule = originRule(nextCheckRuleId, url, ownHost);
    if (rule) nextCheckRuleId = nextCheckRuleId >= 1_000_000 ? FIRST_CHECK_RULE_ID : nextCheckRuleId + 1;
    return rule ? [rule] : [];
  });
  const ids = rules.map((rule) => rule.id);
  try {
    await api.updateSessionRules({ removeRuleIds: ids, addRules: rules });
  } catch {
    return work();
  }
  try {
    return await work();
  } finally {
    await api.updateSessionRules({ removeRuleIds: ids }).catch(() => {});
  }
}
