/**
 * Stream details for one answer: the numbers, the gaps between tokens with a sparkline, the
 * request as sent (key masked), the merged result, and the timeline of raw SSE events with a
 * type filter and search. "Download .sse" saves the body as received (replayable into the
 * parser); "Copy as cURL" gives the request with the key as a shell variable.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { StreamDetails } from '../../messaging/protocol.ts';
import { gapStats } from '../../shared/answer-metrics.ts';
import { AnswerNumbers, formatDuration } from '../components/AnswerNumbers.tsx';
import { CopyButton } from '../components/CopyButton.tsx';
import { formatBytes, formatNumber, t } from '../i18n/index.ts';
import type { AssistantTurn } from '../state.ts';
import { curlCommand } from './curl.ts';
import { sparklinePoints } from './sparkline.ts';
import { eventTypes, filterEvents, groupRuns, prettyPayload, utf8Length, type EventRun } from './timeline.ts';
import { ExtractionNote, useCompiledFormat } from '../custom/Extraction.tsx';
import { explainEvents, type CompiledFormat, type EventExplanation } from '../../providers/custom-extract.ts';

export interface StreamDetailsProps {
  turn: AssistantTurn | null;
  status: 'loading' | 'ready';
  details: StreamDetails | null;
  onClose(): void;
}

const SPARK_WIDTH = 240;
const SPARK_HEIGHT = 32;

function Sparkline({ gaps }: { gaps: readonly number[] }) {
  if (gaps.length < 2) return null;
  return (
    <svg
      class="sparkline"
      data-testid="details-sparkline"
      viewBox={`0 0 ${SPARK_WIDTH} ${SPARK_HEIGHT}`}
      width={SPARK_WIDTH}
      height={SPARK_HEIGHT}
      role="img"
      aria-label={t('details_sparkline_label')}
    >
      <polyline points={sparklinePoints(gaps, SPARK_WIDTH, SPARK_HEIGHT)} fill="none" stroke="currentColor" stroke-width="1" />
    </svg>
  );
}

/** A link to the body as a file: made when the view opens, let go when it closes. */
function DownloadSse({ sse, name }: { sse: string; name: string }) {
  const [href, setHref] = useState<string | null>(null);
  useEffect(() => {
    const url = URL.createObjectURL(new Blob([sse], { type: 'text/event-stream' }));
    setHref(url);
    return () => URL.revokeObjectURL(url);
  }, [sse]);
  if (!href) return null;
  return (
    <a class="button ghost small-button" data-testid="download-sse" href={href} download={name}>
      {t('details_download_sse')}
    </a>
  );
}

/** A custom endpoint's answer: what the reading took from each event (by the event's index). */
interface Extraction {
  format: CompiledFormat;
  explanations: readonly EventExplanation[];
}

function RunRow({
  run,
  open,
  onToggle,
  extraction,
}: {
  run: EventRun;
  open: boolean;
  onToggle(): void;
  extraction: Extraction | null;
}) {
  const first = run.events[0]!;
  const bytes = run.events.reduce((sum, event) => sum + utf8Length(event.data), 0);
  return (
    <li class="details-run" data-testid="details-run" data-type={run.type} data-count={run.events.length}>
      <button type="button" class="ghost details-run-head" aria-expanded={open} onClick={onToggle}>
        <span class="details-offset">{t('details_offset', { ms: first.atMs })}</span> <code>{run.type}</code>
        {run.events.length > 1 && <span> × {formatNumber(run.events.length)}</span>}
        <span class="muted"> · {t('details_bytes', { count: bytes })}</span>
      </button>
      {open && (
        <ol class="details-events">
          {run.events.map((event) => (
            <li key={event.index} data-testid="details-event">
              <details>
                <summary>
                  <span class="details-offset">{t('details_offset', { ms: event.atMs })}</span> <code>{run.type}</code>
                  <span class="muted"> · {t('details_bytes', { count: utf8Length(event.data) })}</span>
                </summary>
                <pre class="details-payload">{prettyPayload(event.data)}</pre>
              </details>
              {extraction && <ExtractionNote explanation={extraction.explanations[event.index]} format={extraction.format} />}
            </li>
          ))}
        </ol>
      )}
    </li>
  );
}

