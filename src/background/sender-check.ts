/**
 * Decides once, at connect time, whether a port comes from one of our own extension
 * pages (the side panel, or sidepanel.html opened in a tab). Content scripts and web
 * pages have a page URL as sender.url; other extensions have their own origin.
 */
export interface PortSender {
  url?: string;
  origin?: string;
  id?: string;
  frameId?: number;
}

export function isOwnExtensionPage(sender: PortSender | undefined, extensionBaseUrl: string, extensionId: string): boolean {
  if (!sender?.url) return false;
  if (sender.id !== undefined && sender.id !== extensionId) return false;
  if (!sender.url.startsWith(extensionBaseUrl)) return false;
  // Chrome also reports the origin; it must agree with the URL.
  if (sender.origin !== undefined && `${sender.origin}/` !== extensionBaseUrl) return false;
  // Our page framed inside someone else's page is not trusted with the conversation.
  if (sender.frameId !== undefined && sender.frameId !== 0) return false;
  return true;
}
