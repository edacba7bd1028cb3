/**
 * Server-Sent Events: a byte-exact, incremental parser per the WHATWG HTML Living Standard.
 * Pure code (no browser API): bytes in, events out.
 */
export {
  createSseParser,
  DEFAULT_MAX_EVENT_BYTES,
  SseEventTooLargeError,
  type SseEvent,
  type SseHandlers,
  type SseParser,
  type SseParserOptions,
} from './parser.ts';
export { readSseBatches } from './batches.ts';
export { parseSseStream, type ParseSseStreamOptions } from './stream.ts';
