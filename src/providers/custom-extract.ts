/**
 * Reading a custom SSE endpoint's events: what each event gives (text, reasoning, a finish,
 * usage, an error, the end), and why an event gave no text. Pure, and the one reading of
 * these rules: the background's stream (custom.ts), the settings form's live preview and
 * the stream details view's extraction column all run it.
 *
 * Rules, in order, for each SSE event:
 * 1. data equal to `doneData` (default `[DONE]`, surrounding whitespace ignored) is the end
 *    marker: `done`, stop reading. It is recognised in events of any type and in every mode.
 * 2. With `eventType` set, events of other types are skipped (except `event: error`).
 *    SSE events without an `event:` line have the type "message".
 * 3. By `dataMode`:
 *    - `json` (the default): data that is not JSON gives one malformed-stream error and
 *      reading stops. An error event (`event: error`, or JSON with an `error` member) gives
 *      `error` and reading stops. The string at `reasoningPath` is thinking, at `textPath`
 *      text (json-path.ts: dot paths or JSONPath); a missing path or a non-string value
 *      gives nothing.
 *    - `text`: the data is the text as it is (several `data:` lines joined by "\n").
 *    - `regex`: capture group `text`, else group 1, of the first match of `pattern` in the
 *      data (at most MAX_REGEX_INPUT_CHARS of it: see limits.ts) is the text.
 *    In `text` and `regex` mode an `event: error` gives `error` with its data as the message.
 * 4. `textMode: 'cumulative'`: each event repeats the whole text so far, so only the new
 *    suffix is emitted. An event whose text is a prefix of what was already emitted (a
 *    repeat) emits nothing. An event whose text rewrites what was already emitted cannot be
 *    shown faithfully (text already shown cannot be taken back), so the stream stops there
 *    with a `cumulative_text_rewritten` error; the part shown so far is kept.
 * 5. JSON mode only: a finish, a `finish_reason` (or `finishReason`) string other than ""
 *    and "null" (DashScope sends the string "null" while generating) on the event's root
 *    object or on any object along `textPath` → `stop` with that reason; a root `usage`
 *    object (`input_tokens`/`output_tokens` or `prompt_tokens`/`completion_tokens`) → usage.
 * 6. The path (json) or the pattern (regex) found text in no event of the whole answer,
 *    though events came: instead of ending normally, the stream ends with a
 *    `custom_path_matched_nothing` / `custom_pattern_matched_nothing` error naming it, so
 *    the panel says why the answer is empty (any reasoning that came is kept).
 *
 * Completeness: the stream is complete when the done marker arrives, or, for formats
 * without one (DashScope), when the body ends normally after an event carried a finish
 * (rule 5). A body that ends without either is incomplete (truncated).
 */
import type { CustomDataMode, CustomReading } from '../shared/custom-endpoint.ts';
import type { ErrorCode } from '../shared/errors.ts';
import { MAX_ERROR_PARAM_CHARS, MAX_REGEX_INPUT_CHARS } from '../shared/limits.ts';
import type { SseEvent } from '../sse/index.ts';
import { formatPath, lookup, parsePath, type PathError, type PathSegment, type PathSyntax } from './json-path.ts';
import { mapOpenAIUsage, streamErrorOf } from './stream-fields.ts';
import type { ChatDelta, ChatUsage, StreamFormat } from './types.ts';

/** Where the text is in a custom endpoint's events (StreamFormat's custom variant). */
export type CustomStreamFormat = Omit<Extract<StreamFormat, { kind: 'custom' }>, 'kind'>;

/** Text already shown cannot be taken back: the stream stops with this error. */
export const CUMULATIVE_REWRITE_ERROR = { type: 'cumulative_text_rewritten', message: '' };
/** Rule 6: the message is the path or the pattern. */
export const PATH_MATCHED_NOTHING = 'custom_path_matched_nothing';
export const PATTERN_MATCHED_NOTHING = 'custom_pattern_matched_nothing';

