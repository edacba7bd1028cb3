import { useEffect, useRef, useState } from 'preact/hooks';
import { copyText } from '../clipboard.ts';
import { t } from '../i18n/index.ts';

/** A button that copies what `text()` returns (or resolves to), then says for a moment whether it worked. */
export function CopyButton(props: { label: string; title: string; testId: string; text(): string | Promise<string> }) {
  const [result, setResult] = useState<'copied' | 'failed' | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => void (timer.current !== null && clearTimeout(timer.current)), []);
  const onClick = () => {
    void Promise.resolve()
      .then(props.text)
      .then(copyText, () => false)
      .then((ok) => {
        setResult(ok ? 'copied' : 'failed');
        if (timer.current !== null) clearTimeout(timer.current);
        timer.current = setTimeout(() => setResult(null), 1500);
      });
  };
  const said = result === 'copied' ? t('copied') : result === 'failed' ? t('copy_failed') : '';
  return (
    <>
      <button type="button" class="ghost small-button" data-testid={props.testId} title={props.title} onClick={onClick}>
        {said || props.label}
      </button>
      {/* The label change alone is not announced by every screen reader. */}
      <span class="visually-hidden" role="status">
        {said}
      </span>
    </>
  );
}
