import { useEffect, useRef } from 'preact/hooks';
import { t } from '../i18n/index.ts';

/** The history search field; focused when the view opens. Esc clears it first. */
export function SearchBox({ value, onInput }: { value: string; onInput(value: string): void }) {
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  return (
    <div class="history-search" role="search">
      <label class="visually-hidden" for="history-search">
        {t('history_search_label')}
      </label>
      <input
        ref={input}
        id="history-search"
        type="search"
        data-testid="history-search"
        value={value}
        placeholder={t('history_search_placeholder')}
        autocomplete="off"
        onInput={(event) => onInput(event.currentTarget.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape' && value !== '') {
            event.preventDefault();
            onInput('');
          }
        }}
      />
    </div>
  );
}
