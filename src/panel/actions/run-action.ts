/**
 * What running an action asks: a built-in one's question in the interface language, or a
 * user action's name with its template (the background fills the template in, so what
 * is sent is built where every other prompt is).
 */
import { findEntry, languageName, targetLanguageTag, usesPage, type ActionList, type TurnAction } from '../../shared/actions.ts';
import type { PageSelection } from '../../shared/schemas.ts';
import { actionName, browserLanguage, builtinQuestion } from './words.ts';

export type ActionAsk = { question: string; prompt?: TurnAction } | { focusComposer: true };

/** The language {{language}} names in a prompt: in English, for the model. */
export function promptLanguage(translateTo: string): string {
  return languageName(targetLanguageTag(translateTo, browserLanguage()));
}

/** Null for an action that is not in the list (deleted since the menu was made) or is off. */
export function actionAsk(list: ActionList, id: string): ActionAsk | null {
  const entry = findEntry(list, id);
  if (!entry?.enabled) return null;
  if (entry.kind === 'builtin') {
    const question = builtinQuestion(entry.id, list.translateTo);
    return question === null ? { focusComposer: true } : { question };
  }
  const prompt: TurnAction = {
    id: entry.id,
    template: entry.template,
    language: promptLanguage(list.translateTo),
    ...(entry.provider ? { provider: entry.provider } : {}),
    ...(entry.model ? { model: entry.model } : {}),
  };
  return { question: actionName(entry), prompt };
}

/** What is staged: the selection, and the whole page when it was read with it. */
interface Staged {
  selection: PageSelection | null;
  selectionPage: PageSelection | null;
}

/** The action's prompt with the page read alongside the selection, when its template uses {{page}}. */
export function withPage(prompt: TurnAction, staged: Staged): TurnAction {
  if (!usesPage(prompt.template) || staged.selection?.source === 'page' || !staged.selectionPage) return prompt;
  return { ...prompt, page: staged.selectionPage };
}

/** {{page}} will be the selection, because the page could not be read with it. */
export function pageFallsBack(prompt: TurnAction, staged: Staged): boolean {
  return usesPage(prompt.template) && staged.selection !== null && staged.selection.source !== 'page' && !staged.selectionPage;
}
