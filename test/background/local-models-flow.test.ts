/**
 * The background's side of local servers, through a panel port: saving a local endpoint
 * adds the Origin rule (replaced when the endpoint changes, removed when it is not local),
 * and Find local models answers with what each address gave.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { BackgroundMessage, PanelMessage } from '../../src/messaging/protocol.ts';
import { PANEL_PORT_NAME } from '../../src/messaging/protocol.ts';
import { settle, type FakePort } from '../fake-port.ts';
import { startTestBackground } from '../helpers/background.ts';

type Rule = { id: number; condition: { urlFilter?: string; initiatorDomains?: string[] } };
let dynamic: Map<number, Rule>;

beforeEach(() => {
  startTestBackground();
  dynamic = new Map();
  const update = (store: Map<number, Rule>) => (options: { removeRuleIds?: number[]; addRules?: Rule[] }) => {
    for (const id of options.removeRuleIds ?? []) store.delete(id);
    for (const rule of options.addRules ?? []) store.set(rule.id, rule);
    return Promise.resolve();
  };
  (fakeBrowser as unknown as { declarativeNetRequest: unknown }).declarativeNetRequest = {
    updateDynamicRules: update(dynamic),
    updateSessionRules: update(new Map()),
  };
});

const connect = () => fakeBrowser.runtime.connect({ name: PANEL_PORT_NAME }) as unknown as FakePort;
async function send(port: FakePort, message: PanelMessage) {
  port.postMessage(message);
  await settle();
}

describe('the saved endpoint’s Origin rule', () => {
  it('is added for a local endpoint, replaced when it changes, removed when it is not local', async () => {
    const port = connect();
    await send(port, { type: 'hello' });
    await send(port, {
      type: 'save-settings',
      settings: { provider: 'ollama', apiKey: '', model: 'llama3.2', baseUrl: 'http://127.0.0.1:11434/v1' },
    });
    await vi.waitFor(() => expect([...dynamic.values()].map((r) => r.condition.urlFilter)).toEqual(['|http://127.0.0.1:11434/']));
    const host = new URL(fakeBrowser.runtime.getURL('/')).host;
    expect([...dynamic.values()][0]!.condition.initiatorDomains).toEqual([host]);

    await send(port, {
      type: 'save-settings',
      settings: { provider: 'lmstudio', apiKey: '', model: 'qwen', baseUrl: 'http://192.168.1.9:1234/v1' },
    });
    await vi.waitFor(() => expect([...dynamic.values()].map((r) => r.condition.urlFilter)).toEqual(['|http://192.168.1.9:1234/']));

    await send(port, {
      type: 'save-settings',
      settings: { provider: 'anthropic', apiKey: 'sk-ant-x', model: 'claude-sonnet-5-5', baseUrl: '' },
    });
    await vi.waitFor(() => expect(dynamic.size).toBe(0));
  });
});

describe('find-local-models', () => {
  it('answers with each address’s result', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn<typeof fetch>(() => Promise.reject(new TypeError('Failed to fetch'))),
    );
    const port = connect();
    await send(port, {
      type: 'find-local-models',
      requestId: 'f1',
      addresses: ['http://127.0.0.1:11434', 'junk://x', '10.0.0.2:8000'],
    });
    await vi.waitFor(() => expect((port.received as BackgroundMessage[]).some((m) => m.type === 'local-models')).toBe(true));
    const answer = (port.received as BackgroundMessage[]).find((m) => m.type === 'local-models');
    expect(answer).toEqual({
      type: 'local-models',
      requestId: 'f1',
      results: [
        {
          origin: 'http://127.0.0.1:11434',
          error: expect.objectContaining({ code: 'local-unreachable', params: { host: '127.0.0.1:11434' } }),
        },
        { origin: 'http://10.0.0.2:8000', error: expect.objectContaining({ code: 'local-unreachable' }) },
      ],
    });
    vi.unstubAllGlobals();
  });
});
