import { t } from '../i18n/index.ts';

/**
 * Floats at the bottom of the conversation while the newest text is out of view: back to
 * the end, and following the answer again.
 */
export function JumpToLatest(props: { onJump(): void; onFocusAfterJump(): void }) {
  return (
    <div class="jump-dock">
      <button
        type="button"
        class="jump-to-latest"
        data-testid="jump-to-latest"
        onClick={(event) => {
          // The button goes away once at the end: keep a keyboard user's focus in the conversation.
          const hadFocus = event.currentTarget.ownerDocument.activeElement === event.currentTarget;
          props.onJump();
          if (hadFocus) props.onFocusAfterJump();
        }}
      >
        <span aria-hidden="true">↓ </span>
        {t('scroll_jump_to_latest')}
      </button>
    </div>
  );
}
