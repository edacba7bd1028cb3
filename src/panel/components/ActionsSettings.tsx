/**
 * Settings › Actions: the built-in actions and the user's own, in menu order. Each row can
 * be turned off and moved; a user action has a name, a prompt template with a live
 * preview of what will be sent, and optionally its own provider and model. Changes are
 * kept as a draft until Save (the context menu is rebuilt then). Import and export as JSON.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import {
  DEFAULT_ACTION_LIST,
  exportActions,
  languageName,
  mergeImported,
  parseActionsFile,
  type ActionEntry,
  type ActionList,
  type CustomAction,
} from '../../shared/actions.ts';
import { MAX_ACTION_NAME_CHARS, MAX_ACTION_TEMPLATE_CHARS, MAX_ACTIONS, MAX_MODEL_CHARS } from '../../shared/limits.ts';
import type { ProviderId } from '../../providers/catalog.ts';
import { saveActions } from '../../storage/actions.ts';
import {
  ACTION_PROVIDERS,
  addEntry,
  changeEntry,
  deleteEntry,
  EXPORT_FILE_NAME,
  listIssues,
  moveEntry,
  newTemplate,
  previewPrompt,
  TRANSLATE_LANGUAGES,
} from '../actions/editor.ts';
import { promptLanguage } from '../actions/run-action.ts';
import { useStoredActions } from '../actions/use-actions.ts';
import { actionName, browserLanguage, importProblemText, issueText, placeholderList } from '../actions/words.ts';
import { providerName, t, uiLocale } from '../i18n/index.ts';

type Status = { kind: 'saved' | 'imported' | 'problem'; text: string } | null;

function ActionRow(props: {
  entry: ActionEntry;
  index: number;
  count: number;
  list: ActionList;
  issues: readonly string[];
  onChange(list: ActionList, focus?: { id: string; control: string }): void;
}) {
  const { entry, index, list } = props;
  const name = actionName(entry) || t('action_new_name');
  const issuesId = `action-issues-${entry.id}`;
  const custom: CustomAction | null = entry.kind === 'custom' ? entry : null;
  const preview = custom
    ? previewPrompt(
        custom.template,
        { text: t('preview_sample_text'), title: t('preview_sample_title') },
        promptLanguage(list.translateTo),
      )
    : '';
  const change = (next: Partial<Omit<CustomAction, 'kind' | 'id'>>) => props.onChange(changeEntry(list, entry.id, next));
  return (
    <li
      class="action-row"
      data-testid="action-row"
      data-action-id={entry.id}
      data-kind={entry.kind}
      aria-label={t('action_row_label', { name })}
    >
      <div class="row tight action-row-head">
        <label class="checkbox">
          <input
            type="checkbox"
            data-testid="action-enabled"
            checked={entry.enabled}
            aria-label={t('action_enabled_label', { name })}
            onChange={(event) => change({ enabled: event.currentTarget.checked })}
          />
          <span>{t('action_enabled')}</span>
        </label>
        {custom ? (
          <input
            type="text"
            class="action-name"
            data-testid="action-name"
            aria-label={t('action_name_label')}
            placeholder={t('action_new_name')}
            maxLength={MAX_ACTION_NAME_CHARS * 2}
            value={custom.name}
            aria-invalid={props.issues.length > 0}
            aria-describedby={props.issues.length > 0 ? issuesId : undefined}
            onInput={(event) => change({ name: event.currentTarget.value })}
          />
        ) : (
          <span class="action-name" data-testid="action-name">
            {name} <span class="muted small">· {t('action_builtin')}</span>
          </span>
        )}
        <span class="spacer" />
        <button
          type="button"
          class="ghost"
          data-testid="action-move-up"
          aria-label={t('action_move_up_label', { name })}
          disabled={index === 0}
          onClick={() =>
            props.onChange(moveEntry(list, index, -1), {
              id: entry.id,
              control: index - 1 === 0 ? 'action-move-down' : 'action-move-up',
            })
          }
        >
          {t('action_move_up')}
        </button>
        <button
          type="button"
          class="ghost"
          data-testid="action-move-down"
          aria-label={t('action_move_down_label', { name })}
          disabled={index === props.count - 1}
          onClick={() =>
            props.onChange(moveEntry(list, index, 1), {
              id: entry.id,
              control: index + 1 === props.count - 1 ? 'action-move-up' : 'action-move-down',
            })
          }
        >
          {t('action_move_down')}
        </button>
        {custom && (
          <button
            type="button"
            class="ghost"
            data-testid="action-delete"
            aria-label={t('action_delete_label', { name })}
            onClick={() => props.onChange(deleteEntry(list, entry.id), { id: '', control: 'action-add' })}
          >
            {t('action_delete')}
          </button>
        )}
      </div>
      {entry.kind === 'builtin' && entry.id === 'translate' && (
        <label>
          <span>{t('translate_to_label')}</span>
          <select
            data-testid="translate-to"
            value={list.translateTo}
            onChange={(event) => props.onChange({ ...list, translateTo: event.currentTarget.value })}
          >
            <option value="">{t('translate_to_auto', { language: languageName(browserLanguage(), uiLocale()) })}</option>
            {TRANSLATE_LANGUAGES.map((tag) => (
              <option key={tag} value={tag}>
                {languageName(tag, uiLocale())}
              </option>
            ))}
          </select>
        </label>
      )}
      {custom && (
        <>
          <label>
            <span>{t('action_template_label')}</span>
            <textarea
              data-testid="action-template"
              rows={3}
              spellcheck={false}
              maxLength={MAX_ACTION_TEMPLATE_CHARS * 2}
              value={custom.template}
              aria-invalid={props.issues.length > 0}
              aria-describedby={props.issues.length > 0 ? issuesId : undefined}
              onInput={(event) => change({ template: event.currentTarget.value })}
            />
          </label>
          <div class="row tight">
            <label>
              <span>{t('action_provider_label')}</span>
              <select
                data-testid="action-provider"
                value={custom.provider ?? ''}
                onChange={(event) => change({ provider: (event.currentTarget.value || undefined) as ProviderId | undefined })}
              >
                <option value="">{t('action_provider_default')}</option>
                {ACTION_PROVIDERS.map((id) => (
                  <option key={id} value={id}>
                    {providerName(id)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              <span>{t('action_model_label')}</span>
              <input
                type="text"
                data-testid="action-model"
                spellcheck={false}
                maxLength={MAX_MODEL_CHARS * 2}
                placeholder={t('action_model_placeholder')}
                value={custom.model ?? ''}
                onInput={(event) => change({ model: event.currentTarget.value })}
              />
            </label>
          </div>
          {props.issues.length > 0 && (
            <ul class="error-message small action-issues" id={issuesId} data-testid="action-issues">
              {props.issues.map((issue) => (
                <li key={issue}>{issue}</li>
              ))}
            </ul>
          )}
          <details class="action-preview-box" open>
            <summary>{t('action_preview_label')}</summary>
            <pre class="action-preview" data-testid="action-preview">
              {preview}
            </pre>
          </details>
        </>
      )}
    </li>
  );
}

export function ActionsSettings() {
  // Null until read: editing from the defaults before then would save over the user's actions.
  const stored = useStoredActions();
  const [draft, setDraft] = useState<ActionList>(stored ?? DEFAULT_ACTION_LIST);
  const [dirty, setDirty] = useState(false);
  const [status, setStatus] = useState<Status>(null);
  const [focus, setFocus] = useState<{ id: string; control: string } | null>(null);
  const rootRef = useRef<HTMLElement>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (!dirty && stored) setDraft(stored);
  }, [stored]);
  // A moved row is re-inserted in the DOM, which drops focus: put it back on the same control.
  useEffect(() => {
    if (!focus) return;
    const root = rootRef.current;
    const row = focus.id ? root?.querySelector(`[data-action-id="${focus.id}"]`) : root;
    row?.querySelector<HTMLElement>(`[data-testid="${focus.control}"]`)?.focus();
    setFocus(null);
  }, [focus]);
  const issues = useMemo(() => listIssues(draft), [draft]);
  const edit = (next: ActionList, focusAfter?: { id: string; control: string }) => {
    setDraft(next);
    setDirty(true);
    setStatus(null);
    if (focusAfter) setFocus(focusAfter);
  };
  const save = () => {
    if (issues.size > 0) {
      setStatus({ kind: 'problem', text: t('actions_has_problems') });
      return;
    }
    void saveActions(draft).then(
      () => {
        setDirty(false);
        setStatus({ kind: 'saved', text: t('actions_saved') });
      },
      () => setStatus({ kind: 'problem', text: t('actions_has_problems') }),
    );
  };
  const exportFile = () => {
    const url = URL.createObjectURL(new Blob([exportActions(draft)], { type: 'application/json' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = EXPORT_FILE_NAME;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  const importFile = async (file: File) => {
    const result = parseActionsFile(await file.text());
    if (!result.ok)
      return setStatus({ kind: 'problem', text: t('actions_import_failed', { reason: importProblemText(result.problem) }) });
    const merged = mergeImported(draft, result.actions);
    if (!merged) {
      return setStatus({
        kind: 'problem',
        text: t('actions_import_failed', { reason: importProblemText({ code: 'too-many', max: MAX_ACTIONS }) }),
      });
    }
    edit(merged);
    setStatus({ kind: 'imported', text: t('actions_imported', { count: result.actions.length }) });
  };
  if (stored === null) {
    return (
      <section class="actions-settings" data-testid="actions-settings" aria-labelledby="actions-heading" aria-busy="true">
        <h2 id="actions-heading">{t('actions_heading')}</h2>
        <p class="muted small" data-testid="actions-loading">
          {t('loading')}
        </p>
      </section>
    );
  }
  return (
    <section class="actions-settings" data-testid="actions-settings" aria-labelledby="actions-heading" ref={rootRef}>
      <h2 id="actions-heading">{t('actions_heading')}</h2>
      <p class="muted small">{t('actions_intro', { placeholders: placeholderList() })}</p>
      <ol class="action-list">
        {draft.entries.map((entry, index) => (
          <ActionRow
            key={entry.id}
            entry={entry}
            index={index}
            count={draft.entries.length}
            list={draft}
            issues={(issues.get(entry.id) ?? []).map(issueText)}
            onChange={edit}
          />
        ))}
      </ol>
      <div class="row">
        <button
          type="button"
          class="ghost"
          data-testid="action-add"
          disabled={draft.entries.length >= MAX_ACTIONS}
          onClick={() => {
            const next = addEntry(draft, t('action_new_name'), newTemplate(t('action_new_template')));
            const added = next.entries.at(-1);
            edit(next, added ? { id: added.id, control: 'action-name' } : undefined);
          }}
        >
          {t('action_add')}
        </button>
        <button type="button" data-testid="action-save" onClick={save}>
          {t('actions_save')}
        </button>
        <span class="spacer" />
        <button type="button" class="ghost" data-testid="actions-export" onClick={exportFile}>
          {t('actions_export')}
        </button>
        <button
          type="button"
          class="ghost"
          data-testid="actions-import"
          aria-label={t('actions_import_label')}
          onClick={() => fileRef.current?.click()}
        >
          {t('actions_import')}
        </button>
        <input
          ref={fileRef}
          type="file"
          accept="application/json,.json"
          hidden
          data-testid="actions-import-file"
          onChange={(event) => {
            const file = event.currentTarget.files?.[0];
            event.currentTarget.value = '';
            if (file) void importFile(file);
          }}
        />
      </div>
      {status && (
        <p
          class={status.kind === 'problem' ? 'error-message' : 'muted'}
          role="status"
          data-testid="actions-status"
          data-kind={status.kind}
        >
          {status.text}
        </p>
      )}
    </section>
  );
}
