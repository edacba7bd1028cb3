/** The words of actions: built-in names and questions, template issues, import problems. */
import {
  ACTIONS_FILE_VERSION,
  PLACEHOLDERS,
  languageName,
  targetLanguageTag,
  type ActionEntry,
  type ActionIssue,
  type BuiltinActionId,
  type ImportProblem,
} from '../../shared/actions.ts';
import { t, uiLocale, type MessageKey } from '../i18n/index.ts';

const BUILTIN_NAMES: Record<BuiltinActionId, MessageKey & ('summarize' | 'explain' | 'translate' | 'simplify' | 'key_points' | 'ask')> =
  {
    summarize: 'summarize',
    explain: 'explain',
    translate: 'translate',
    simplify: 'simplify',
    'key-points': 'key_points',
    ask: 'ask',
  };

/** An action's name as the panel shows it. */
export function actionName(entry: ActionEntry): string {
  return entry.kind === 'builtin' ? t(BUILTIN_NAMES[entry.id]) : entry.name.trim();
}

/** The browser's language (what "follows the browser" means). */
export function browserLanguage(): string {
  return globalThis.navigator?.language ?? 'en';
}

/** Translate's language, named in the interface language (for the question the user sees). */
export function translateTargetName(translateTo: string): string {
  return languageName(targetLanguageTag(translateTo, browserLanguage()), uiLocale());
}

/** The question a built-in action asks, in the interface language; null for Ask (the user types it). */
export function builtinQuestion(id: BuiltinActionId, translateTo: string): string | null {
  switch (id) {
    case 'summarize':
      return t('question_summarize');
    case 'explain':
      return t('question_explain');
    case 'translate':
      return t('question_translate', { language: translateTargetName(translateTo) });
    case 'simplify':
      return t('question_simplify');
    case 'key-points':
      return t('question_key_points');
    case 'ask':
      return null;
  }
}

export const placeholderList = (): string => PLACEHOLDERS.map((name) => `{{${name}}}`).join(', ');

export function issueText(issue: ActionIssue): string {
  switch (issue.code) {
    case 'name-empty':
      return t('action_issue_name_empty');
    case 'name-too-long':
      return t('action_issue_name_too_long', { max: issue.max });
    case 'template-empty':
      return t('action_issue_template_empty');
    case 'template-too-long':
      return t('action_issue_template_too_long', { max: issue.max });
    case 'unknown-placeholder':
      return t('action_issue_unknown_placeholder', { name: issue.name, placeholders: placeholderList() });
    case 'unbalanced-braces':
      return t('action_issue_unbalanced_braces', { at: issue.at + 1, example: '{{selection}}' });
    case 'model-too-long':
      return t('action_issue_model_too_long', { max: issue.max });
  }
}

export function importProblemText(problem: ImportProblem): string {
  switch (problem.code) {
    case 'too-large':
      return t('import_problem_too_large', { max: Math.round(problem.max / 1024) });
    case 'not-json':
      return t('import_problem_not_json');
    case 'not-actions':
      return t('import_problem_not_actions');
    case 'wrong-version':
      return t('import_problem_wrong_version', { version: problem.version, supported: ACTIONS_FILE_VERSION });
    case 'too-many':
      return t('import_problem_too_many', { max: problem.max });
    case 'bad-action':
      return problem.issue
        ? t('import_problem_bad_action', { number: problem.index + 1, issue: issueText(problem.issue) })
        : t('import_problem_bad_action_shape', { number: problem.index + 1 });
  }
}
