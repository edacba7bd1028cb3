/**
 * The panel's theme and text size, put on <html> as `data-theme` and `data-font-size`
 * (panel.css turns them into colours and a root font size).
 *
 * No flash of the wrong theme when the panel opens: main.tsx renders the panel once the
 * hint below is applied (at once), or on a first open after `restoreAppearance`. Saved preferences live in
 * storage.local, which can only be read asynchronously, and the page could be painted
 * (empty, in the system's colours) before that read is back; so each applied choice is also
 * mirrored in the page's synchronous localStorage, and that copy is applied first, while the
 * page has not been painted yet. storage.local stays the truth: the copy is only a hint,
 * replaced as soon as the real value is read.
 */
import * as v from 'valibot';
import {
  DEFAULT_PREFERENCES,
  FONT_SIZES,
  loadPreferences,
  savePreferences,
  watchPreferences,
  THEMES,
  type FontSize,
  type Theme,
} from '../storage/preferences.ts';

export interface Appearance {
  theme: Theme;
  fontSize: FontSize;
}

/** localStorage key of the hint (this extension's own origin: no page can read it). */
const HINT_KEY = 'aside:appearance';
const HintSchema = v.object({
  theme: v.picklist(THEMES),
  fontSize: v.picklist(FONT_SIZES),
  /**
   * Chosen here and not yet saved: the panel closed before storage.local took it (a page that
   * closes may lose a write it started). The next open keeps it, and saves it then.
   */
  unsaved: v.optional(v.literal(true)),
});
type Hint = v.InferOutput<typeof HintSchema>;

let current: Appearance = { theme: DEFAULT_PREFERENCES.theme, fontSize: DEFAULT_PREFERENCES.fontSize };

/** What is applied now (the defaults until something else is). */
export function currentAppearance(): Appearance {
  return { ...current };
}

function setOnDocument(appearance: Appearance): void {
  current = { theme: appearance.theme, fontSize: appearance.fontSize };
  const root = document.documentElement;
  root.dataset.theme = current.theme;
  root.dataset.fontSize = current.fontSize;
}

function writeHint(appearance: Appearance, unsaved = false): void {
  try {
    const hint: Hint = { theme: appearance.theme, fontSize: appearance.fontSize, ...(unsaved ? { unsaved: true as const } : {}) };
    localStorage.setItem(HINT_KEY, JSON.stringify(hint));
  } catch {
    // No localStorage (a locked-down profile): the panel may show the system colours for a moment.
  }
}

function readHint(): Hint | null {
  try {
    const parsed = v.safeParse(HintSchema, JSON.parse(localStorage.getItem(HINT_KEY) ?? 'null'));
    return parsed.success ? parsed.output : null;
  } catch {
    return null;
  }
}

/** Applies the theme and size at once, and keeps the hint for the next open. */
export function applyAppearance(appearance: Appearance): void {
  setOnDocument(appearance);
  writeHint(appearance);
}

/**
 * Applies the hint from the last open synchronously; false when there is none (the first
 * open, or no localStorage), and the panel should wait for restoreAppearance.
 */
export function applyAppearanceHint(): boolean {
  const hint = readHint();
  if (hint) setOnDocument(hint);
  return hint !== null;
}

/**
 * Applies the hint synchronously, then the saved preferences (or the defaults, if they
 * cannot be read). Never rejects.
 */
export async function restoreAppearance(): Promise<void> {
  const hint = readHint();
  setOnDocument(hint ?? current);
  if (hint?.unsaved) {
    // The last choice did not reach storage before its panel closed: it is newer than storage.
    await saveChoice({ theme: hint.theme, fontSize: hint.fontSize });
    return;
  }
  const saved = await loadPreferences();
  applyAppearance(saved);
}

/** Saves what is applied; the hint says "unsaved" until storage has it. */
function saveChoice(change: Partial<Appearance>): Promise<void> {
  writeHint(current, true);
  savesInFlight++;
  return savePreferences(change)
    .then(() => {
      if (savesInFlight === 1) writeHint(current);
    })
    .catch(() => {})
    .finally(() => savesInFlight--);
}

/** The user's choice in settings: applied at once, then saved (a failed save keeps it for this session). */
export function chooseAppearance(change: Partial<Appearance>): Promise<void> {
  setOnDocument({ ...current, ...change });
  return saveChoice(change);
}

/** This panel's own choices not yet saved: what storage says meanwhile is older than what shows. */
let savesInFlight = 0;

/** Applies a theme or text size chosen in another open panel (another window's) as it is saved. */
export function followSavedAppearance(): () => void {
  return watchPreferences((saved) => {
    // Our own save under way (two quick choices): applying an older stored value would flicker back.
    if (savesInFlight > 0) return;
    if (saved.theme !== current.theme || saved.fontSize !== current.fontSize) applyAppearance(saved);
  });
}