function Timeline({ details, extraction }: { details: StreamDetails; extraction: Extraction | null }) {
  const [type, setType] = useState('');
  const [query, setQuery] = useState('');
  const [openRuns, setOpenRuns] = useState<ReadonlySet<number>>(new Set());
  const types = useMemo(() => eventTypes(details.events), [details]);
  const shown = useMemo(() => filterEvents(details.events, type, query), [details, type, query]);
  const runs = useMemo(() => groupRuns(shown), [shown]);
  const toggle = (at: number) =>
    setOpenRuns((open) => {
      const next = new Set(open);
      if (!next.delete(at)) next.add(at);
      return next;
    });
  return (
    <section class="details-section" aria-labelledby="details-timeline-title">
      <h3 id="details-timeline-title">{t('details_timeline')}</h3>
      <div class="row details-filters">
        <label>
          {t('details_filter_type')}{' '}
          <select
            data-testid="details-filter"
            value={type}
            onChange={(event) => {
              setType((event.target as HTMLSelectElement).value);
              setOpenRuns(new Set());
            }}
          >
            <option value="">{t('details_filter_all')}</option>
            {types.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <input
          type="search"
          data-testid="details-search"
          placeholder={t('details_search')}
          aria-label={t('details_search')}
          value={query}
          onInput={(event) => {
            setQuery((event.target as HTMLInputElement).value);
            setOpenRuns(new Set());
          }}
        />
      </div>
      <p class="muted small" data-testid="details-event-count" data-count={shown.length} data-total={details.events.length}>
        {t('details_event_count', { count: shown.length, total: details.events.length })}
        {details.eventsDropped > 0 && ` ${t('details_events_dropped', { count: details.eventsDropped })}`}
      </p>
      <ol class="details-runs">
        {runs.map((run) => {
          const at = run.events[0]!.index;
          return <RunRow key={at} run={run} open={openRuns.has(at)} onToggle={() => toggle(at)} extraction={extraction} />;
        })}
      </ol>
    </section>
  );
}

function Merged({ turn }: { turn: AssistantTurn }) {
  return (
    <section class="details-section" data-testid="details-merged" aria-labelledby="details-merged-title">
      <h3 id="details-merged-title">{t('details_merged')}</h3>
      {turn.thinking && (
        <details>
          <summary>{t('details_thinking')}</summary>
          <pre class="details-payload">{turn.thinking}</pre>
        </details>
      )}
      <pre class="details-payload" data-testid="details-merged-text">
        {turn.text}
      </pre>
      {turn.toolCalls?.map((call) => (
        <details key={call.index}>
          <summary>
            {t('tool_call')}: <code>{call.name}</code>
          </summary>
          <pre class="details-payload">{prettyPayload(call.json)}</pre>
        </details>
      ))}
      {turn.usage && <pre class="details-payload">{JSON.stringify(turn.usage, null, 2)}</pre>}
    </section>
  );
}

/**
 * The extraction of a custom answer, read again here from the kept events with the rules the
 * background used. When the ring dropped the oldest events, the reading starts at the first
 * kept one (a cumulative stream's first kept event then counts as all new).
 */
function useExtraction(details: StreamDetails | null): { extraction: Extraction | null; unreadable: boolean } {
  const compiled = useCompiledFormat(details?.customReading ?? null);
  return useMemo(() => {
    if (!details || !compiled) return { extraction: null, unreadable: false };
    if (!compiled.ok) return { extraction: null, unreadable: true };
    return { extraction: { format: compiled.format, explanations: explainEvents(details.events, compiled.format) }, unreadable: false };
  }, [details, compiled]);
}

function ExtractionSummary({ extraction, total }: { extraction: Extraction; total: number }) {
  const count = extraction.explanations.filter((e) => e.text !== '' || e.reasoning !== '').length;
  return (
    <p class="small" data-testid="details-extraction-summary" data-count={count} data-total={total}>
      {t('details_extraction_summary', { count, total })}
    </p>
  );
}

export function StreamDetailsView(props: StreamDetailsProps) {
  const { turn, details } = props;
  const { extraction, unreadable } = useExtraction(details);
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => close.current?.focus(), []);
  const stats = details ? gapStats(details.gaps) : null;
  return (
    <section class="stream-details" data-testid="stream-details-view" aria-labelledby="details-title">
      <header class="row details-header">
        <h2 id="details-title">{t('details_title')}</h2>
        <button ref={close} type="button" class="ghost" data-testid="details-close" onClick={props.onClose}>
          {t('details_close')}
        </button>
      </header>
      {props.status === 'loading' ? (
        <p class="muted">{t('connecting')}</p>
      ) : !details || !turn ? (
        <p class="muted" data-testid="details-gone">
          {t('details_gone')}
        </p>
      ) : (
        <>
          {turn.metrics && <AnswerNumbers turn={turn} metrics={turn.metrics} />}
          {stats && (
            <p class="small" data-testid="details-gaps">
              {t('details_gaps', {
                median: formatDuration(stats.medianMs),
                p95: formatDuration(stats.p95Ms),
                max: formatDuration(stats.maxMs),
              })}
            </p>
          )}
          <Sparkline gaps={details.gaps} />
          <div class="row">
            <DownloadSse sse={details.sse} name={`aside-${turn.requestId}.sse`} />
            {details.request && (
              <CopyButton
                label={t('details_copy_curl')}
                title={t('details_copy_curl_title', { placeholder: '$ASIDE_API_KEY' })}
                testId="copy-curl"
                text={() => curlCommand(details.request!)}
              />
            )}
          </div>
          {details.sseBytesDropped > 0 && (
            <p class="muted small" data-testid="details-sse-dropped">
              {t('details_sse_dropped', { count: details.sseBytesDropped, kept: formatBytes(utf8Length(details.sse)) })}
            </p>
          )}
          {details.request && (
            <details class="details-section" data-testid="details-request">
              <summary>{t('details_request')}</summary>
              <p>
                <code>
                  {details.request.method} {details.request.url}
                </code>
              </p>
              <ul class="details-headers">
                {details.request.headers.map(([name, value]) => (
                  <li key={name}>
                    <code>
                      {name}: {value}
                    </code>
                  </li>
                ))}
              </ul>
              <pre class="details-payload">{prettyPayload(details.request.body)}</pre>
            </details>
          )}
          <Merged turn={turn} />
          {extraction && <ExtractionSummary extraction={extraction} total={details.events.length} />}
          {unreadable && <p class="muted small">{t('details_extraction_unreadable')}</p>}
          <Timeline details={details} extraction={extraction} />
        </>
      )}
    </section>
  );
}
