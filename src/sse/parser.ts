/**
 * Incremental Server-Sent Events parser, per the HTML Living Standard,
 * "Parsing an event stream" and "Interpreting an event stream".
 *
 * Pure code: bytes (or already-decoded strings) in, events out. No browser API.
 */

/** One dispatched event. */
export interface SseEvent {
  /** The event type; "message" when no `event` field was given. */
  event: string;
  /** The data buffer with the one trailing LF removed (data lines joined with LF). */
  data: string;
  /** The last event ID at dispatch time (persists across events; "" until one arrives). */
  id: string;
  /** Present only when a valid `retry` field was seen in this event's block. */
  retry?: number;
}

export interface SseHandlers {
  onEvent(event: SseEvent): void;
  /** Every accepted retry value, in stream order (called when the field is read). */
  onRetry?(ms: number): void;
  /** Comment lines (liveness pings): the text after the `:`, one leading space removed. */
  onComment?(text: string): void;
}

export interface SseParserOptions {
  /**
   * Upper bound, in UTF-8 bytes, on what one event may hold in memory: its data buffer
   * (lines joined with LF) plus any unterminated line still pending. Default 16 MiB.
   */
  maxEventBytes?: number;
}

export interface SseParser {
  /** Feed the next chunk of the stream: bytes (UTF-8) or already-decoded text. */
  feed(chunk: Uint8Array | string): void;
  /**
   * Signal end of stream. A pending event without its blank line is not dispatched.
   * `incomplete` is true when the stream stopped inside an event: a partial line was
   * pending (including an unfinished UTF-8 sequence), or field lines were read after the
   * last blank line. Comment-only trailing lines do not count. The parser is then reset
   * and may be reused for a new stream.
   */
  end(): { incomplete: boolean };
}

/** Thrown by `feed` when one event would exceed `maxEventBytes`. */
export class SseEventTooLargeError extends Error {
  readonly maxEventBytes: number;
  constructor(maxEventBytes: number) {
    super(
      `SSE event exceeds maxEventBytes (${maxEventBytes} bytes): ` +
        'the stream sent an event too large to buffer (or a line that never ends)',
    );
    this.name = 'SseEventTooLargeError';
    this.maxEventBytes = maxEventBytes;
  }
}

export const DEFAULT_MAX_EVENT_BYTES = 16 * 1024 * 1024;

const LF = 10;
const SPACE = 32;
const COLON = 58;
const BOM = 0xfeff;
const STREAM: TextDecodeOptions = { stream: true };

/** UTF-8 byte length of a JS string (a surrogate pair counts 4, any other unit 1–3). */
function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) n += c < 0x800 || (c >= 0xd800 && c <= 0xdfff) ? 1 : 2;
  }
  return n;
}

/** True when `s` is one or more ASCII digits. */
function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

