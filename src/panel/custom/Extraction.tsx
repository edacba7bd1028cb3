/**
 * What a custom endpoint's reading took from each event, in words: the stream details view
 * shows it beside every event of a custom answer, and the settings form's "Try an event"
 * shows it for a pasted sample before anything is saved. Both read the events with the same
 * pure rules as the background (src/providers/custom-extract.ts).
 */
import { useMemo } from 'preact/hooks';
import {
  compileFormat,
  explainEvents,
  formatProblemError,
  matchedNothingError,
  streamFormatOf,
  type CompiledFormat,
  type EventExplanation,
  type Miss,
} from '../../providers/custom-extract.ts';
import type { CustomReading } from '../../shared/custom-endpoint.ts';
import { userError } from '../../shared/errors.ts';
import { MAX_REGEX_INPUT_CHARS } from '../../shared/limits.ts';
import { errorText, t, tParts } from '../i18n/index.ts';
import { ErrorDetails } from '../components/NoticeBanner.tsx';
import { sampleEvents } from './sample.ts';

/** How much of a fragment is shown (the whole text is in the merged result). */
const FRAGMENT_CHARS = 200;

/** A fragment as a JSON string: quotes, spaces and line breaks are visible. */
function Fragment({ text }: { text: string }) {
  const shown = text.length > FRAGMENT_CHARS ? `${text.slice(0, FRAGMENT_CHARS)}…` : text;
  return <code class="extraction-fragment">{JSON.stringify(shown)}</code>;
}

/** Why nothing was taken, in words. */
function missText(miss: Miss, format: CompiledFormat): string {
  switch (miss.kind) {
    case 'not-found':
      return miss.reached === '' || miss.reached === '$'
        ? t('extraction_not_found_root')
        : t('extraction_not_found', { reached: miss.reached });
    case 'not-string':
      return t('extraction_not_string', { type: miss.type });
    case 'no-match':
      return miss.cut ? t('extraction_no_match_cut', { max: MAX_REGEX_INPUT_CHARS }) : t('extraction_no_match');
    case 'group-unset':
      return format.mode === 'regex' ? t('extraction_group_unset') : t('extraction_no_match');
  }
}

export type ExtractionState = 'text' | 'nothing' | 'end' | 'skipped' | 'error' | 'not-read';

/** The words for one event (and a state for styling and tests). */
export function extractionWords(
  explanation: EventExplanation | undefined,
  format: CompiledFormat,
): { state: ExtractionState; note: string | null; error: string | null } {
  if (!explanation) return { state: 'not-read', note: t('extraction_not_read'), error: null };
  const { reading } = explanation;
  const ended = explanation.error;
  const endedWords = ended
    ? errorText(
        matchedNothingError(ended) ??
          (ended.type === 'cumulative_text_rewritten' ? userError('text-rewritten') : userError('stream-error')),
      )
    : null;
  switch (reading.kind) {
    case 'done':
      return { state: ended ? 'error' : 'end', note: ended ? null : t('extraction_done'), error: endedWords };
    case 'skipped':
      return { state: 'skipped', note: t('extraction_skipped', { type: reading.type, wanted: format.eventType ?? '' }), error: null };
    case 'malformed':
      return { state: 'error', note: t('extraction_malformed'), error: null };
    case 'error':
      return {
        state: 'error',
        note: t('extraction_error'),
        error: [reading.error.type, reading.error.message].filter(Boolean).join(': '),
      };
    case 'content':
      break;
  }
  if (explanation.text !== '' || explanation.reasoning !== '') return { state: 'text', note: null, error: endedWords };
  let note: string;
  if (!reading.text.ok) note = missText(reading.text.miss, format);
  else if (reading.text.value !== '' && format.cumulative) note = t('extraction_repeat');
  else note = t('extraction_empty');
  return { state: ended ? 'error' : 'nothing', note, error: endedWords };
}

/** One event's extraction: the text and reasoning it added, or why it added none. */
export function ExtractionNote(props: { explanation: EventExplanation | undefined; format: CompiledFormat }) {
  const words = extractionWords(props.explanation, props.format);
  const { explanation } = props;
  return (
    <div class="extraction small" data-testid="extraction" data-state={words.state}>
      {explanation && explanation.reasoning !== '' && (
        <div data-testid="extraction-reasoning">
          {tParts('extraction_reasoning', { text: <Fragment text={explanation.reasoning} /> })}
        </div>
      )}
      {explanation && explanation.text !== '' && (
        <div data-testid="extraction-text">{tParts('extraction_text', { text: <Fragment text={explanation.text} /> })}</div>
      )}
      {words.note && <div class="muted">{words.note}</div>}
      {words.error && <div class="error-message">{words.error}</div>}
    </div>
  );
}

/** The endpoint's reading compiled as the background compiles it, remembered while it stays the same. */
export function useCompiledFormat(reading: CustomReading | null) {
  const key = reading ? JSON.stringify(reading) : '';
  return useMemo(() => (reading ? compileFormat(streamFormatOf(reading)) : null), [key]);
}

/**
 * The settings form's "Try an event": a sample pasted from the stream, and what the
 * settings as typed (not yet saved) take from each of its events.
 */
export function CustomSamplePreview(props: { format: CustomReading; sample: string; onSample(sample: string): void }) {
  const compiled = useCompiledFormat(props.format);
  const events = useMemo(() => sampleEvents(props.sample), [props.sample]);
  const explained = useMemo(() => (compiled?.ok ? explainEvents(events, compiled.format) : []), [compiled, events]);
  return (
    <div class="custom-sample">
      <label>
        <span>
          {t('field_sample')} <span class="muted">{t('hint_sample')}</span>
        </span>
        <textarea
          data-testid="custom-sample"
          rows={3}
          spellcheck={false}
          aria-label={t('sample_label')}
          value={props.sample}
          onInput={(event) => props.onSample(event.currentTarget.value)}
        />
      </label>
      {events.length > 0 && (
        <section data-testid="custom-sample-result" aria-label={t('sample_result')} aria-live="polite">
          {compiled && !compiled.ok ? (
            <div data-testid="custom-sample-problem">
              <ErrorDetails error={sampleProblem(compiled.problem)} />
            </div>
          ) : (
            compiled?.ok && (
              <ol class="extraction-list">
                {events.map((event, index) => (
                  <li key={index}>
                    <ExtractionNote explanation={explained[index]} format={compiled.format} />
                  </li>
                ))}
              </ol>
            )
          )}
        </section>
      )}
    </div>
  );
}

function sampleProblem(problem: Parameters<typeof formatProblemError>[0]) {
  const { code, params, detail } = formatProblemError(problem);
  return userError(code, { params, ...(detail !== undefined ? { detail } : {}) });
}
