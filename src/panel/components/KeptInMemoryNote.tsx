/**
 * The note over a window whose conversations are kept in memory (a private window, or
 * history that cannot be opened), with a way to keep them anyway: Export them, as JSON
 * (which Import in a normal window's history reads back) or as Markdown. They are read from
 * the background's `storage.session` copy, so the export has every conversation kept in
 * memory, not only this tab's.
 */
import { useState } from 'preact/hooks';
import { t } from '../i18n/index.ts';

export interface KeptInMemoryNoteProps {
  /** Why they are in memory: a private window, or history that could not be opened. */
  reason: 'private' | 'memory';
}

type Format = 'json' | 'md';

async function exportKept(format: Format): Promise<number> {
  // Loaded on the click: none of this is on the panel's first paint.
  const [{ loadKeptInMemory }, { allFileName, conversationsMarkdown, exportJson }, { downloadText }, { markdownLabels }] =
    await Promise.all([
      import('../../storage/history/kept-in-memory.ts'),
      import('../history/export.ts'),
      import('../history/download.ts'),
      import('../history/markdown-labels.ts'),
    ]);
  const conversations = await loadKeptInMemory();
  if (conversations.length === 0) return 0;
  const now = Date.now();
  if (format === 'json') downloadText(allFileName(now, 'json'), 'application/json', exportJson(conversations, now));
  else downloadText(allFileName(now, 'md'), 'text/markdown', conversationsMarkdown(conversations, markdownLabels()));
  return conversations.length;
}

export function KeptInMemoryNote({ reason }: KeptInMemoryNoteProps) {
  const [status, setStatus] = useState('');
  const run = (format: Format) => {
    setStatus('');
    exportKept(format).then(
      (count) => setStatus(count === 0 ? t('kept_export_nothing') : t('kept_export_done', { count })),
      () => setStatus(t('kept_export_failed')),
    );
  };
  return (
    <div class="storage-note" role="note" data-testid="private-note">
      <span>{t(reason === 'memory' ? 'storage_memory_note' : 'private_note')}</span>
      <span class="storage-note-actions">
        <button type="button" class="ghost small-button" data-testid="private-export-json" onClick={() => run('json')}>
          {t('kept_export_json')}
        </button>
        <button type="button" class="ghost small-button" data-testid="private-export-markdown" onClick={() => run('md')}>
          {t('kept_export_markdown')}
        </button>
      </span>
      {status !== '' && (
        <span class="storage-note-status" role="status" data-testid="private-export-status">
          {status}
        </span>
      )}
    </div>
  );
}