export function createSseParser(handlers: SseHandlers, options?: SseParserOptions): SseParser {
  const onEvent = handlers.onEvent;
  const onRetry = handlers.onRetry;
  const onComment = handlers.onComment;
  const maxEventBytes = options?.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  if (!(maxEventBytes >= 0)) throw new RangeError('maxEventBytes must be a non-negative number');
  /** Above this many UTF-16 units the exact UTF-8 size must be computed (3 bytes/unit max). */
  const unitsThreshold = maxEventBytes / 3;

  let decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  /** True when the last feed was bytes (the decoder may hold a partial sequence). */
  let decoderUsed = false;
  /** False until the first character of the stream was seen (BOM check). */
  let started = false;
  /** The previous text ended with CR: a leading LF of the next text belongs to it. */
  let skipLF = false;
  /** Unterminated trailing line (never contains CR or LF). */
  let buf = '';
  /** Exact UTF-8 size of `buf`, or -1 when not tracked (small). */
  let bufBytes = -1;

  // Event block state.
  let data = '';
  let dataSeen = false;
  /** Exact UTF-8 size of `data`, or -1 when not tracked (small). */
  let dataBytes = -1;
  let type = '';
  let retry = -1;
  /** A field line (not a comment) was read since the last blank line. */
  let dirty = false;
  // Persists across events.
  let lastId = '';

  let failure: SseEventTooLargeError | null = null;

  function fail(): never {
    failure = new SseEventTooLargeError(maxEventBytes);
    buf = '';
    data = '';
    dataSeen = false;
    type = '';
    throw failure;
  }

  function appendData(value: string): void {
    if (dataSeen) {
      data = data + '\n' + value;
      if (dataBytes >= 0) dataBytes += 1 + utf8Length(value);
    } else {
      data = value;
      dataSeen = true;
      // Tracked already when a pending line was large (checkPending): data was ''.
      if (dataBytes >= 0) dataBytes = utf8Length(value);
    }
    if (dataBytes >= 0) {
      if (dataBytes > maxEventBytes) fail();
    } else if (data.length > unitsThreshold) {
      dataBytes = utf8Length(data);
      if (dataBytes > maxEventBytes) fail();
    }
  }

  function checkPending(): void {
    if (data.length + buf.length <= unitsThreshold) return;
    if (dataBytes < 0) dataBytes = utf8Length(data);
    if (bufBytes < 0) bufBytes = utf8Length(buf);
    if (dataBytes + bufBytes > maxEventBytes) fail();
  }

  function dispatch(): void {
    dirty = false;
    if (!dataSeen) {
      type = '';
      retry = -1;
      return;
    }
    const event: SseEvent = { event: type === '' ? 'message' : type, data, id: lastId };
    if (retry >= 0) event.retry = retry;
    data = '';
    dataSeen = false;
    dataBytes = -1;
    type = '';
    retry = -1;
    onEvent(event);
  }

  /** Process the line s[start, end); s[end] is a line terminator or the end of s. */
  function line(s: string, start: number, end: number): void {
    if (start === end) {
      dispatch();
      return;
    }
    const c0 = s.charCodeAt(start);
    if (c0 === COLON) {
      if (onComment !== undefined) {
        onComment(s.slice(s.charCodeAt(start + 1) === SPACE ? start + 2 : start + 1, end));
      }
      return;
    }
    dirty = true;
    // Fast paths. Comparing past `end` is safe: s[end] is CR, LF or past the string.
    if (
      c0 === 100 /* d */ &&
      s.charCodeAt(start + 1) === 97 /* a */ &&
      s.charCodeAt(start + 2) === 116 /* t */ &&
      s.charCodeAt(start + 3) === 97 /* a */
    ) {
      const c4 = s.charCodeAt(start + 4);
      if (c4 === COLON) {
        const v = s.charCodeAt(start + 5) === SPACE ? start + 6 : start + 5;
        appendData(s.slice(v, end));
        return;
      }
      if (start + 4 === end) {
        appendData('');
        return;
      }
    }
    const text = start === 0 && end === s.length ? s : s.slice(start, end);
    const colon = text.indexOf(':');
    let name: string;
    let value: string;
    if (colon === -1) {
      name = text;
      value = '';
    } else {
      name = text.slice(0, colon);
      value = text.slice(text.charCodeAt(colon + 1) === SPACE ? colon + 2 : colon + 1);
    }
    switch (name) {
      case 'event':
        type = value;
        break;
      case 'data':
        appendData(value);
        break;
      case 'id':
        if (value.indexOf('\0') === -1) lastId = value;
        break;
      case 'retry':
        if (isDigits(value)) {
          retry = parseInt(value, 10);
          if (onRetry !== undefined) onRetry(retry);
        }
        break;
      default:
        // Unknown fields are ignored.
        break;
    }
  }

  /** Dispatch an event whose only data line is `value` (the common one-line event). */
  function dispatchOne(value: string): void {
    dirty = false;
    const event: SseEvent = { event: type === '' ? 'message' : type, data: value, id: lastId };
    if (retry >= 0) event.retry = retry;
    type = '';
    retry = -1;
    onEvent(event);
  }

  /**
   * Hot loop for text without CR: one indexOf per line, the `event:`, `data:` and blank
   * lines handled inline, a one-line event dispatched without touching the data buffer.
   * Returns the position after the last complete line.
   */
  function processLF(text: string, pos: number): number {
    let lf = text.indexOf('\n', pos);
    while (lf !== -1) {
      if (lf === pos) {
        dispatch();
      } else {
        const c0 = text.charCodeAt(pos);
        if (
          c0 === 100 /* d */ &&
          text.charCodeAt(pos + 1) === 97 /* a */ &&
          text.charCodeAt(pos + 2) === 116 /* t */ &&
          text.charCodeAt(pos + 3) === 97 /* a */ &&
          text.charCodeAt(pos + 4) === COLON
        ) {
          const value = text.slice(text.charCodeAt(pos + 5) === SPACE ? pos + 6 : pos + 5, lf);
          if (!dataSeen && text.charCodeAt(lf + 1) === LF && value.length <= unitsThreshold) {
            dispatchOne(value);
            pos = lf + 2;
            lf = text.indexOf('\n', pos);
            continue;
          }
          dirty = true;
          appendData(value);
        } else if (
          c0 === 101 /* e */ &&
          text.charCodeAt(pos + 1) === 118 /* v */ &&
          text.charCodeAt(pos + 2) === 101 /* e */ &&
          text.charCodeAt(pos + 3) === 110 /* n */ &&
          text.charCodeAt(pos + 4) === 116 /* t */ &&
          text.charCodeAt(pos + 5) === COLON
        ) {
          dirty = true;
          type = text.slice(text.charCodeAt(pos + 6) === SPACE ? pos + 7 : pos + 6, lf);
        } else {
          line(text, pos, lf);
        }
      }
      pos = lf + 1;
      lf = text.indexOf('\n', pos);
    }
    return pos;
  }

  /** General loop: lines end at CR, LF or CRLF. Returns the position after the last line. */
  function processMixed(text: string, pos: number): number {
    const len = text.length;
    let lf = text.indexOf('\n', pos);
    let cr = text.indexOf('\r', pos);
    for (;;) {
      if (lf !== -1 && lf < pos) lf = text.indexOf('\n', pos);
      if (cr !== -1 && cr < pos) cr = text.indexOf('\r', pos);
      let end: number;
      if (cr === -1) {
        if (lf === -1) break;
        end = lf;
      } else if (lf === -1 || cr < lf) {
        end = cr;
      } else {
        end = lf;
      }
      line(text, pos, end);
      pos = end + 1;
      if (end === cr) {
        if (pos < len) {
          if (text.charCodeAt(pos) === LF) pos++;
        } else {
          skipLF = true;
        }
      }
    }
    return pos;
  }

  function processText(text: string): void {
    const len = text.length;
    if (len === 0) return;
    let pos = 0;
    if (!started) {
      started = true;
      if (text.charCodeAt(0) === BOM) pos = 1;
    }
    if (skipLF) {
      skipLF = false;
      if (text.charCodeAt(pos) === LF) pos++;
    }
    // One scan for CR per text: streams without CR take the LF-only loop.
    const firstCR = text.indexOf('\r', pos);
    if (buf !== '' && pos < len) {
      // Complete the pending line first.
      const lf = text.indexOf('\n', pos);
      const cr = firstCR;
      const end = cr === -1 ? lf : lf === -1 || cr < lf ? cr : lf;
      if (end === -1) {
        const rest = pos === 0 ? text : text.slice(pos);
        buf += rest;
        if (bufBytes >= 0) bufBytes += utf8Length(rest);
        checkPending();
        return;
      }
      const whole = buf + text.slice(pos, end);
      buf = '';
      bufBytes = -1;
      line(whole, 0, whole.length);
      pos = end + 1;
      if (end === cr) {
        if (pos < len) {
          if (text.charCodeAt(pos) === LF) pos++;
        } else {
          skipLF = true;
        }
      }
    }
    pos = firstCR === -1 ? processLF(text, pos) : processMixed(text, pos);
    if (pos < len) {
      buf = pos === 0 ? text : text.slice(pos);
      checkPending();
    }
  }

  function feed(chunk: Uint8Array | string): void {
    if (failure !== null) throw failure;
    if (typeof chunk === 'string') {
      if (decoderUsed) {
        // A partial UTF-8 sequence followed by text: flush it (as U+FFFD) first.
        decoderUsed = false;
        processText(decoder.decode());
      }
      processText(chunk);
    } else {
      decoderUsed = true;
      processText(decoder.decode(chunk, STREAM));
    }
  }

  function end(): { incomplete: boolean } {
    if (failure !== null) {
      reset();
      return { incomplete: true };
    }
    if (decoderUsed) processText(decoder.decode());
    const incomplete = buf !== '' || dirty;
    reset();
    return { incomplete };
  }

  function reset(): void {
    decoder = new TextDecoder('utf-8', { ignoreBOM: true });
    decoderUsed = false;
    started = false;
    skipLF = false;
    buf = '';
    bufBytes = -1;
    data = '';
    dataSeen = false;
    dataBytes = -1;
    type = '';
    retry = -1;
    dirty = false;
    lastId = '';
    failure = null;
  }

  return { feed, end };
}
