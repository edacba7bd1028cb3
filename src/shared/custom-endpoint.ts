/**
 * A "Custom SSE" endpoint as the user describes it: how to call it and where the text is
 * in its events. One schema for the port, storage and the provider.
 */
import * as v from 'valibot';
import {
  MAX_CUSTOM_BODY_CHARS,
  MAX_CUSTOM_HEADERS_CHARS,
  MAX_CUSTOM_PATH_CHARS,
  MAX_CUSTOM_PATTERN_CHARS,
  MAX_URL_CHARS,
} from './limits.ts';

const field = (max: number) => v.pipe(v.string(), v.maxLength(max));

/** JSON and a path; the data line itself; a regular expression's capture. */
export const CUSTOM_DATA_MODES = ['json', 'text', 'regex'] as const;
export type CustomDataMode = (typeof CUSTOM_DATA_MODES)[number];

export const CustomEndpointSchema = v.object({
  url: field(MAX_URL_CHARS),
  method: v.picklist(['POST', 'GET']),
  /** "Name: value" lines; `{{key}}` is replaced by the API key in the background. */
  headers: field(MAX_CUSTOM_HEADERS_CHARS),
  /** JSON with `{{messages}}`, `{{prompt}}`, `{{system}}` placeholders. */
  bodyTemplate: field(MAX_CUSTOM_BODY_CHARS),
  /**
   * How each event's data is read (settings version 4): `json`, the value at `textPath`;
   * `text`, the data itself; `regex`, capture group `text` (or group 1) of `pattern`.
   */
  dataMode: v.picklist(CUSTOM_DATA_MODES),
  /** Path into each event's JSON: a dot path ("choices.0.delta.content") or JSONPath ("$.choices[0].delta.content"). */
  textPath: field(MAX_CUSTOM_PATH_CHARS),
  /** The regular expression of `regex` mode (JavaScript syntax, Unicode mode); "" in the other modes. */
  pattern: field(MAX_CUSTOM_PATTERN_CHARS),
  reasoningPath: field(MAX_CUSTOM_PATH_CHARS),
  /** cumulative: each event repeats the whole text so far. */
  textMode: v.picklist(['delta', 'cumulative']),
  /** Default "[DONE]". */
  doneData: field(MAX_CUSTOM_PATH_CHARS),
  /** Only events of this type carry content; "" for all. */
  eventType: field(MAX_CUSTOM_PATH_CHARS),
});
export type CustomEndpoint = v.InferOutput<typeof CustomEndpointSchema>;

/** How an answer's events were read (the stream details view reads them again with it). */
export const CustomReadingSchema = v.pick(CustomEndpointSchema, [
  'dataMode',
  'textPath',
  'pattern',
  'reasoningPath',
  'textMode',
  'doneData',
  'eventType',
]);
export type CustomReading = v.InferOutput<typeof CustomReadingSchema>;

export function customReadingOf(endpoint: CustomEndpoint): CustomReading {
  const { dataMode, textPath, pattern, reasoningPath, textMode, doneData, eventType } = endpoint;
  return { dataMode, textPath, pattern, reasoningPath, textMode, doneData, eventType };
}

export const DEFAULT_CUSTOM_BODY_TEMPLATE = '{"messages": {{messages}}, "stream": true}';
