/** Starts the real background on fakeBrowser, with ports and the APIs fakeBrowser lacks stubbed. */
import 'fake-indexeddb/auto';
import { vi } from 'vitest';
import { resetConversationsForTests } from '../../src/background/conversations.ts';
import { openHistory } from '../../src/storage/history/db.ts';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { startBackground } from '../../src/background/index.ts';
import { resetHandoffForTests } from '../../src/background/selection-handoff.ts';
import { resetLiveAnswersForTests } from '../../src/background/live-answers.ts';
import { resetKeptDetailsForTests } from '../../src/background/kept-details.ts';
import { openDetails } from '../../src/storage/details/db.ts';
import { takeStorageProblems } from '../../src/storage/item.ts';
import { installFakePorts, type FakePorts } from '../fake-port.ts';

export interface BackgroundHarness extends FakePorts {
  sidePanelOpen: ReturnType<typeof vi.fn>;
  executeScript: ReturnType<typeof vi.fn>;
  /** permissions.contains: whether a host permission is granted (default: yes). */
  permissionsContains: ReturnType<typeof vi.fn>;
  menuClicked: { fire(info: unknown, tab: unknown): void };
  commandFired: { fire(command: string, tab: unknown): void };
}

function stubEvent() {
  const listeners: ((...args: never[]) => void)[] = [];
  return {
    addListener: (fn: (...args: never[]) => void) => void listeners.push(fn),
    removeListener: () => {},
    hasListener: () => true,
    fire: (...args: unknown[]) => {
      for (const fn of listeners) (fn as (...a: unknown[]) => void)(...args);
    },
  };
}

export function startTestBackground(): BackgroundHarness {
  const ports = installFakePorts(); // first: disconnects the previous test's panels
  fakeBrowser.reset();
  resetHandoffForTests();
  resetLiveAnswersForTests();
  // Each test its own history database (fake-indexeddb), and no conversation left from the last.
  const historyName = `test-history-${Math.random()}`;
  resetConversationsForTests({ openDisk: () => openHistory(historyName) });
  // And its own stream details database.
  const detailsName = `test-details-${Math.random()}`;
  resetKeptDetailsForTests({ openDisk: () => openDetails(detailsName) });
  takeStorageProblems(); // a previous test's reset storage is not this test's notice
  const fresh = installFakePorts();
  Object.assign(ports, fresh);
  const fb = fakeBrowser as unknown as Record<string, unknown>;
  const sidePanelOpen = vi.fn(() => Promise.resolve());
  fb.sidePanel = { open: sidePanelOpen, setPanelBehavior: vi.fn(() => Promise.resolve()) };
  const menuClicked = stubEvent();
  fb.contextMenus = { onClicked: menuClicked, create: vi.fn(), removeAll: vi.fn((done?: () => void) => done?.()) };
  const commandFired = stubEvent();
  fb.commands = { onCommand: commandFired };
  const executeScript = vi.fn();
  fb.scripting = { executeScript };
  const permissionsContains = vi.fn(() => Promise.resolve(true));
  fb.permissions = { request: vi.fn(() => Promise.resolve(true)), contains: permissionsContains };
  startBackground();
  return { ...ports, sidePanelOpen, executeScript, menuClicked, commandFired, permissionsContains };
}
