import type { UserError } from '../../messaging/protocol.ts';
import { errorText, t } from '../i18n/index.ts';

const FIX_LABELS = {
  settings: () => t('open_settings'),
  retry: () => t('retry'),
  'grant-page-access': () => t('allow_reading_pages'),
} satisfies Record<NonNullable<UserError['fix']>, () => string>;

/** The sentence for an error, and under it, small and as it came, the provider's own words. */
export function ErrorDetails({ error }: { error: UserError }) {
  return (
    <>
      <p class="error-message">{errorText(error)}</p>
      {error.detail && <p class="error-detail">{error.detail}</p>}
    </>
  );
}

export function NoticeBanner(props: { error: UserError; onDismiss(): void; onFix(fix: NonNullable<UserError['fix']>): void }) {
  const { error } = props;
  const fix = error.fix && error.fix !== 'retry' ? error.fix : undefined;
  return (
    <div class="notice" role="alert" data-testid="notice" data-code={error.code}>
      <ErrorDetails error={error} />
      <div class="row">
        {fix && (
          <button type="button" data-testid="notice-fix" onClick={() => props.onFix(fix)}>
            {FIX_LABELS[fix]()}
          </button>
        )}
        <button type="button" class="ghost" data-testid="notice-dismiss" onClick={props.onDismiss}>
          {t('dismiss')}
        </button>
      </div>
    </div>
  );
}
