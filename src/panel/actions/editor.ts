/** The pure edits of the actions editor: move, add, delete, change, and the preview's sample. */
import {
  newActionId,
  renderActionPrompt,
  validateAction,
  type ActionEntry,
  type ActionIssue,
  type ActionList,
  type CustomAction,
} from '../../shared/actions.ts';
import { newFence } from '../../shared/fence.ts';
import { MAX_ACTIONS } from '../../shared/limits.ts';
import { PRESETS, type ProviderId } from '../../providers/catalog.ts';
import type { PageSelection } from '../../shared/schemas.ts';

/** Moves the entry at `index` by one place up (-1) or down (+1); the same list when it cannot move. */
export function moveEntry(list: ActionList, index: number, by: -1 | 1): ActionList {
  const to = index + by;
  if (index < 0 || to < 0 || to >= list.entries.length) return list;
  const entries = [...list.entries];
  [entries[index], entries[to]] = [entries[to]!, entries[index]!];
  return { ...list, entries };
}

export function addEntry(list: ActionList, name: string, template: string): ActionList {
  if (list.entries.length >= MAX_ACTIONS) return list;
  const action: CustomAction = { kind: 'custom', id: newActionId(), name, template, enabled: true };
  return { ...list, entries: [...list.entries, action] };
}

export function deleteEntry(list: ActionList, id: string): ActionList {
  return { ...list, entries: list.entries.filter((entry) => entry.id !== id || entry.kind === 'builtin') };
}

export function changeEntry(list: ActionList, id: string, change: Partial<Omit<CustomAction, 'kind' | 'id'>>): ActionList {
  return {
    ...list,
    entries: list.entries.map((entry): ActionEntry => {
      if (entry.id !== id) return entry;
      if (entry.kind === 'builtin') return change.enabled === undefined ? entry : { ...entry, enabled: change.enabled };
      const next: CustomAction = { ...entry, ...change };
      // An empty choice means "as in settings": the field is left out, not stored empty.
      if (!next.provider) delete next.provider;
      if (!next.model) delete next.model;
      return next;
    }),
  };
}

/** Each user action's issues, by id (only actions with some). */
export function listIssues(list: ActionList): Map<string, ActionIssue[]> {
  const issues = new Map<string, ActionIssue[]>();
  for (const entry of list.entries) {
    if (entry.kind !== 'custom') continue;
    const found = validateAction(entry);
    if (found.length > 0) issues.set(entry.id, found);
  }
  return issues;
}

/** One fence for every preview in this panel, so the preview does not flicker as the user types. */
const PREVIEW_FENCE = newFence();

/** What the preview fills a template with: a sample selection on a sample page. */
export function previewPrompt(template: string, sample: { text: string; title: string }, language: string): string {
  const selection: PageSelection = {
    text: sample.text,
    title: sample.title,
    url: 'https://example.com/article',
    originalLength: sample.text.length,
    truncated: false,
  };
  return renderActionPrompt(template, { selection, language, fence: PREVIEW_FENCE });
}

/** Providers an action may name: those reached at a known address with a key (no endpoint of their own to set up). */
export const ACTION_PROVIDERS: readonly ProviderId[] = Object.values(PRESETS)
  .filter((preset) => preset.baseUrl !== '' && preset.dialect !== 'custom')
  .map((preset) => preset.id);

/** Languages offered for Translate (names come from Intl, in the interface language). */
export const TRANSLATE_LANGUAGES = ['en', 'zh-CN', 'zh-TW', 'es', 'fr', 'de', 'ja', 'ko', 'pt', 'ru', 'it', 'ar', 'hi'] as const;

/** The exported file's name. */
export const EXPORT_FILE_NAME = 'aside-actions.json';

/** The template a new action starts with: an instruction, then the selection. */
export function newTemplate(instruction: string): string {
  return `${instruction}\n\n{{selection}}`;
}
