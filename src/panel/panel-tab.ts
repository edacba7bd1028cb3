/**
 * Which tab's conversation this panel shows.
 *
 * - `sidepanel.html?tab=ID`: that tab, always (the path a per-tab Chrome side panel is given
 *   with `sidePanel.setOptions({ tabId, path })`, and how tests open two tabs' panels).
 * - The panel page open in a tab of its own: that tab.
 * - The Chrome side panel and the Firefox sidebar (no tab of their own): the active tab of
 *   their window, following `tabs.onActivated`, so switching tabs switches conversations.
 */
export interface PanelTabApi {
  search: string;
  getCurrent(): Promise<{ id?: number } | undefined>;
  queryActive(): Promise<{ id?: number; windowId?: number } | undefined>;
  onActivated(listener: (info: { tabId: number; windowId: number }) => void): () => void;
}

export interface PanelTab {
  tabId: number | undefined;
  /** Whether it follows the active tab (then `follow` reports each switch). */
  follows: boolean;
  follow(onSwitch: (tabId: number) => void): () => void;
}

/** The `tab` parameter of the panel's URL, when it is a tab id. */
export function tabFromSearch(search: string): number | undefined {
  const raw = new URLSearchParams(search).get('tab');
  if (raw === null || !/^\d{1,15}$/.test(raw)) return undefined;
  return Number(raw);
}

export async function findPanelTab(api: PanelTabApi): Promise<PanelTab> {
  const fixed = tabFromSearch(api.search);
  const none = () => () => {};
  if (fixed !== undefined) return { tabId: fixed, follows: false, follow: none };
  const own = await api.getCurrent().catch(() => undefined);
  if (own?.id !== undefined) return { tabId: own.id, follows: false, follow: none };
  const active = await api.queryActive().catch(() => undefined);
  const windowId = active?.windowId;
  return {
    tabId: active?.id,
    follows: true,
    follow: (onSwitch) =>
      api.onActivated((info) => {
        if (windowId === undefined || info.windowId === windowId) onSwitch(info.tabId);
      }),
  };
}

/** The browser's side of PanelTabApi. */
export function browserPanelTabApi(): PanelTabApi {
  return {
    search: location.search,
    getCurrent: () => browser.tabs.getCurrent(),
    queryActive: async () => (await browser.tabs.query({ active: true, currentWindow: true }))[0],
    onActivated(listener) {
      browser.tabs.onActivated.addListener(listener);
      return () => browser.tabs.onActivated.removeListener(listener);
    },
  };
}
