import { describe, expect, it, vi } from 'vitest';
import type { Browser } from 'wxt/browser';
import {
  ENDPOINT_RULE_ID,
  needsOriginRule,
  originRule,
  syncEndpointRule,
  withOriginRules,
  type RuleApi,
} from '../../src/background/local-origin-rule.ts';

type Rule = Browser.declarativeNetRequest.Rule;

/** declarativeNetRequest's rule bookkeeping, as the browser keeps it. */
function fakeApi() {
  const dynamic = new Map<number, Rule>();
  const session = new Map<number, Rule>();
  const update = (store: Map<number, Rule>) => async (options: { removeRuleIds?: number[]; addRules?: Rule[] }) => {
    for (const id of options.removeRuleIds ?? []) store.delete(id);
    for (const rule of options.addRules ?? []) {
      if (store.has(rule.id)) throw new Error(`Rule with id ${rule.id} does not have a unique ID.`);
      store.set(rule.id, rule);
    }
  };
  const api: RuleApi = {
    updateDynamicRules: vi.fn(update(dynamic)),
    updateSessionRules: vi.fn(update(session)),
    getDynamicRules: () => Promise.resolve([...dynamic.values()].map((rule) => structuredClone(rule))),
  };
  return { api, dynamic, session };
}

const OWN = 'abcdefghijklmnopabcdefghijklmnop';

describe('originRule', () => {
  it('removes Origin only for our own requests to that origin', () => {
    expect(originRule(7, 'http://127.0.0.1:11434/v1', OWN)).toEqual({
      id: 7,
      priority: 1,
      action: { type: 'modifyHeaders', requestHeaders: [{ header: 'origin', operation: 'remove' }] },
      condition: {
        urlFilter: '|http://127.0.0.1:11434/',
        requestDomains: ['127.0.0.1'],
        initiatorDomains: [OWN],
        resourceTypes: ['xmlhttprequest'],
      },
    });
  });

  it('uses a bare IPv6 host for requestDomains, and refuses what is not http(s)', () => {
    expect(originRule(1, 'http://[::1]:11434/v1', OWN)?.condition.requestDomains).toEqual(['::1']);
    expect(originRule(1, 'ftp://host', OWN)).toBeNull();
    expect(originRule(1, 'nonsense', OWN)).toBeNull();
  });

  it('is for Ollama anywhere and for servers on this machine or the LAN', () => {
    expect(needsOriginRule('ollama', 'https://ollama.example.com/v1')).toBe(true);
    expect(needsOriginRule('openai-compatible', 'http://192.168.1.20:8000/v1')).toBe(true);
    expect(needsOriginRule('openai', 'https://api.openai.com/v1')).toBe(false);
    expect(needsOriginRule('anthropic', 'https://api.anthropic.com')).toBe(false);
    // A hosted API's preset at a local proxy keeps its Origin (Anthropic decides by it).
    expect(needsOriginRule('anthropic', 'http://127.0.0.1:8787')).toBe(false);
    expect(needsOriginRule('custom-sse', 'http://10.0.0.5:9000/stream')).toBe(true);
  });
});

describe('syncEndpointRule', () => {
  it('adds the rule for a local endpoint, replaces it when the endpoint changes, removes it when not local', async () => {
    const { api, dynamic } = fakeApi();
    await syncEndpointRule({ provider: 'ollama', url: 'http://127.0.0.1:11434/v1' }, { api, ownHost: OWN });
    expect([...dynamic.values()].map((rule) => rule.condition.urlFilter)).toEqual(['|http://127.0.0.1:11434/']);
    await syncEndpointRule({ provider: 'lmstudio', url: 'http://192.168.1.5:1234/v1' }, { api, ownHost: OWN });
    expect([...dynamic.values()].map((rule) => rule.condition.urlFilter)).toEqual(['|http://192.168.1.5:1234/']);
    expect(dynamic.get(ENDPOINT_RULE_ID)?.condition.initiatorDomains).toEqual([OWN]);
    await syncEndpointRule({ provider: 'anthropic', url: 'https://api.anthropic.com' }, { api, ownHost: OWN });
    expect(dynamic.size).toBe(0);
  });

  it('leaves an unchanged rule alone (it is synced at every background start)', async () => {
    const { api } = fakeApi();
    const endpoint = { provider: 'ollama' as const, url: 'http://127.0.0.1:11434/v1' };
    await syncEndpointRule(endpoint, { api, ownHost: OWN });
    await syncEndpointRule(endpoint, { api, ownHost: OWN });
    await syncEndpointRule({ provider: 'anthropic', url: 'https://api.anthropic.com' }, { api, ownHost: OWN });
    await syncEndpointRule({ provider: 'anthropic', url: 'https://api.anthropic.com' }, { api, ownHost: OWN });
    expect(api.updateDynamicRules).toHaveBeenCalledTimes(2);
  });

  it('never throws, with no DNR or when the browser refuses', async () => {
    await expect(
      syncEndpointRule({ provider: 'ollama', url: 'http://127.0.0.1:11434/v1' }, { api: null, ownHost: OWN }),
    ).resolves.toBeUndefined();
    const api: RuleApi = {
      updateDynamicRules: () => Promise.reject(new Error('no permission')),
      updateSessionRules: () => Promise.resolve(),
    };
    await expect(
      syncEndpointRule({ provider: 'ollama', url: 'http://127.0.0.1:11434/v1' }, { api, ownHost: OWN }),
    ).resolves.toBeUndefined();
  });
});

describe('withOriginRules', () => {
  it('holds session rules only while the work runs, even when it fails', async () => {
    const { api, session } = fakeApi();
    const seen = await withOriginRules(['http://127.0.0.1:11434', 'http://127.0.0.1:1234'], async () => session.size, {
      api,
      ownHost: OWN,
    });
    expect(seen).toBe(2);
    expect(session.size).toBe(0);
    await expect(
      withOriginRules(['http://127.0.0.1:11434'], () => Promise.reject(new Error('boom')), { api, ownHost: OWN }),
    ).rejects.toThrow('boom');
    expect(session.size).toBe(0);
  });

  it('two checks at once get rules of their own', async () => {
    const { api, session } = fakeApi();
    let release!: () => void;
    const first = withOriginRules(['http://127.0.0.1:11434'], () => new Promise<void>((resolve) => (release = resolve)), {
      api,
      ownHost: OWN,
    });
    await vi.waitFor(() => expect(session.size).toBe(1));
    await withOriginRules(['http://127.0.0.1:11434'], async () => expect(session.size).toBe(2), { api, ownHost: OWN });
    release();
    await first;
    expect(session.size).toBe(0);
  });

  it('still runs the work when the rules cannot be added', async () => {
    const api: RuleApi = { updateDynamicRules: () => Promise.resolve(), updateSessionRules: () => Promise.reject(new Error('nope')) };
    expect(await withOriginRules(['http://127.0.0.1:11434'], async () => 'ran', { api, ownHost: OWN })).toBe('ran');
  });
});