/**
 * How the stream is read, from the endpoint's settings (the background's call and the
 * panel's re-reading agree): empty optional fields are left out, so an empty end marker
 * is the default `[DONE]`.
 */
export function streamFormatOf(endpoint: CustomReading): CustomStreamFormat {
  return {
    ...(endpoint.dataMode !== 'json' ? { dataMode: endpoint.dataMode } : {}),
    textPath: endpoint.textPath,
    ...(endpoint.dataMode === 'regex' ? { pattern: endpoint.pattern } : {}),
    ...(endpoint.reasoningPath ? { reasoningPath: endpoint.reasoningPath } : {}),
    textMode: endpoint.textMode,
    ...(endpoint.doneData ? { doneData: endpoint.doneData } : {}),
    ...(endpoint.eventType ? { eventType: endpoint.eventType } : {}),
  };
}

/** Rule 6's error as an error code and params (the panel's words name the path or pattern). */
export function matchedNothingError(error: { type: string; message: string }): {
  code: 'custom-nothing-extracted';
  params: { mode: 'json' | 'regex'; where: string };
} | null {
  if (error.type !== PATH_MATCHED_NOTHING && error.type !== PATTERN_MATCHED_NOTHING) return null;
  return {
    code: 'custom-nothing-extracted',
    params: { mode: error.type === PATH_MATCHED_NOTHING ? 'json' : 'regex', where: error.message.slice(0, MAX_ERROR_PARAM_CHARS) },
  };
}

// ---------------------------------------------------------------------------------------
// The format, checked
// ---------------------------------------------------------------------------------------

interface CompiledPath {
  source: string;
  syntax: PathSyntax;
  segments: PathSegment[];
}

export interface CompiledFormat {
  mode: CustomDataMode;
  text: CompiledPath;
  reasoning: CompiledPath | null;
  regex: RegExp | null;
  /** Which capture is the text: the named group, or group 1. */
  group: 'text' | 1;
  cumulative: boolean;
  doneData: string;
  eventType: string | null;
}

/** Why a format cannot be read, by field: the settings form shows it at that field. */
export type FormatProblem =
  | { field: 'text-path' | 'reasoning-path'; error: PathError }
  | { field: 'pattern'; error: { kind: 'missing' } | { kind: 'no-group' } | { kind: 'syntax'; message: string } };

/** A problem as an error code and its params (and the engine's words as detail). */
export function formatProblemError(problem: FormatProblem): {
  code: ErrorCode;
  params: Record<string, string | number>;
  detail?: string;
} {
  if (problem.field === 'pattern') {
    const { error } = problem;
    if (error.kind === 'missing') return { code: 'custom-pattern-missing', params: {} };
    if (error.kind === 'no-group') return { code: 'custom-pattern-group', params: {} };
    return { code: 'custom-pattern-invalid', params: {}, detail: error.message };
  }
  const { error, field } = problem;
  return error.kind === 'unsupported'
    ? { code: 'custom-path-unsupported', params: { field, token: error.token, column: error.column } }
    : { code: 'custom-path-syntax', params: { field, column: error.column } };
}

function compilePath(source: string, field: 'text-path' | 'reasoning-path'): CompiledPath | FormatProblem {
  const parsed = parsePath(source);
  if (!parsed.ok) return { field, error: parsed.error };
  return { source: source.trim(), syntax: parsed.syntax, segments: parsed.segments };
}

/** The regular expression of regex mode, or what is wrong with it. Unicode mode, no flags. */
export function compilePattern(pattern: string): { regex: RegExp; group: 'text' | 1 } | FormatProblem {
  if (pattern === '') return { field: 'pattern', error: { kind: 'missing' } };
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, 'u');
  } catch (error) {
    return { field: 'pattern', error: { kind: 'syntax', message: error instanceof Error ? error.message : String(error) } };
  }
  // With an empty alternative the pattern matches "", and the match lists every group.
  const groups = new RegExp(`${pattern}|`, 'u').exec('');
  if (!groups || groups.length < 2) return { field: 'pattern', error: { kind: 'no-group' } };
  return { regex, group: groups.groups && Object.hasOwn(groups.groups, 'text') ? 'text' : 1 };
}

