/**
 * The history view: past conversations by day (pinned first), search with the matches
 * marked, and per conversation Open, Pin, Rename, Export (JSON, Markdown) and Delete with
 * Undo; Export all and Import (a dry run first) below. Actions that leave the view (open a
 * conversation, start a new chat, go back) are the caller's, as props.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { MAX_IMPORT_BYTES } from '../../shared/limits.ts';
import type { HistoryStore } from '../../storage/history/db.ts';
import { allConversations, renameConversation, setConversationPinned } from '../../storage/history/edits.ts';
import { titleOf, type ConversationSummary, type HistoryConversation } from '../../storage/history/schema.ts';
import { formatNumber, t, uiLocale } from '../i18n/index.ts';
import { downloadText, readFileText } from './download.ts';
import { allFileName, conversationMarkdown, conversationsMarkdown, exportJson, fileNameFor } from './export.ts';
import { markdownLabels } from './markdown-labels.ts';
import { groupByDay } from './group-by-day.ts';
import { highlightParts, snippetAround } from './highlight.ts';
import { HistoryRow } from './HistoryRow.tsx';
import { checkImport, existingFrom, type ImportFileProblem, type ImportPlan } from './import.ts';
import { SearchBox } from './SearchBox.tsx';
import { StorageSection } from './StorageSection.tsx';

export interface HistoryViewProps {
  /** null while the database opens. */
  store: HistoryStore | null;
  /** The database cannot be opened in this window. */
  failed: boolean;
  /** An answer is streaming: Open and New chat wait for it. */
  busy: boolean;
  onOpen(id: string): void;
  /** Conversations were deleted (one, or old ones cleared): their answers' stream details go too. */
  onDeleted?(): void;
  onNew(): void;
  onClose(): void;
  /** This window's conversations are kept in memory (private window, or IndexedDB failed): no disk usage to show. */
  inMemory?: boolean;
  /** How many conversations the list shows at first, and how many more "Show older" adds. */
  pageSize?: number;
}

/** Clearing old conversations offers Undo up to this many (they are held in memory until then). */
const MAX_UNDO_CONVERSATIONS = 1_000;

/**
 * Rows the list shows at first (pinned first, then newest; the 10,000-conversation bench opens
 * this many in under 100 ms), and how many more each "Show older conversations" adds; search
 * reaches every conversation.
 */
const LIST_LIMIT = 500;
const SEARCH_DELAY_MS = 120;

interface Hit {
  summary: ConversationSummary;
  snippet?: string;
}

type ImportState = { file: string; plan: ImportPlan } | { file: string; problem: ImportFileProblem } | null;

function problemText(problem: ImportFileProblem): string {
  switch (problem.reason) {
    case 'too-large':
      return t('history_import_too_large', { max: `${formatNumber(Math.round(problem.max / 1024 / 1024))} MB` });
    case 'not-json':
      return t('history_import_not_json');
    case 'not-an-export':
      return t('history_import_not_an_export');
    case 'wrong-version':
      return t('history_import_wrong_version', { version: problem.version });
    case 'too-many':
      return t('history_import_too_many', { count: problem.count, max: problem.max });
  }
}

const matches = (text: string, query: string) => highlightParts(text, query).some((part) => part.match);

/** Where the search matched in a conversation whose title it did not: the first question or answer that has it. */
function snippetOf(conversation: HistoryConversation, query: string): string | undefined {
  for (const turn of conversation.turns) {
    const found =
      snippetAround(turn.text, query) ?? (turn.role === 'user' && turn.selection ? snippetAround(turn.selection.text, query) : null);
    if (found) return found;
  }
  return undefined;
}

