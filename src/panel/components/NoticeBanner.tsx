import type { UserError } from '../../messaging/protocol.ts';

const FIX_LABELS: Record<NonNullable<UserError['fix']>, string> = {
  settings: 'Open settings',
  retry: 'Retry',
  'grant-page-access': 'Allow reading pages',
};

export function ErrorDetails({ error }: { error: UserError }) {
  return (
    <>
      <p class="error-message">{error.message}</p>
      {error.detail && <p class="error-detail">{error.detail}</p>}
    </>
  );
}

export function NoticeBanner(props: {
  error: UserError;
  onDismiss(): void;
  onFix(fix: NonNullable<UserError['fix']>): void;
}) {
  const { error } = props;
  const fix = error.fix && error.fix !== 'retry' ? error.fix : undefined;
  return (
    <div class="notice" role="alert" data-testid="notice" data-code={error.code}>
      <ErrorDetails error={error} />
      <div class="row">
        {fix && (
          <button type="button" data-testid="notice-fix" onClick={() => props.onFix(fix)}>
            {FIX_LABELS[fix]}
          </button>
        )}
        <button type="button" class="ghost" onClick={props.onDismiss}>
          Dismiss
        </button>
      </div>
    </div>
  );
}