const isProblem = (value: object): value is FormatProblem => 'field' in value;

/** The format with its paths parsed and its pattern compiled, or the first problem. */
export function compileFormat(
  format: CustomStreamFormat,
): { ok: true; format: CompiledFormat } | { ok: false; problem: FormatProblem } {
  const mode = format.dataMode ?? 'json';
  // Only json mode reads the paths: another mode keeps what was typed there, unchecked.
  const text = mode === 'json' ? compilePath(format.textPath, 'text-path') : { source: '', syntax: 'dot' as const, segments: [] };
  if (isProblem(text)) return { ok: false, problem: text };
  const reasoning = mode === 'json' && format.reasoningPath?.trim() ? compilePath(format.reasoningPath, 'reasoning-path') : null;
  if (reasoning && isProblem(reasoning)) return { ok: false, problem: reasoning };
  let regex: RegExp | null = null;
  let group: 'text' | 1 = 1;
  if (mode === 'regex') {
    const compiled = compilePattern(format.pattern ?? '');
    if (isProblem(compiled)) return { ok: false, problem: compiled };
    ({ regex, group } = compiled);
  }
  return {
    ok: true,
    format: {
      mode,
      text,
      reasoning,
      regex,
      group,
      cumulative: format.textMode === 'cumulative',
      doneData: (format.doneData ?? '[DONE]').trim(),
      eventType: format.eventType ? format.eventType : null,
    },
  };
}

// ---------------------------------------------------------------------------------------
// One event
// ---------------------------------------------------------------------------------------

/** Why an event gave no text (or reasoning). */
export type Miss =
  /** JSON: the path stopped after `reached` (the steps that were found, "" for none). */
  | { kind: 'not-found'; reached: string }
  /** JSON: the path holds something other than a string. */
  | { kind: 'not-string'; type: 'number' | 'boolean' | 'null' | 'object' | 'array' }
  /** regex: no match in the data (`cut`: only its first MAX_REGEX_INPUT_CHARS were searched). */
  | { kind: 'no-match'; cut: boolean }
  /** regex: it matched, but the text group took no part. */
  | { kind: 'group-unset' };

export type Found = { ok: true; value: string } | { ok: false; miss: Miss };

/** What the rules made of one event (before the cumulative rule). */
export type EventReading =
  | { kind: 'done' }
  | { kind: 'skipped'; type: string }
  | { kind: 'malformed' }
  | { kind: 'error'; error: { type: string; message: string } }
  | { kind: 'content'; text: Found; reasoning: Found | null; finish: string | null; usage: ChatUsage | null };

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object';

function finishReasonOf(value: Record<string, unknown>): string | null {
  const reason = value.finish_reason ?? value.finishReason;
  return typeof reason === 'string' && reason !== '' && reason !== 'null' ? reason : null;
}

/** A finish found on the root object or any object along the path (the deepest wins). */
function findFinish(root: unknown, path: readonly PathSegment[]): string | null {
  let found: string | null = null;
  let v = root;
  for (let i = 0; ; i++) {
    if (isObject(v) && !Array.isArray(v)) found = finishReasonOf(v) ?? found;
    if (i >= path.length) break;
    const next = lookup(v, [path[i]!]);
    if (!next.found || next.value === undefined) break;
    v = next.value;
  }
  return found;
}

function mapGenericUsage(usage: unknown): ChatUsage | null {
  if (!isObject(usage)) return null;
  const out = mapOpenAIUsage(usage) ?? {};
  if (out.inputTokens === undefined && typeof usage.input_tokens === 'number') out.inputTokens = usage.input_tokens;
  if (out.outputTokens === undefined && typeof usage.output_tokens === 'number') out.outputTokens = usage.output_tokens;
  const inputDetails = usage.input_tokens_details;
  if (out.cacheReadTokens === undefined && isObject(inputDetails) && typeof inputDetails.cached_tokens === 'number') {
    out.cacheReadTokens = inputDetails.cached_tokens;
  }
  const outputDetails = usage.output_tokens_details;
  if (out.reasoningTokens === undefined && isObject(outputDetails) && typeof outputDetails.reasoning_tokens === 'number') {
    out.reasoningTokens = outputDetails.reasoning_tokens;
  }
  return Object.keys(out).length > 0 ? out : null;
}

