/**
 * Files a panel saves (a Blob behind an `<a download>` click, as src/panel/history/download.ts
 * does), caught in the page instead of written to disk: evaluate `catchDownloads` once in the
 * page, then `lastDownload` after each save.
 */

/** Installs the catch (idempotent): `window.__downloads` collects `{ name, blob }`. */
export const catchDownloads = `(() => {
  if (window.__downloads) return true;
  window.__downloads = [];
  const blobs = new Map();
  const create = URL.createObjectURL.bind(URL);
  URL.createObjectURL = (blob) => { const url = create(blob); blobs.set(url, blob); return url; };
  HTMLAnchorElement.prototype.click = function () { window.__downloads.push({ name: this.download, blob: blobs.get(this.href) }); };
  return true;
})()`;

/** The last file saved, read back, or null. */
export const lastDownload = `(async () => { const d = window.__downloads.at(-1); return d ? { name: d.name, type: d.blob.type, text: await d.blob.text() } : null; })()`;

export interface Download {
  name: string;
  type: string;
  text: string;
}
