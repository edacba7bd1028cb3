import { useEffect, useRef, useState } from 'preact/hooks';
import type { ConversationSummary } from '../../storage/history/schema.ts';
import { t, uiLocale } from '../i18n/index.ts';
import { Highlighted } from './Highlighted.tsx';

export interface HistoryRowActions {
  onOpen(id: string): void;
  onRename(id: string, title: string): void;
  onPin(id: string, pinned: boolean): void;
  onDelete(id: string): void;
  onExport(id: string, format: 'json' | 'md'): void;
}

interface Props extends HistoryRowActions {
  row: ConversationSummary;
  query: string;
  /** A piece of the conversation around the search match, when the title has none. */
  snippet?: string;
  /** An answer is streaming: opening another conversation would hide it. */
  busy: boolean;
}

function timeOf(time: number): string {
  try {
    return new Intl.DateTimeFormat(uiLocale(), { hour: 'numeric', minute: '2-digit' }).format(time);
  } catch {
    return new Date(time).toLocaleTimeString();
  }
}

function hostOf(url: string | undefined): string {
  if (!url) return '';
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

export function HistoryRow({ row, query, snippet, busy, onOpen, onRename, onPin, onDelete, onExport }: Props) {
  const [renaming, setRenaming] = useState(false);
  const [draft, setDraft] = useState(row.title);
  const input = useRef<HTMLInputElement>(null);
  const renameButton = useRef<HTMLButtonElement>(null);
  const wasRenaming = useRef(false);
  useEffect(() => {
    if (renaming) {
      input.current?.focus();
      input.current?.select();
    } else if (wasRenaming.current) renameButton.current?.focus();
    wasRenaming.current = renaming;
  }, [renaming]);
  const title = row.title;
  const pinned = row.pinned === 1;
  const host = hostOf(row.page?.url);
  const finish = (save: boolean) => {
    if (save && draft !== row.title) onRename(row.id, draft);
    setRenaming(false);
  };
  return (
    <li class="history-row" data-testid="history-row" data-id={row.id} data-pinned={pinned ? 'true' : 'false'}>
      {renaming ? (
        <form
          class="history-rename"
          onSubmit={(event) => {
            event.preventDefault();
            finish(true);
          }}
        >
          <input
            ref={input}
            data-testid="history-rename-input"
            aria-label={t('history_rename_input')}
            value={draft}
            maxLength={120}
            onInput={(event) => setDraft(event.currentTarget.value)}
            onKeyDown={(event) => {
              if (event.key === 'Escape') {
                event.preventDefault();
                finish(false);
              }
            }}
          />
          <button type="submit" data-testid="history-rename-save">
            {t('history_rename_save')}
          </button>
          <button type="button" class="ghost" data-testid="history-rename-cancel" onClick={() => finish(false)}>
            {t('history_rename_cancel')}
          </button>
        </form>
      ) : (
        <button
          type="button"
          class="history-open"
          data-testid="history-open"
          disabled={busy}
          title={busy ? t('history_open_busy') : undefined}
          onClick={() => onOpen(row.id)}
        >
          <span class="history-row-title" data-testid="history-row-title">
            <Highlighted text={title} query={query} />
          </span>
          <span class="history-row-meta">
            <time dateTime={new Date(row.updatedAt).toISOString()}>{timeOf(row.updatedAt)}</time>
            {host && <span class="history-row-host">{host}</span>}
          </span>
          {(snippet ?? row.preview) && (
            <span class="history-row-snippet" data-testid="history-snippet">
              <Highlighted text={snippet ?? row.preview} query={query} />
            </span>
          )}
        </button>
      )}
      <div class="history-row-actions" role="group" aria-label={t('history_row_actions', { title })}>
        <button
          type="button"
          class="ghost small-button"
          data-testid="history-pin"
          aria-label={pinned ? t('history_unpin_label', { title }) : t('history_pin_label', { title })}
          onClick={() => onPin(row.id, !pinned)}
        >
          {pinned ? t('history_unpin') : t('history_pin')}
        </button>
        <button
          ref={renameButton}
          type="button"
          class="ghost small-button"
          data-testid="history-rename"
          aria-label={t('history_rename_label', { title })}
          aria-expanded={renaming}
          onClick={() => {
            setDraft(row.title);
            setRenaming(!renaming);
          }}
        >
          {t('history_rename')}
        </button>
        <button
          type="button"
          class="ghost small-button"
          data-testid="history-export-json"
          aria-label={t('history_export_json_label', { title })}
          onClick={() => onExport(row.id, 'json')}
        >
          {t('history_export_json')}
        </button>
        <button
          type="button"
          class="ghost small-button"
          data-testid="history-export-markdown"
          aria-label={t('history_export_markdown_label', { title })}
          onClick={() => onExport(row.id, 'md')}
        >
          {t('history_export_markdown')}
        </button>
        <button
          type="button"
          class="ghost small-button history-danger"
          data-testid="history-delete"
          aria-label={t('history_delete_label', { title })}
          onClick={() => onDelete(row.id)}
        >
          {t('history_delete')}
        </button>
      </div>
    </li>
  );
}