function errorOf(json: unknown, eventType: string): { type: string; message: string } | null {
  const root = isObject(json) ? json : null;
  let error: unknown = root?.error;
  if (!(isObject(error) || (typeof error === 'string' && error !== ''))) {
    if (eventType !== 'error') return null;
    error = json;
  }
  return streamErrorOf(error);
}

function typeName(value: unknown): Extract<Miss, { kind: 'not-string' }>['type'] {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const type = typeof value;
  return type === 'number' || type === 'boolean' ? type : 'object';
}

function atPath(json: unknown, path: CompiledPath): Found {
  const found = lookup(json, path.segments);
  if (!found.found) return { ok: false, miss: { kind: 'not-found', reached: formatPath(path.syntax, path.segments, found.depth) } };
  if (typeof found.value !== 'string') return { ok: false, miss: { kind: 'not-string', type: typeName(found.value) } };
  return { ok: true, value: found.value };
}

function byPattern(data: string, format: CompiledFormat): Found {
  // Bounded input: see MAX_REGEX_INPUT_CHARS.
  const cut = data.length > MAX_REGEX_INPUT_CHARS;
  const match = format.regex!.exec(cut ? data.slice(0, MAX_REGEX_INPUT_CHARS) : data);
  if (!match) return { ok: false, miss: { kind: 'no-match', cut } };
  const value = format.group === 'text' ? match.groups?.text : match[1];
  return value === undefined ? { ok: false, miss: { kind: 'group-unset' } } : { ok: true, value };
}

/** What the rules make of one event, before the cumulative rule (which needs the events before it). */
export function readEvent(event: Pick<SseEvent, 'event' | 'data'>, format: CompiledFormat): EventReading {
  if (format.doneData !== '' && event.data.trim() === format.doneData) return { kind: 'done' };
  if (format.eventType !== null && event.event !== format.eventType && event.event !== 'error') {
    return { kind: 'skipped', type: event.event };
  }
  if (format.mode !== 'json') {
    if (event.event === 'error') return { kind: 'error', error: { type: 'error', message: event.data.slice(0, 500) } };
    const text: Found = format.mode === 'text' ? { ok: true, value: event.data } : byPattern(event.data, format);
    return { kind: 'content', text, reasoning: null, finish: null, usage: null };
  }
  let json: unknown;
  try {
    json = JSON.parse(event.data);
  } catch {
    return { kind: 'malformed' };
  }
  const error = errorOf(json, event.event);
  if (error) return { kind: 'error', error };
  return {
    kind: 'content',
    text: atPath(json, format.text),
    reasoning: format.reasoning ? atPath(json, format.reasoning) : null,
    finish: findFinish(json, format.text.segments),
    usage: isObject(json) ? mapGenericUsage(json.usage) : null,
  };
}

// ---------------------------------------------------------------------------------------
// A stream of events
// ---------------------------------------------------------------------------------------

export interface CustomStep {
  reading: EventReading;
  /** The deltas the event gives, after the cumulative rule; 'malformed' ends reading. */
  deltas: ChatDelta[] | 'malformed';
}

export interface CustomReader {
  step(event: Pick<SseEvent, 'event' | 'data'>): CustomStep;
  /** The body ended without an end marker or error: `done` if a finish was seen. */
  end(): ChatDelta[];
}

