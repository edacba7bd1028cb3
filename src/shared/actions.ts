/**
 * Actions: the built-in ones (Summarize, Explain, Translate, Simplify, Key points, Ask)
 * and the ones users write themselves, a name plus a prompt template. The list's order is
 * the order of the context menu and of the panel's buttons; the first nine are on the
 * number keys.
 *
 * Templates are expanded in one pass: the text put in for a placeholder is never read
 * again, so a selection containing `{{url}}` stays `{{url}}`. Page text goes in fenced as
 * untrusted data (fence.ts), exactly as a plain question's selection does.
 */
import * as v from 'valibot';
import { attribute, formatSelection } from './fence.ts';
import { ProviderIdSchema } from './ids.ts';
import {
  MAX_ACTION_NAME_CHARS,
  MAX_ACTION_TEMPLATE_CHARS,
  MAX_ACTIONS,
  MAX_ACTIONS_FILE_BYTES,
  MAX_LANGUAGE_NAME_CHARS,
  MAX_MODEL_CHARS,
} from './limits.ts';
import { PageSelectionSchema, type PageSelection } from './schemas.ts';

export const PLACEHOLDERS = ['selection', 'page', 'title', 'url', 'language'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

export const BUILTIN_ACTIONS = ['summarize', 'explain', 'translate', 'simplify', 'key-points', 'ask'] as const;
export type BuiltinActionId = (typeof BUILTIN_ACTIONS)[number];

/** A user action's id: `u-` and up to 32 lower-case letters or digits (made by newActionId). */
const CUSTOM_ID = /^u-[a-z0-9]{1,32}$/;
export const CustomActionIdSchema = v.pipe(v.string(), v.regex(CUSTOM_ID));
/** Any action's id: a built-in one or a user's. */
export const ActionIdSchema = v.union([v.picklist(BUILTIN_ACTIONS), CustomActionIdSchema]);
export type ActionId = v.InferOutput<typeof ActionIdSchema>;

export function isBuiltinAction(id: string): id is BuiltinActionId {
  return (BUILTIN_ACTIONS as readonly string[]).includes(id);
}

export function newActionId(random: () => string = () => crypto.randomUUID()): string {
  return `u-${random()
    .replace(/[^a-z0-9]/gi, '')
    .toLowerCase()
    .slice(0, 16)}`;
}

// --- Templates ----------------------------------------------------------------------------

export type TemplatePart = { text: string } | { placeholder: Placeholder };

/** What is wrong with an action, as codes (the panel words them). `at`: a character offset. */
export type ActionIssue =
  | { code: 'name-empty' }
  | { code: 'name-too-long'; max: number }
  | { code: 'template-empty' }
  | { code: 'template-too-long'; max: number }
  | { code: 'unknown-placeholder'; name: string; at: number }
  | { code: 'unbalanced-braces'; at: number }
  | { code: 'model-too-long'; max: number };

const isPlaceholder = (name: string): name is Placeholder => (PLACEHOLDERS as readonly string[]).includes(name);

/**
 * Splits a template into text and placeholders. `{{ name }}` is a placeholder (spaces
 * allowed); a lone `{` or `}` is text (a prompt may show JSON). An unknown name or a `{{`
 * with no `}}` (or a `}}` with no `{{`) is an issue, and stays in the text as written.
 */
export function parseTemplate(template: string): { parts: TemplatePart[]; issues: ActionIssue[] } {
  const parts: TemplatePart[] = [];
  const issues: ActionIssue[] = [];
  let text = '';
  let i = 0;
  while (i < template.length) {
    if (template.startsWith('{{', i)) {
      const close = template.indexOf('}}', i + 2);
      const inner = close < 0 ? '' : template.slice(i + 2, close);
      if (close < 0 || inner.includes('{')) {
        issues.push({ code: 'unbalanced-braces', at: i });
        text += '{{';
        i += 2;
        continue;
      }
      const name = inner.trim();
      if (isPlaceholder(name)) {
        if (text !== '') parts.push({ text });
        text = '';
        parts.push({ placeholder: name });
      } else {
        issues.push({ code: 'unknown-placeholder', name: name.slice(0, 40), at: i });
        text += template.slice(i, close + 2);
      }
      i = close + 2;
    } else if (template.startsWith('}}', i)) {
      issues.push({ code: 'unbalanced-braces', at: i });
      text += '}}';
      i += 2;
    } else {
      text += template[i];
      i++;
    }
  }
  if (text !== '') parts.push({ text });
  return { parts, issues };
}

/** Fills the placeholders in one pass: what is put in is never scanned again. */
export function expandTemplate(template: string, values: Readonly<Record<Placeholder, string>>): string {
  return parseTemplate(template)
    .parts.map((part) => ('text' in part ? part.text : values[part.placeholder]))
    .join('');
}

/** Whether a template asks for the whole page ({{page}}), so the page must be read with a selection. */
export function usesPage(template: string): boolean {
  return placeholdersIn(template).has('page');
}

/** The placeholders a template uses. */
export function placeholdersIn(template: string): Set<Placeholder> {
  const used = new Set<Placeholder>();
  for (const part of parseTemplate(template).parts) if ('placeholder' in part) used.add(part.placeholder);
  return used;
}

export interface PromptContext {
  selection?: PageSelection;
  /** The whole page's readable text, when it was read along with a selection; {{page}} is the selection otherwise. */
  page?: PageSelection;
  /** The language {{language}} names, e.g. "French" (see languageName). */
  language: string;
  /** The random part of this request's page-text tags (newFence). */
  fence: string;
}

/**
 * The prompt an action sends: its template with the selection fenced as data, the page's
 * title and URL made safe to sit in a sentence, and the language. {{page}} is the page's
 * readable text, fenced the same way: the page read with the selection, or the staged text
 * itself when that is the whole page (or when the page could not be read).
 */
export function renderActionPrompt(template: string, context: PromptContext): string {
  const { selection } = context;
  const fenced = selection ? formatSelection(selection, context.fence) : '';
  return expandTemplate(template, {
    selection: fenced,
    page: context.page ? formatSelection(context.page, context.fence) : fenced,
    title: selection ? attribute(selection.title) : '',
    url: selection ? attribute(selection.url) : '',
    language: attribute(context.language),
  });
}

/** A language tag's English name for the model ("fr" → "French"); the tag itself if unknown. */
export function languageName(tag: string, inLocale = 'en'): string {
  try {
    return new Intl.DisplayNames([inLocale], { type: 'language' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}

/** The language {{language}} and Translate mean: the chosen one, else the browser's. */
export function targetLanguageTag(translateTo: string, browserLanguage: string): string {
  return translateTo || browserLanguage || 'en';
}

// --- Actions and the list -----------------------------------------------------------------

export interface BuiltinEntry {
  kind: 'builtin';
  id: BuiltinActionId;
  enabled: boolean;
}

export interface CustomAction {
  kind: 'custom';
  id: string;
  name: string;
  template: string;
  enabled: boolean;
  /** Its own provider and model; absent: the ones in settings. */
  provider?: v.InferOutput<typeof ProviderIdSchema>;
  model?: string;
}

export type ActionEntry = BuiltinEntry | CustomAction;

export interface ActionList {
  entries: ActionEntry[];
  /** Translate's and {{language}}'s language as a BCP 47 tag; '' follows the browser. */
  translateTo: string;
}

/** Everything wrong with a user action, empty when it can be saved. */
export function validateAction(action: Pick<CustomAction, 'name' | 'template'> & { model?: string }): ActionIssue[] {
  const issues: ActionIssue[] = [];
  const name = action.name.trim();
  if (name === '') issues.push({ code: 'name-empty' });
  else if (name.length > MAX_ACTION_NAME_CHARS) issues.push({ code: 'name-too-long', max: MAX_ACTION_NAME_CHARS });
  if (action.template.trim() === '') issues.push({ code: 'template-empty' });
  else if (action.template.length > MAX_ACTION_TEMPLATE_CHARS) {
    issues.push({ code: 'template-too-long', max: MAX_ACTION_TEMPLATE_CHARS });
  } else issues.push(...parseTemplate(action.template).issues);
  if ((action.model ?? '').length > MAX_MODEL_CHARS) issues.push({ code: 'model-too-long', max: MAX_MODEL_CHARS });
  return issues;
}

const LANGUAGE_TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/;
export const TranslateToSchema = v.union([v.literal(''), v.pipe(v.string(), v.maxLength(35), v.regex(LANGUAGE_TAG))]);

const BuiltinEntrySchema = v.object({ kind: v.literal('builtin'), id: v.picklist(BUILTIN_ACTIONS), enabled: v.boolean() });

export const CustomActionSchema = v.pipe(
  v.object({
    kind: v.literal('custom'),
    id: CustomActionIdSchema,
    name: v.pipe(v.string(), v.maxLength(MAX_ACTION_NAME_CHARS * 2)),
    template: v.pipe(v.string(), v.maxLength(MAX_ACTION_TEMPLATE_CHARS * 2)),
    enabled: v.boolean(),
    provider: v.optional(ProviderIdSchema),
    model: v.optional(v.pipe(v.string(), v.maxLength(MAX_MODEL_CHARS * 2))),
  }),
  // The loose caps above only keep junk small; these are the real rules, the editor's.
  v.check((action) => validateAction(action).length === 0, 'not a valid action'),
);

export const ActionListSchema = v.object({
  entries: v.pipe(
    v.array(v.variant('kind', [BuiltinEntrySchema, CustomActionSchema])),
    v.maxLength(MAX_ACTIONS),
    v.check((entries) => new Set(entries.map((entry) => entry.id)).size === entries.length, 'duplicate action ids'),
  ),
  translateTo: TranslateToSchema,
});

export const DEFAULT_ACTION_LIST: ActionList = {
  entries: BUILTIN_ACTIONS.map((id) => ({ kind: 'builtin', id, enabled: true })),
  translateTo: '',
};

/** A stored list from another version may lack a built-in action: it is added, at the end. */
export function withAllBuiltins(list: ActionList): ActionList {
  const missing = BUILTIN_ACTIONS.filter((id) => !list.entries.some((entry) => entry.id === id));
  if (missing.length === 0) return list;
  return { ...list, entries: [...list.entries, ...missing.map((id): BuiltinEntry => ({ kind: 'builtin', id, enabled: true }))] };
}

export function enabledEntries(list: ActionList): ActionEntry[] {
  return list.entries.filter((entry) => entry.enabled);
}

export function findEntry(list: ActionList, id: string): ActionEntry | undefined {
  return list.entries.find((entry) => entry.id === id);
}

// --- Import and export --------------------------------------------------------------------

export const ACTIONS_FILE_FORMAT = 'aside-actions';
export const ACTIONS_FILE_VERSION = 1;

const ActionsFileSchema = v.object({
  format: v.literal(ACTIONS_FILE_FORMAT),
  version: v.literal(ACTIONS_FILE_VERSION),
  actions: v.array(v.unknown()),
});

/** Why a file was not imported, as a code and its params (the panel words it). */
export type ImportProblem =
  | { code: 'too-large'; max: number }
  | { code: 'not-json' }
  | { code: 'not-actions' }
  | { code: 'wrong-version'; version: string }
  | { code: 'too-many'; max: number }
  | { code: 'bad-action'; index: number; issue: ActionIssue | null };

export type ImportResult = { ok: true; actions: CustomAction[] } | { ok: false; problem: ImportProblem };

/** The user's own actions as a file: a versioned envelope (built-in ones are not exported). */
export function exportActions(list: ActionList): string {
  const actions = list.entries.filter((entry): entry is CustomAction => entry.kind === 'custom');
  return `${JSON.stringify({ format: ACTIONS_FILE_FORMAT, version: ACTIONS_FILE_VERSION, actions }, null, 2)}\n`;
}

/**
 * Reads an actions file. Nothing in it is trusted: it is size-checked before parsing,
 * every action is checked as the editor checks it, and only known fields are kept (a
 * `__proto__` key is data that is dropped, never a prototype).
 */
export function parseActionsFile(text: string): ImportResult {
  if (text.length > MAX_ACTIONS_FILE_BYTES) return { ok: false, problem: { code: 'too-large', max: MAX_ACTIONS_FILE_BYTES } };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, problem: { code: 'not-json' } };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || (raw as { format?: unknown }).format !== ACTIONS_FILE_FORMAT) {
    return { ok: false, problem: { code: 'not-actions' } };
  }
  const version = (raw as { version?: unknown }).version;
  if (version !== ACTIONS_FILE_VERSION) {
    return { ok: false, problem: { code: 'wrong-version', version: String(version).slice(0, 20) } };
  }
  const file = v.safeParse(ActionsFileSchema, raw);
  if (!file.success) return { ok: false, problem: { code: 'not-actions' } };
  if (file.output.actions.length > MAX_ACTIONS) return { ok: false, problem: { code: 'too-many', max: MAX_ACTIONS } };
  const actions: CustomAction[] = [];
  for (const [index, candidate] of file.output.actions.entries()) {
    const result = v.safeParse(CustomActionSchema, candidate);
    if (result.success) {
      actions.push(result.output);
      continue;
    }
    const shaped = candidate as Partial<Record<'name' | 'template', unknown>> | null;
    const issue =
      typeof shaped?.name === 'string' && typeof shaped.template === 'string'
        ? (validateAction({ name: shaped.name, template: shaped.template })[0] ?? null)
        : null;
    return { ok: false, problem: { code: 'bad-action', index, issue } };
  }
  return { ok: true, actions };
}

/**
 * Adds imported actions to the list: one with the id of an action already there replaces
 * it in place, the others go at the end. Null when the list would be too long.
 */
export function mergeImported(list: ActionList, imported: readonly CustomAction[]): ActionList | null {
  const entries = [...list.entries];
  for (const action of imported) {
    const at = entries.findIndex((entry) => entry.id === action.id);
    if (at >= 0 && entries[at]?.kind === 'custom') entries[at] = action;
    else if (at < 0) entries.push(action);
    else entries.push({ ...action, id: newActionId() }); // a built-in id cannot be custom; unreachable by the schema
  }
  return entries.length > MAX_ACTIONS ? null : { ...list, entries };
}

// --- On a question ------------------------------------------------------------------------

/**
 * A user action as asked: carried on the question's turn (port and stored conversation),
 * so the background builds the prompt from the template (renderActionPrompt) and a retry
 * sends the same one. `language`: the name {{language}} stands for, fixed when asked.
 */
export const TurnActionSchema = v.object({
  id: ActionIdSchema,
  template: v.pipe(v.string(), v.maxLength(MAX_ACTION_TEMPLATE_CHARS)),
  language: v.pipe(v.string(), v.maxLength(MAX_LANGUAGE_NAME_CHARS)),
  provider: v.optional(ProviderIdSchema),
  model: v.optional(v.pipe(v.string(), v.maxLength(MAX_MODEL_CHARS))),
  /** The whole page's text for {{page}}, read with the selection (absent: {{page}} is the selection). */
  page: v.optional(PageSelectionSchema),
});
export type TurnAction = v.InferOutput<typeof TurnActionSchema>;
