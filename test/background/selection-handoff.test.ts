import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { BackgroundMessage } from '../../src/messaging/protocol.ts';
import { PANEL_PORT_NAME } from '../../src/messaging/protocol.ts';
import { claimPendingSelection, PENDING_TTL_MS, resetHandoffForTests } from '../../src/background/selection-handoff.ts';
import { settle, type FakePort } from '../fake-port.ts';
import { startTestBackground, type BackgroundHarness } from '../helpers/background.ts';

let bg: BackgroundHarness;
const tab = { id: 7, windowId: 1, url: 'https://example.test/article', title: 'Article' };

function pageReturns(text: string) {
  bg.executeScript.mockResolvedValue([{ frameId: 0, result: { text, url: tab.url, title: tab.title } }]);
}

async function panelSaysHello(windowId: number): Promise<FakePort> {
  const port = fakeBrowser.runtime.connect({ name: PANEL_PORT_NAME }) as unknown as FakePort;
  port.postMessage({ type: 'hello', windowId });
  await settle();
  return port;
}

function selectionMessages(port: FakePort) {
  return (port.received as BackgroundMessage[]).filter((m) => m.type === 'selection' || m.type === 'notice');
}

beforeEach(() => {
  bg = startTestBackground();
});

/** Makes a tab the active one of its window, as the user reading it. */
async function activeTab(url: string) {
  const created = await fakeBrowser.tabs.create({ url });
  await fakeBrowser.tabs.update(created.id, { active: true });
  const [active] = await fakeBrowser.tabs.query({ active: true, windowId: created.windowId });
  expect(active?.id).toBe(created.id);
  return active!;
}

describe('context menu hand-off', () => {
  it('opens the panel synchronously inside the click, before anything is awaited', () => {
    pageReturns('some text');
    bg.menuClicked.fire({ menuItemId: 'aside-summarize', selectionText: 'some text' }, tab);
    expect(bg.sidePanelOpen).toHaveBeenCalledWith({ windowId: 1 });
  });

  it('keeps the selection for a panel that connects only after the click (cold start)', async () => {
    pageReturns('Line one\nline two');
    bg.menuClicked.fire({ menuItemId: 'aside-summarize', selectionText: 'Line one line two' }, tab);
    await settle();
    const port = await panelSaysHello(1);
    expect(selectionMessages(port)).toEqual([
      {
        type: 'selection',
        action: 'summarize',
        selection: { text: 'Line one\nline two', url: tab.url, title: tab.title, originalLength: 17, truncated: false },
      },
    ]);
  });

  it('delivers straight to a panel that is already open in that window, once', async () => {
    const port = await panelSaysHello(1);
    pageReturns('Explain me');
    bg.menuClicked.fire({ menuItemId: 'aside-explain', selectionText: 'Explain me' }, tab);
    await settle();
    expect(selectionMessages(port)).toMatchObject([{ type: 'selection', action: 'explain', selection: { text: 'Explain me' } }]);
    // Not delivered a second time to the next panel that says hello.
    const later = await panelSaysHello(1);
    expect(selectionMessages(later)).toEqual([]);
  });

  it('does not hand a selection to a panel in another window', async () => {
    const other = await panelSaysHello(2);
    pageReturns('for window one');
    bg.menuClicked.fire({ menuItemId: 'aside-ask' }, tab);
    await settle();
    expect(selectionMessages(other)).toEqual([]);
    const mine = await panelSaysHello(1);
    expect(selectionMessages(mine)).toMatchObject([{ action: 'ask', selection: { text: 'for window one' } }]);
  });

  it('a hello arriving while the page is still being read still gets the selection', async () => {
    let finishRead: (value: unknown) => void = () => {};
    bg.executeScript.mockReturnValue(new Promise((resolve) => (finishRead = resolve)));
    bg.menuClicked.fire({ menuItemId: 'aside-summarize', selectionText: 'x' }, tab);
    const port = await panelSaysHello(1); // the panel is faster than the page
    finishRead([{ frameId: 0, result: { text: 'slow page text', url: tab.url, title: tab.title } }]);
    await settle();
    expect(selectionMessages(port)).toMatchObject([{ action: 'summarize', selection: { text: 'slow page text' } }]);
  });

  it('falls back to the menu’s own copy of the selection when the page cannot be scripted', async () => {
    bg.executeScript.mockRejectedValue(new Error('Cannot access contents of the page.'));
    bg.menuClicked.fire({ menuItemId: 'aside-summarize', selectionText: 'menu copy' }, tab);
    await settle();
    const port = await panelSaysHello(1);
    expect(selectionMessages(port)).toMatchObject([{ type: 'selection', selection: { text: 'menu copy' } }]);
  });

  it('survives a restart of the background between the click and the panel’s hello', async () => {
    pageReturns('remembered');
    bg.menuClicked.fire({ menuItemId: 'aside-summarize', selectionText: 'remembered' }, tab);
    await settle();
    resetHandoffForTests(); // memory gone; storage.session remains
    const claimed = await claimPendingSelection(1);
    expect(claimed?.message).toMatchObject({ type: 'selection', selection: { text: 'remembered' } });
  });

  it('a kept selection that is not what Aside wrote is dropped, never handed over or thrown', async () => {
    await fakeBrowser.storage.session.set({ pendingSelection: { message: { type: 'selection', selection: 'junk' }, createdAt: 'x' } });
    resetHandoffForTests();
    await expect(claimPendingSelection(1)).resolves.toBeNull();
  });

  it('forgets a selection nobody claimed for too long', async () => {
    pageReturns('stale');
    bg.menuClicked.fire({ menuItemId: 'aside-summarize' }, tab);
    await settle();
    expect(await claimPendingSelection(1, undefined, Date.now() + PENDING_TTL_MS + 1000)).toBeNull();
  });
});

