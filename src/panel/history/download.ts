/** Saves text as a file the way a page does: a Blob and an `<a download>` click (no network, no permission). */
export function downloadText(fileName: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has its own copy once it starts; the URL is let go soon after.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** A file the user picked, as text; null when it is larger than `maxBytes` (not read at all). */
export async function readFileText(file: Blob, maxBytes: number): Promise<string | null> {
  if (file.size > maxBytes) return null;
  return file.text();
}
