/**
 * Opens the side panel (Chrome) or sidebar (Firefox). Both browsers allow this only
 * inside the handler of a user action, before any `await`: callers must call it first,
 * synchronously, and do their async work afterwards.
 */
interface PanelApis {
  sidePanel?: {
    open(options: { windowId?: number; tabId?: number }): Promise<void>;
    setPanelBehavior?(behavior: { openPanelOnActionClick: boolean }): Promise<void>;
  };
  sidebarAction?: { open(): Promise<void>; toggle?(): Promise<void> };
}

function apis(): PanelApis {
  return browser;
}

export function openPanelFromGesture(tab: { windowId?: number } | undefined): void {
  const { sidePanel, sidebarAction } = apis();
  try {
    if (sidePanel?.open) {
      if (tab?.windowId !== undefined) void sidePanel.open({ windowId: tab.windowId }).catch(() => {});
    } else if (sidebarAction?.open) {
      void sidebarAction.open().catch(() => {});
    }
  } catch {
    // Opening is a convenience: the hand-off waits for whichever panel connects.
  }
}

/** The toolbar button opens the panel: Chrome natively, Firefox through a click handler. */
export function openPanelOnToolbarClick(): void {
  const { sidePanel, sidebarAction } = apis();
  if (sidePanel?.setPanelBehavior) {
    void sidePanel.setPanelBehavior({ openPanelOnActionClick: true }).catch(() => {});
  } else if (sidebarAction?.toggle) {
    browser.action.onClicked.addListener(() => {
      void sidebarAction.toggle?.().catch(() => {});
    });
  }
}
