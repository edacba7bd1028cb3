/**
 * Shapes that both the port and storage carry: a page selection, token usage, a tool call.
 * One schema each, so what the panel receives can always be stored, and the other way round.
 */
import * as v from 'valibot';
import { MAX_PAGE_HEADINGS, MAX_PORT_TEXT_CHARS, MAX_SHORT_TEXT_CHARS } from './limits.ts';

const text = v.pipe(v.string(), v.maxLength(MAX_PORT_TEXT_CHARS));
const shortText = v.pipe(v.string(), v.maxLength(MAX_SHORT_TEXT_CHARS));
const count = v.pipe(v.number(), v.integer(), v.minValue(0));

/** Text the user selected on a page, cleaned and capped by the background. */
export const PageSelectionSchema = v.object({
  text,
  url: shortText,
  title: shortText,
  /** Characters in the selection before cleaning and capping. */
  originalLength: count,
  truncated: v.boolean(),
  /** What the text is: what the user selected (the default), or the page's readable text. */
  source: v.optional(v.picklist(['selection', 'page'])),
  /** Characters of the page's readable text, for "this is N% of the page"; absent when unknown. */
  pageChars: v.optional(count),
  /** The page's headings with where each starts in `text` (UTF-16 offset), for "pick sections". */
  headings: v.optional(
    v.pipe(
      v.array(v.object({ level: v.pipe(count, v.minValue(1), v.maxValue(6)), text: shortText, offset: count })),
      v.maxLength(MAX_PAGE_HEADINGS),
    ),
  ),
  /**
   * The text is a part of a longer selection the user chose because the whole did not fit the
   * model's window: its first part, some sections, or part `index` (1-based) of `count`.
   */
  excerpt: v.optional(
    v.variant('kind', [
      v.object({ kind: v.literal('first') }),
      v.object({ kind: v.literal('sections') }),
      v.object({ kind: v.literal('part'), index: v.pipe(count, v.minValue(1)), count: v.pipe(count, v.minValue(1)) }),
    ]),
  ),
});
export type PageSelection = v.InferOutput<typeof PageSelectionSchema>;

/** Token counts as the provider reported them; later values overlay earlier ones. */
export const UsageSchema = v.object({
  inputTokens: v.optional(count),
  outputTokens: v.optional(count),
  cacheReadTokens: v.optional(count),
  cacheWriteTokens: v.optional(count),
  reasoningTokens: v.optional(count),
});
export type Usage = v.InferOutput<typeof UsageSchema>;

/** A tool call the model made: the provider's index, its id and name, and its input JSON as streamed. */
export const ToolCallSchema = v.object({ index: count, id: shortText, name: shortText, json: text });
export type ToolCall = v.InferOutput<typeof ToolCallSchema>;
