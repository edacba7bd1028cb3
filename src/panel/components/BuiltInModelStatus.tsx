/**
 * Settings' section for the browser's own model (shown when "Chrome built-in AI" is chosen):
 * whether it can run here, honestly. Available; downloadable, with a Download button (the
 * download must start from the user's click, so the panel, not the background, calls
 * `create()`); downloading, with a progress bar; or unavailable, with the reason.
 *
 * The status is read in the panel, a window where Chrome exposes the API just as in the
 * background worker that runs the answers (src/shared/on-device-ai.ts says where it lives).
 */
import { useEffect, useState } from 'preact/hooks';
import {
  downloadModel,
  chromeMajorVersion,
  readOnDeviceStatus,
  type OnDeviceScope,
  type OnDeviceStatus,
} from '../../shared/on-device-ai.ts';
import { t, uiLocale } from '../i18n/index.ts';

/** While a download runs elsewhere (another panel), how often to look again. */
const POLL_MS = 5000;

function percentText(fraction: number): string {
  try {
    return fraction.toLocaleString(uiLocale(), { style: 'percent', maximumFractionDigits: 0 });
  } catch {
    return `${Math.round(fraction * 100)}%`;
  }
}

function unavailableText(status: Extract<OnDeviceStatus, { state: 'unavailable' }>, userAgent: string | undefined): string {
  switch (status.reason) {
    case 'no-api':
      return t('builtin_unavailable_no_api');
    case 'old-chrome':
      return t('builtin_unavailable_old_chrome', { version: String(chromeMajorVersion(userAgent) ?? '') });
    case 'device':
      return t('builtin_unavailable_device');
    case 'error':
      return t('builtin_unavailable_error');
  }
}

export function BuiltInModelStatus(props: { scope?: OnDeviceScope }) {
  const scope = props.scope ?? globalThis;
  const [status, setStatus] = useState<OnDeviceStatus | null>(null);
  /** Our own download's progress (0–1); null when we are not downloading or it is unknown. */
  const [progress, setProgress] = useState<number | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    const read = () => void readOnDeviceStatus(scope).then((next) => live && setStatus(next));
    read();
    return () => {
      live = false;
    };
  }, [scope]);

  // A download started by another panel: look again until it ends.
  useEffect(() => {
    if (status?.state !== 'downloading' || progress !== null) return;
    const timer = setInterval(() => void readOnDeviceStatus(scope).then(setStatus), POLL_MS);
    return () => clearInterval(timer);
  }, [status?.state, progress, scope]);

  const download = () => {
    setFailure(null);
    setProgress(0);
    setStatus({ state: 'downloading' });
    // Called within the click: Chrome starts a download only with the user's gesture.
    downloadModel(scope, setProgress)
      .catch((cause: unknown) => setFailure(cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)))
      .finally(() => {
        setProgress(null);
        void readOnDeviceStatus(scope).then(setStatus);
      });
  };

  const state = status?.state ?? 'checking';
  return (
    <div
      class="builtin-status"
      data-testid="builtin-status"
      data-state={state}
      data-reason={status?.state === 'unavailable' ? status.reason : undefined}
      role="status"
    >
      {status === null && <p class="muted small">{t('builtin_checking')}</p>}
      {status?.state === 'available' && <p class="small">{t('builtin_available')}</p>}
      {status?.state === 'downloadable' && (
        <>
          <p class="small">{t('builtin_downloadable')}</p>
          <button type="button" data-testid="builtin-download" onClick={download}>
            {t('builtin_download')}
          </button>
        </>
      )}
      {status?.state === 'downloading' && (
        <>
          <p class="small">
            {progress === null ? t('builtin_downloading_unknown') : t('builtin_downloading', { percent: percentText(progress) })}
          </p>
          <progress data-testid="builtin-progress" max={1} {...(progress === null ? {} : { value: progress })} />
        </>
      )}
      {status?.state === 'unavailable' && <p class="small">{unavailableText(status, scope.navigator?.userAgent)}</p>}
      {failure !== null && (
        <p class="small" role="alert" data-testid="builtin-download-failed">
          {t('builtin_download_failed')} <span class="muted">{failure}</span>
        </p>
      )}
    </div>
  );
}
