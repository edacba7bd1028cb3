/** The words and date format of a Markdown export, in the panel's language. */
import { t, uiLocale } from '../i18n/index.ts';
import type { MarkdownLabels } from './export.ts';

export function markdownLabels(): MarkdownLabels {
  const format = new Intl.DateTimeFormat(uiLocale(), { dateStyle: 'long', timeStyle: 'short' });
  return {
    question: t('history_md_question'),
    answer: t('history_md_answer'),
    selection: t('history_md_selection'),
    page: t('history_md_page'),
    date: (time) => format.format(time),
  };
}