describe('the keyboard command', () => {
  it('opens the panel and hands over the selection with no action chosen', async () => {
    pageReturns('via keyboard');
    bg.commandFired.fire('ask-about-selection', tab);
    expect(bg.sidePanelOpen).toHaveBeenCalledTimes(1);
    await settle();
    const port = await panelSaysHello(1);
    expect(selectionMessages(port)).toMatchObject([{ type: 'selection', action: null, selection: { text: 'via keyboard' } }]);
  });
});

describe('reading the selection from the panel', () => {
  it('explains that browser pages cannot be read', async () => {
    const active = await activeTab('chrome://settings');
    const port = await panelSaysHello(active.windowId);
    port.postMessage({ type: 'read-selection', windowId: active.windowId });
    await settle();
    expect(selectionMessages(port)).toMatchObject([{ type: 'notice', error: { code: 'restricted-page' } }]);
    expect(bg.executeScript).not.toHaveBeenCalled();
  });

  it('says so when nothing is selected', async () => {
    const active = await activeTab('https://example.test/');
    pageReturns('   ');
    const port = await panelSaysHello(active.windowId);
    port.postMessage({ type: 'read-selection', windowId: active.windowId });
    await settle();
    expect(selectionMessages(port)).toMatchObject([{ type: 'notice', error: { code: 'empty-selection' } }]);
  });

  it('offers to grant page access when the browser refuses for lack of permission', async () => {
    const active = await activeTab('https://example.test/');
    bg.executeScript.mockRejectedValue(
      new Error('Cannot access contents of the page. Extension manifest must request permission to access the respective host.'),
    );
    const port = await panelSaysHello(active.windowId);
    port.postMessage({ type: 'read-selection', windowId: active.windowId });
    await settle();
    expect(selectionMessages(port)).toMatchObject([{ type: 'notice', error: { code: 'no-page-access', fix: 'grant-page-access' } }]);
  });
});

describe('per-tab routing of hand-offs', () => {
  async function panelForTab(windowId: number, tabId: number): Promise<FakePort> {
    const port = fakeBrowser.runtime.connect({ name: PANEL_PORT_NAME }) as unknown as FakePort;
    port.postMessage({ type: 'hello', windowId, tabId });
    await settle();
    return port;
  }

  it('a hand-off goes only to the panel of the tab it came from, not to every panel of the window', async () => {
    const other = await panelForTab(1, 8);
    const own = await panelForTab(1, 7);
    pageReturns('fox');
    bg.menuClicked.fire({ menuItemId: 'aside-explain', selectionText: 'fox' }, tab);
    await settle();
    expect(selectionMessages(own)).toHaveLength(1);
    expect(selectionMessages(own)[0]).toMatchObject({ type: 'selection', action: 'explain' });
    expect(selectionMessages(other)).toEqual([]);
  });

  it('is kept for its tab when only another tab’s panel is open, and delivered when a panel switches to it', async () => {
    const panel = await panelForTab(1, 8);
    pageReturns('fox');
    bg.menuClicked.fire({ menuItemId: 'aside-summarize', selectionText: 'fox' }, tab);
    await settle();
    expect(selectionMessages(panel)).toEqual([]);
    panel.postMessage({ type: 'conversation.tab', tabId: 7 });
    await settle();
    expect(selectionMessages(panel)).toHaveLength(1);
  });

  it('a panel that does not know its tab still takes its window’s hand-offs', async () => {
    const panel = await panelSaysHello(1);
    pageReturns('fox');
    bg.menuClicked.fire({ menuItemId: 'aside-summarize', selectionText: 'fox' }, tab);
    await settle();
    expect(selectionMessages(panel)).toHaveLength(1);
  });
});