export function HistoryView({
  store,
  failed,
  busy,
  onOpen,
  onDeleted,
  onNew,
  onClose,
  inMemory = false,
  pageSize = LIST_LIMIT,
}: HistoryViewProps) {
  const [rows, setRows] = useState<ConversationSummary[] | null>(null);
  const [query, setQuery] = useState('');
  const [searched, setSearched] = useState('');
  const [hits, setHits] = useState<Hit[] | null>(null);
  const [status, setStatus] = useState('');
  /** What the last delete (one, or old ones cleared) removed, for Undo. */
  const [undo, setUndo] = useState<HistoryConversation[] | null>(null);
  const [importing, setImporting] = useState<ImportState>(null);
  const [version, setVersion] = useState(0);
  const fileInput = useRef<HTMLInputElement>(null);
  const undoButton = useRef<HTMLButtonElement>(null);
  const refresh = () => setVersion((n) => n + 1);
  /** How many rows the list asks for: one page more with each "Show older conversations". */
  const [limit, setLimit] = useState(pageSize);

  useEffect(() => {
    if (!store) return;
    let live = true;
    void store.list({ limit }).then((list) => live && setRows(list));
    return () => {
      live = false;
    };
  }, [store, version, limit]);

  useEffect(() => {
    const trimmed = query.trim();
    if (!store || trimmed === '') {
      setHits(null);
      setSearched('');
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      void (async () => {
        const found = await store.search(trimmed);
        const withSnippets = await Promise.all(
          found.map(async ({ summary }): Promise<Hit> => {
            if (matches(summary.title, trimmed)) return { summary };
            const conversation = await store.get(summary.id);
            const snippet = conversation ? snippetOf(conversation, trimmed) : undefined;
            return snippet ? { summary, snippet } : { summary };
          }),
        );
        if (!live) return;
        setHits(withSnippets);
        setSearched(trimmed);
      })();
    }, SEARCH_DELAY_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [store, query, version]);

  useEffect(() => {
    if (undo) undoButton.current?.focus();
  }, [undo]);

  const sections = useMemo(
    () =>
      rows
        ? groupByDay(rows, Date.now(), uiLocale(), {
            pinned: t('history_pinned'),
            today: t('history_today'),
            yesterday: t('history_yesterday'),
          })
        : [],
    [rows],
  );

  const actions = {
    onOpen,
    async onRename(id: string, title: string) {
      if (!store) return;
      await renameConversation(store, id, title);
      refresh();
    },
    async onPin(id: string, pinned: boolean) {
      if (!store) return;
      await setConversationPinned(store, id, pinned);
      refresh();
    },
    async onDelete(id: string) {
      if (!store) return;
      const removed = await store.remove(id);
      if (!removed) return;
      onDeleted?.();
      setUndo([removed]);
      setStatus(t('history_deleted', { title: titleOf(removed) }));
      refresh();
    },
    async onExport(id: string, format: 'json' | 'md') {
      const conversation = await store?.get(id);
      if (!conversation) return;
      const name = fileNameFor(titleOf(conversation), format);
      if (format === 'json') downloadText(name, 'application/json', exportJson([conversation], Date.now()));
      else downloadText(name, 'text/markdown', conversationMarkdown(conversation, markdownLabels()));
    },
  };

  const restore = async () => {
    if (!store || !undo) return;
    await store.saveMany(undo);
    setStatus(
      undo.length === 1 ? t('history_restored', { title: titleOf(undo[0]!) }) : t('clear_old_restored', { count: undo.length }),
    );
    setUndo(null);
    refresh();
  };

  const cleared = (removed: HistoryConversation[]) => {
    if (removed.length > 0) onDeleted?.();
    const undoable = removed.length > 0 && removed.length <= MAX_UNDO_CONVERSATIONS;
    setUndo(undoable ? removed : null);
    setStatus(t(undoable || removed.length === 0 ? 'clear_old_done' : 'clear_old_done_no_undo', { count: removed.length }));
    refresh();
  };

  const exportAll = async (format: 'json' | 'md') => {
    if (!store) return;
    const conversations = await allConversations(store);
    const now = Date.now();
    if (format === 'json') downloadText(allFileName(now, 'json'), 'application/json', exportJson(conversations, now));
    else downloadText(allFileName(now, 'md'), 'text/markdown', conversationsMarkdown(conversations, markdownLabels()));
  };

  const pickFile = async (file: File | undefined) => {
    if (!store || !file) return;
    setStatus('');
    const text = await readFileText(file, MAX_IMPORT_BYTES);
    if (text === null) {
      setImporting({ file: file.name, problem: { reason: 'too-large', max: MAX_IMPORT_BYTES } });
      return;
    }
    const existing = existingFrom(await store.list({ limit: Number.MAX_SAFE_INTEGER }));
    const check = checkImport(text, existing);
    setImporting(check.ok ? { file: file.name, plan: check.plan } : { file: file.name, problem: check.problem });
  };

  const confirmImport = async () => {
    if (!store || !importing || !('plan' in importing)) return;
    const { fresh } = importing.plan;
    try {
      await store.saveMany(fresh);
      setStatus(t('history_import_done', { count: fresh.length }));
    } catch {
      setStatus(t('history_import_failed'));
    }
    setImporting(null);
    refresh();
  };

  const rowProps = { ...actions, busy, query: searched };

  return (
    <main class="history-view" data-testid="history-view" aria-labelledby="history-heading">
      <div class="history-top">
        <h2 id="history-heading">{t('history_heading')}</h2>
        <div class="header-actions">
          <button
            type="button"
            class="ghost"
            data-testid="history-new-chat"
            disabled={busy}
            onClick={onNew}
            title={t('new_chat_title')}
          >
            {t('new_chat')}
          </button>
          <button type="button" class="ghost" data-testid="history-close" onClick={onClose}>
            {t('history_back')}
          </button>
        </div>
      </div>
      {failed ? (
        <p class="muted history-empty" role="status">
          {t('history_unavailable')}
        </p>
      ) : (
        <>
          <SearchBox value={query} onInput={setQuery} />
          <div class="history-status-line">
            <p class="history-status" role="status" data-testid="history-status">
              {hits
                ? hits.length === 0
                  ? t('history_no_results', { query: searched })
                  : t('history_results', { count: hits.length })
                : status}
            </p>
            {undo && !hits && (
              <button
                type="button"
                class="ghost small-button"
                data-testid="history-undo"
                ref={undoButton}
                onClick={() => void restore()}
              >
                {t('history_undo')}
              </button>
            )}
          </div>
          {importing && (
            <div class="history-import" data-testid="import-dry-run-summary" role="region" aria-label={t('history_import_file_label')}>
              {'problem' in importing ? (
                <p class="history-import-problem">{problemText(importing.problem)}</p>
              ) : (
                <>
                  <p>
                    {t('history_import_summary', {
                      file: importing.file,
                      fresh: importing.plan.fresh.length,
                      already: importing.plan.already,
                      rejected: importing.plan.rejectedCount,
                    })}
                  </p>
                  {importing.plan.rejected.length > 0 && (
                    <ul class="history-import-reasons">
                      {importing.plan.rejected.map((item) => (
                        <li key={item.position}>{t('history_import_rejected_item', { position: item.position, field: item.field })}</li>
                      ))}
                      {importing.plan.rejectedCount > importing.plan.rejected.length && (
                        <li>
                          {t('history_import_rejected_more', { count: importing.plan.rejectedCount - importing.plan.rejected.length })}
                        </li>
                      )}
                    </ul>
                  )}
                </>
              )}
              <div class="row">
                {'plan' in importing && importing.plan.fresh.length > 0 && (
                  <button type="button" data-testid="import-confirm" onClick={() => void confirmImport()}>
                    {t('history_import_confirm', { count: importing.plan.fresh.length })}
                  </button>
                )}
                <button type="button" class="ghost" data-testid="import-cancel" onClick={() => setImporting(null)}>
                  {t('history_import_cancel')}
                </button>
              </div>
            </div>
          )}
          <div class="history-list" data-testid="history-list">
            {hits ? (
              <ul class="history-rows">
                {hits.map((hit) => (
                  <HistoryRow key={hit.summary.id} row={hit.summary} {...(hit.snippet ? { snippet: hit.snippet } : {})} {...rowProps} />
                ))}
              </ul>
            ) : rows && rows.length === 0 ? (
              <p class="muted history-empty">{t('history_empty')}</p>
            ) : (
              sections.map((section) => (
                <section key={section.key} class="history-day" aria-labelledby={`history-day-${section.key}`}>
                  <h3 id={`history-day-${section.key}`} data-testid="history-day">
                    {section.label}
                  </h3>
                  <ul class="history-rows">
                    {section.rows.map((row) => (
                      <HistoryRow key={row.id} row={row} {...rowProps} />
                    ))}
                  </ul>
                </section>
              ))
            )}
            {!hits && rows && rows.length >= limit && (
              <button type="button" class="ghost" data-testid="history-show-more" onClick={() => setLimit((n) => n + pageSize)}>
                {t('history_show_more')}
              </button>
            )}
          </div>
          {store && (
            <StorageSection
              store={store}
              inMemory={inMemory}
              version={version}
              onCleared={cleared}
              onFailed={() => setStatus(t('clear_old_failed'))}
            />
          )}
          <div class="history-bottom">
            <button type="button" class="ghost" data-testid="history-export-all" onClick={() => void exportAll('json')}>
              {t('history_export_all')}
            </button>
            <button type="button" class="ghost" data-testid="history-export-all-markdown" onClick={() => void exportAll('md')}>
              {t('history_export_all_markdown')}
            </button>
            <button
              type="button"
              class="ghost"
              data-testid="history-import"
              title={t('history_import_title')}
              onClick={() => fileInput.current?.click()}
            >
              {t('history_import')}
            </button>
            <input
              ref={fileInput}
              type="file"
              accept="application/json,.json"
              class="visually-hidden"
              tabIndex={-1}
              aria-label={t('history_import_file_label')}
              data-testid="history-import-file"
              onChange={(event) => {
                const input = event.currentTarget;
                void pickFile(input.files?.[0]).finally(() => {
                  input.value = '';
                });
              }}
            />
          </div>
        </>
      )}
    </main>
  );
}
