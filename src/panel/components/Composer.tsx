import { useEffect, useRef } from 'preact/hooks';
import { t } from '../i18n/index.ts';

const hasModifier = (event: KeyboardEvent) => event.altKey || event.ctrlKey || event.metaKey || event.shiftKey || event.isComposing;

export function Composer(props: {
  draft: string;
  answering: boolean;
  hasSelection: boolean;
  onDraft(text: string): void;
  onSend(): void;
  onStop(): void;
  onUseSelection(): void;
  /** "Ask about this page": stage the whole page's readable text. */
  onUsePage(): void;
  /** Up in an empty composer: edit the last question (absent: there is none to edit). */
  onEditLast?: () => void;
  /** Ask two models: its picker shows, and sending asks both. */
  comparing: boolean;
  onCompare(open: boolean): void;
  onSendBoth(): void;
}) {
  const submit = () => {
    if (props.answering) return;
    if (props.comparing) props.onSendBoth();
    else props.onSend();
  };
  const input = useRef<HTMLTextAreaElement>(null);
  // A selection arriving for "Ask Aside about this" puts the cursor where the question goes.
  useEffect(() => {
    if (props.hasSelection) input.current?.focus();
  }, [props.hasSelection]);
  return (
    <form
      class="composer"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <textarea
        ref={input}
        data-testid="composer"
        rows={3}
        value={props.draft}
        placeholder={props.hasSelection ? t('composer_placeholder_selection') : t('composer_placeholder')}
        aria-label={t('composer_label')}
        onInput={(event) => props.onDraft(event.currentTarget.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            submit();
          } else if (event.key === 'ArrowUp' && props.draft === '' && props.onEditLast && !hasModifier(event)) {
            event.preventDefault();
            props.onEditLast();
          }
        }}
      />
      <div class="row">
        <button type="button" class="ghost" data-testid="use-selection" onClick={props.onUseSelection}>
          {t('use_selection')}
        </button>
        {!props.hasSelection && (
          <button type="button" class="ghost" data-testid="use-page" title={t('use_page_title')} onClick={props.onUsePage}>
            {t('use_page')}
          </button>
        )}
        <button
          type="button"
          class="ghost"
          data-testid="compare-open"
          aria-pressed={props.comparing}
          aria-controls={props.comparing ? 'compare-picker' : undefined}
          title={t('compare_open_title')}
          onClick={() => props.onCompare(!props.comparing)}
        >
          {t('compare_open')}
        </button>
        <span class="spacer" />
        {props.answering ? (
          <button type="button" class="stop" data-testid="stop" title={t('stop_title')} onClick={props.onStop}>
            {t('stop')}
          </button>
        ) : props.comparing ? (
          <button type="submit" data-testid="compare-send">
            {t('compare_send')}
          </button>
        ) : (
          <button type="submit" data-testid="send">
            {t('send')}
          </button>
        )}
      </div>
    </form>
  );
}
