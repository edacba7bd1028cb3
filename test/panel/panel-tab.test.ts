import { describe, expect, it, vi } from 'vitest';
import { newConversation, openConversation } from '../../src/panel/connection.ts';
import { findPanelTab, tabFromSearch, type PanelTabApi } from '../../src/panel/panel-tab.ts';

function api(overrides: Partial<PanelTabApi> = {}): PanelTabApi & { fire(info: { tabId: number; windowId: number }): void } {
  const listeners = new Set<(info: { tabId: number; windowId: number }) => void>();
  return {
    search: '',
    getCurrent: () => Promise.resolve(undefined),
    queryActive: () => Promise.resolve({ id: 4, windowId: 1 }),
    onActivated(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    fire: (info) => listeners.forEach((listener) => listener(info)),
    ...overrides,
  };
}

describe('which tab a panel shows', () => {
  it('reads ?tab=ID, and nothing that is not a tab id', () => {
    expect(tabFromSearch('?tab=42')).toBe(42);
    expect(tabFromSearch('?x=1&tab=7')).toBe(7);
    expect(tabFromSearch('?tab=-1')).toBeUndefined();
    expect(tabFromSearch('?tab=4e3')).toBeUndefined();
    expect(tabFromSearch('')).toBeUndefined();
  });

  it('a panel given ?tab=ID keeps that tab and follows nothing', async () => {
    const fake = api({ search: '?tab=9' });
    const tab = await findPanelTab(fake);
    expect(tab).toMatchObject({ tabId: 9, follows: false });
  });

  it('the panel page in a tab of its own shows that tab', async () => {
    const tab = await findPanelTab(api({ getCurrent: () => Promise.resolve({ id: 3 }) }));
    expect(tab).toMatchObject({ tabId: 3, follows: false });
  });

  it('the side panel or sidebar shows the active tab and follows switches in its own window only', async () => {
    const fake = api();
    const tab = await findPanelTab(fake);
    expect(tab).toMatchObject({ tabId: 4, follows: true });
    const onSwitch = vi.fn();
    const stop = tab.follow(onSwitch);
    fake.fire({ tabId: 5, windowId: 1 });
    fake.fire({ tabId: 6, windowId: 2 });
    expect(onSwitch.mock.calls).toEqual([[5]]);
    stop();
    fake.fire({ tabId: 7, windowId: 1 });
    expect(onSwitch).toHaveBeenCalledTimes(1);
  });
});

describe('conversation.open and conversation.new from the panel', () => {
  it('send the protocol messages, and say false while the port is down', () => {
    const send = vi.fn(() => true);
    expect(openConversation({ send }, 'lq0x1a2b3-abc123')).toBe(true);
    expect(newConversation({ send })).toBe(true);
    expect(send.mock.calls).toEqual([[{ type: 'conversation.open', id: 'lq0x1a2b3-abc123' }], [{ type: 'conversation.new' }]]);
    expect(openConversation({ send: () => false }, 'x')).toBe(false);
  });
});
