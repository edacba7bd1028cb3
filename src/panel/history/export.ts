/**
 * History exports: JSON, a versioned envelope that import.ts reads back whole, and
 * Markdown, the questions and answers for people to read. Pure: the words (headings) come
 * from the caller, the file is written by download.ts.
 */
import { titleOf, type HistoryConversation } from '../../storage/history/schema.ts';

export const EXPORT_FORMAT = 'aside-conversations';
export const EXPORT_VERSION = 1;

export interface ExportEnvelope {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  /** When the file was written (ms since the epoch). */
  exportedAt: number;
  conversations: HistoryConversation[];
}

export function exportJson(conversations: readonly HistoryConversation[], now: number): string {
  const envelope: ExportEnvelope = {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: now,
    conversations: [...conversations],
  };
  return `${JSON.stringify(envelope, null, 2)}\n`;
}

/** The words a Markdown export is written with, in the user's language. */
export interface MarkdownLabels {
  question: string;
  answer: string;
  selection: string;
  page: string;
  /** A conversation's date line, already formatted. */
  date(time: number): string;
}

/** Text as one Markdown block quote (a selection the question was about). */
const quote = (text: string) =>
  text
    .split('\n')
    .map((line) => (line === '' ? '>' : `> ${line}`))
    .join('\n');

/** Square brackets and backslashes in a link text are escaped, so a page title cannot end the link. */
const linkText = (text: string) => text.replace(/[\\[\]]/g, (char) => `\\${char}`);

export function conversationMarkdown(conversation: HistoryConversation, labels: MarkdownLabels): string {
  const lines: string[] = [`# ${titleOf(conversation).replace(/^#+\s*/, '') || '…'}`, ''];
  lines.push(labels.date(conversation.createdAt), '');
  if (conversation.page?.url) {
    lines.push(
      `${labels.page}: [${linkText(conversation.page.title || conversation.page.url)}](<${conversation.page.url.replace(/[<>]/g, encodeURIComponent)}>)`,
      '',
    );
  }
  for (const turn of conversation.turns) {
    if (turn.role === 'user') {
      lines.push(`## ${labels.question}`, '');
      if (turn.selection?.text) lines.push(`${labels.selection}:`, '', quote(turn.selection.text), '');
      lines.push(turn.text, '');
    } else {
      // A comparison's answers say who gave each (provider id and model: names, not words).
      const who = turn.compare ? ` (${turn.compare.provider}: ${turn.compare.model})` : '';
      lines.push(`## ${labels.answer}${who}`, '', turn.text, '');
    }
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

export function conversationsMarkdown(conversations: readonly HistoryConversation[], labels: MarkdownLabels): string {
  return conversations.map((conversation) => conversationMarkdown(conversation, labels)).join('\n---\n\n');
}

/** A file name from a title: letters and digits of any script, joined by dashes, short. */
export function fileNameFor(title: string, extension: 'json' | 'md'): string {
  const words = title.normalize('NFKC').match(/[\p{L}\p{N}]+/gu) ?? [];
  const slug = [...words.join('-')].slice(0, 48).join('').replace(/-+$/, '');
  return `aside-${slug || 'conversation'}.${extension}`;
}

/** The name of an Export all file, dated (YYYY-MM-DD, local time). */
export function allFileName(now: number, extension: 'json' | 'md'): string {
  const date = new Date(now);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `aside-conversations-${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}.${extension}`;
}