/** Reads one stream's events in order (stateful: the cumulative rule and rule 6). */
export function createCustomReader(format: CompiledFormat): CustomReader {
  let finished = false;
  let shownText = '';
  let shownReasoning = '';
  /** Rule 6: content events seen, and whether the text path or pattern ever found text. */
  let contentEvents = 0;
  let textFound = false;

  /** The new part of a cumulative value; null when it rewrites what was shown. */
  const suffix = (value: string, shown: string): { next: string; add: string } | null => {
    if (value.startsWith(shown)) return { next: value, add: value.slice(shown.length) };
    return shown.startsWith(value) ? { next: shown, add: '' } : null;
  };

  /** Rule 6, where the stream would otherwise end well. */
  const matchedNothing = (): ChatDelta | null => {
    if (textFound || contentEvents === 0 || format.mode === 'text') return null;
    return format.mode === 'json'
      ? { type: 'error', error: { type: PATH_MATCHED_NOTHING, message: format.text.source || '$' } }
      : { type: 'error', error: { type: PATTERN_MATCHED_NOTHING, message: format.regex!.source } };
  };

  return {
    step(event) {
      const reading = readEvent(event, format);
      switch (reading.kind) {
        case 'done': {
          const nothing = matchedNothing();
          return { reading, deltas: [nothing ?? { type: 'done' }] };
        }
        case 'skipped':
          return { reading, deltas: [] };
        case 'malformed':
          return { reading, deltas: 'malformed' };
        case 'error':
          return { reading, deltas: [{ type: 'error', error: reading.error }] };
        case 'content':
          break;
      }
      contentEvents++;
      const out: ChatDelta[] = [];
      if (reading.reasoning?.ok && reading.reasoning.value !== '') {
        const value = reading.reasoning.value;
        if (!format.cumulative) out.push({ type: 'thinking', text: value });
        else {
          const next = suffix(value, shownReasoning);
          if (!next) return { reading, deltas: [...out, { type: 'error', error: CUMULATIVE_REWRITE_ERROR }] };
          shownReasoning = next.next;
          if (next.add !== '') out.push({ type: 'thinking', text: next.add });
        }
      }
      if (reading.text.ok) {
        textFound = true;
        const value = reading.text.value;
        if (value !== '') {
          if (!format.cumulative) out.push({ type: 'text', text: value });
          else {
            const next = suffix(value, shownText);
            if (!next) return { reading, deltas: [...out, { type: 'error', error: CUMULATIVE_REWRITE_ERROR }] };
            shownText = next.next;
            if (next.add !== '') out.push({ type: 'text', text: next.add });
          }
        }
      }
      if (reading.usage) out.push({ type: 'usage', usage: reading.usage });
      if (reading.finish !== null) {
        finished = true;
        out.push({ type: 'stop', reason: reading.finish });
      }
      return { reading, deltas: out };
    },
    end() {
      if (!finished) return [];
      const nothing = matchedNothing();
      return [nothing ?? { type: 'done' }];
    },
  };
}

// ---------------------------------------------------------------------------------------
// Explaining it (the details view and the settings form's preview)
// ---------------------------------------------------------------------------------------

/** What one event gave, for a person setting up an endpoint. */
export interface EventExplanation {
  reading: EventReading;
  /** The text and reasoning it added to the answer (after the cumulative rule). */
  text: string;
  reasoning: string;
  /** It ended the answer here, with this error (null: it did not). */
  error: { type: string; message: string } | null;
}

/** Each event's extraction, in order, as the stream read it (the events after an end are not read). */
export function explainEvents(events: readonly Pick<SseEvent, 'event' | 'data'>[], format: CompiledFormat): EventExplanation[] {
  const reader = createCustomReader(format);
  const out: EventExplanation[] = [];
  for (const event of events) {
    const { reading, deltas } = reader.step(event);
    let text = '';
    let reasoning = '';
    let error: EventExplanation['error'] = null;
    let ended = deltas === 'malformed';
    for (const delta of deltas === 'malformed' ? [] : deltas) {
      if (delta.type === 'text') text += delta.text;
      else if (delta.type === 'thinking') reasoning += delta.text;
      else if (delta.type === 'error') {
        error = delta.error;
        ended = true;
      } else if (delta.type === 'done') ended = true;
    }
    out.push({ reading, text, reasoning, error });
    if (ended) break;
  }
  return out;
}
