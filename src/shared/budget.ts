/**
 * The budget of a request before it is sent: how many tokens it takes against the model's
 * context window, and, when it does not fit, where the text can be cut (the first part,
 * window-sized parts, or sections by heading). Pure, so the panel shows exactly what the
 * background would measure.
 *
 * The estimate, for providers that cannot count (everyone but Anthropic's count_tokens):
 * BPE tokenizers (cl100k/o200k, Claude's, Llama 3's, Qwen's) give English prose about 4
 * characters a token, other alphabetic scripts (Cyrillic, Greek, Arabic, Hebrew, Indic, Thai)
 * about 2, and CJK ideographs, kana and Hangul about one token a character; an emoji or other
 * character outside the BMP is at least one. So each UTF-16 code unit weighs a quarter, a half
 * or a whole token, and the estimate is the sum rounded up. No tokenizer is installed offline
 * to test against (the Anthropic SDK ships none), so the estimate is always shown as "≈" and
 * the cuts keep a safety margin (ESTIMATE_MARGIN). It is additive, which is what lets a cut be
 * found by prefix sums and lets the parts' estimates add up to the whole.
 */

/** Weights in quarter tokens, per UTF-16 code unit. */
const QUARTER = 1;
const HALF = 2;
const WHOLE = 4;

/** Share of the room the cuts use when tokens are estimated, not counted: estimates can be low. */
export const ESTIMATE_MARGIN = 0.9;
/** Tokens a chat API adds per message (role markers), and per request, by OpenAI's published rule of thumb. */
export const TOKENS_PER_MESSAGE = 4;
export const TOKENS_PER_REQUEST = 3;

function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x11ff) || // Hangul Jamo
    (code >= 0x2e80 && code <= 0x9fff) || // CJK radicals, kana, CJK ideographs
    (code >= 0xa960 && code <= 0xa97f) ||
    (code >= 0xac00 && code <= 0xd7ff) || // Hangul syllables
    (code >= 0xf900 && code <= 0xfaff) || // CJK compatibility ideographs
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xffef) // full-width forms
  );
}

/** The weight of the code unit at `index` (a surrogate pair weighs a whole token, on its high half). */
function weightAt(text: string, index: number): number {
  const code = text.charCodeAt(index);
  if (code < 0x0250) return QUARTER; // ASCII, Latin-1, Latin Extended
  if (code >= 0xdc00 && code <= 0xdfff) return 0; // low surrogate: counted with its high half
  if (code >= 0xd800 && code <= 0xdbff) return WHOLE;
  if (isWide(code)) return WHOLE;
  if (code >= 0x2000 && code <= 0x206f) return QUARTER; // general punctuation
  return HALF;
}

/** Estimated tokens of a text (see the file's comment). */
export function estimateTokens(text: string): number {
  let quarters = 0;
  for (let i = 0; i < text.length; i++) quarters += weightAt(text, i);
  return Math.ceil(quarters / 4);
}

/** Estimated tokens of a whole request: the system prompt, every message, and their framing. */
export function estimateRequestTokens(system: string, messages: readonly { content: string }[]): number {
  let total = TOKENS_PER_REQUEST + (system ? estimateTokens(system) + TOKENS_PER_MESSAGE : 0);
  for (const message of messages) total += estimateTokens(message.content) + TOKENS_PER_MESSAGE;
  return total;
}

export interface BudgetInput {
  /** The request's input tokens: counted by the provider, or estimated. */
  inputTokens: number;
  /** Whether inputTokens was counted (Anthropic's count_tokens), not estimated. */
  exact: boolean;
  /** The request's estimate (equal to inputTokens when not exact). */
  requestEstimate: number;
  /** The page text's estimate (estimateTokens of the selection), part of requestEstimate. */
  selectionEstimate: number;
  /** Room kept for the answer: the model options' maximum output tokens. */
  maxOutputTokens: number;
  /** The model's context window; null when it is unknown. */
  contextWindow: number | null;
}

export type Budget =
  | { kind: 'unknown'; inputTokens: number; exact: boolean }
  | {
      kind: 'fits' | 'over';
      inputTokens: number;
      exact: boolean;
      contextWindow: number;
      /** inputTokens + maxOutputTokens: what the request needs of the window. */
      needed: number;
      /**
       * Estimated tokens (estimateTokens' units) the page text may have so that the request
       * fits, margin included; 0 or less: even without the page text it does not fit.
       */
      room: number;
    };

/**
 * How many counted tokens `estimate` stands for, by how the request's count compares with
 * its estimate (1:1 when nothing was counted).
 */
export function countScale(input: Pick<BudgetInput, 'inputTokens' | 'requestEstimate'>): number {
  return input.requestEstimate > 0 ? input.inputTokens / input.requestEstimate : 1;
}

/** Measures a request against the window, and how much page text would fit. */
export function assessBudget(input: BudgetInput): Budget {
  const { inputTokens, exact, maxOutputTokens, contextWindow } = input;
  if (contextWindow === null) return { kind: 'unknown', inputTokens, exact };
  const needed = inputTokens + maxOutputTokens;
  const scale = countScale(input) || 1;
  // The rest of the request (system prompt, conversation, question), in estimate units.
  const others = input.requestEstimate - input.selectionEstimate;
  const available = (contextWindow - maxOutputTokens) / scale - others;
  const room = Math.floor(available * (exact ? 1 : ESTIMATE_MARGIN));
  return { kind: needed <= contextWindow ? 'fits' : 'over', inputTokens, exact, contextWindow, needed, room };
}

/** Cumulative weights in quarter tokens: prefix[i] is the weight of text.slice(0, i). */
function prefixWeights(text: string): Float64Array {
  const prefix = new Float64Array(text.length + 1);
  for (let i = 0; i < text.length; i++) prefix[i + 1] = prefix[i]! + weightAt(text, i);
  return prefix;
}

/** The largest end (≤ text.length) where text.slice(start, end) is estimated at most `tokens`. */
function furthestEnd(prefix: Float64Array, start: number, tokens: number): number {
  const limit = prefix[start]! + tokens * 4;
  let lo = start;
  let hi = prefix.length - 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (prefix[mid]! <= limit) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

const isHigh = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLow = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/** Moves an index off the middle of a surrogate pair (back to before the pair). */
function notInsidePair(text: string, index: number): number {
  if (index > 0 && index < text.length && isLow(text.charCodeAt(index)) && isHigh(text.charCodeAt(index - 1))) return index - 1;
  return index;
}

const SENTENCE_END = /[.!?;:。！？；…]["'”’)\]]*\s+|[。！？]/g;

/**
 * The best place to cut text within (start, limit]: after the last paragraph break, else the
 * last line break, else the last sentence end, else the last space, if it keeps at least half
 * of what fits; else at `limit` itself (never inside a surrogate pair). Always past `start`
 * when limit > start, so a cut always makes progress.
 */
export function boundaryBefore(text: string, start: number, limit: number): number {
  if (limit >= text.length) return text.length;
  if (limit <= start) return start;
  const window = text.slice(start, limit);
  const floor = Math.floor(window.length / 2);
  const candidates: (() => number)[] = [
    () => {
      const at = window.lastIndexOf('\n\n');
      return at < 0 ? -1 : at + 2;
    },
    () => {
      const at = window.lastIndexOf('\n');
      return at < 0 ? -1 : at + 1;
    },
    () => {
      let best = -1;
      for (const match of window.matchAll(SENTENCE_END)) best = match.index + match[0].length;
      return best;
    },
    () => {
      const at = Math.max(window.lastIndexOf(' '), window.lastIndexOf('\t'));
      return at < 0 ? -1 : at + 1;
    },
  ];
  for (const find of candidates) {
    const at = find();
    if (at > floor && at > 0) return start + at;
  }
  const hard = notInsidePair(text, limit);
  return hard > start ? hard : Math.min(text.length, start + (isHigh(text.charCodeAt(start)) ? 2 : 1));
}

/** A span of the page text: [start, end) in UTF-16 units, with its estimated tokens. */
export interface TextSpan {
  start: number;
  end: number;
  tokens: number;
}

/** What the first part keeps: the span and the last words before the cut (to show the user). */
export interface FirstPart extends TextSpan {
  lastWords: string;
}

/** The last few words of text before `end`, for "the cut falls after '…'". */
export function wordsBefore(text: string, end: number, maxChars = 60): string {
  const tail = text.slice(Math.max(0, notInsidePair(text, end - maxChars)), end).trim();
  if (tail.length < maxChars) return tail;
  const space = tail.indexOf(' ');
  return space > 0 && space < tail.length - 1 ? tail.slice(space + 1) : tail;
}

/** The first part of text that is estimated at most `tokens`, cut at a boundary. */
export function firstPart(text: string, tokens: number): FirstPart {
  const prefix = prefixWeights(text);
  const end = boundaryBefore(text, 0, furthestEnd(prefix, 0, Math.max(0, tokens)));
  return { start: 0, end, tokens: Math.ceil(prefix[end]! / 4), lastWords: wordsBefore(text, end) };
}

/**
 * Parts of text, each estimated at most `tokens` (except a single character heavier than
 * that), cut at boundaries, that cover it exactly, in order.
 */
export function splitParts(text: string, tokens: number): TextSpan[] {
  const prefix = prefixWeights(text);
  const parts: TextSpan[] = [];
  let start = 0;
  while (start < text.length) {
    const end = boundaryBefore(text, start, furthestEnd(prefix, start, Math.max(0, tokens)));
    parts.push({ start, end, tokens: Math.ceil((prefix[end]! - prefix[start]!) / 4) });
    start = end;
  }
  return parts;
}

export interface Heading {
  level: number;
  text: string;
  offset: number;
}

/** A section of the page text: from its heading (null: the text before the first heading) to the next. */
export interface Section extends TextSpan {
  heading: Heading | null;
  chars: number;
}

/** The text's sections by heading, in order, covering it exactly; empty text has none. */
export function sectionsOf(text: string, headings: readonly Heading[]): Section[] {
  const prefix = prefixWeights(text);
  const starts = [...headings]
    .filter((h) => h.offset >= 0 && h.offset < text.length)
    .sort((a, b) => a.offset - b.offset)
    .filter((h, i, all) => i === 0 || all[i - 1]!.offset !== h.offset)
    .map((h): { heading: Heading | null; start: number } => ({ heading: h, start: notInsidePair(text, h.offset) }));
  if (starts.length === 0 || starts[0]!.start > 0) starts.unshift({ heading: null, start: 0 });
  const sections: Section[] = [];
  starts.forEach(({ heading, start }, i) => {
    const end = i + 1 < starts.length ? starts[i + 1]!.start : text.length;
    if (end <= start) return;
    sections.push({ heading, start, end, chars: end - start, tokens: Math.ceil((prefix[end]! - prefix[start]!) / 4) });
  });
  return sections;
}

/** The heading a cut falls in (the last one starting before it), for "up to 'Heading 3'". */
export function headingAt(headings: readonly Heading[], offset: number): Heading | null {
  let found: Heading | null = null;
  for (const heading of headings) if (heading.offset < offset && (!found || heading.offset >= found.offset)) found = heading;
  return found;
}

/**
 * The last request of "send the parts one after another": the answers to every part, and the
 * user's question over the whole. Said to the model in English, as Aside's other instructions.
 */
export function summaryOfSummariesPrompt(question: string, answers: readonly string[]): string {
  const parts = answers.map((answer, i) => `Part ${i + 1} of ${answers.length}:\n${answer.trim()}`).join('\n\n');
  return (
    `A text too long to send at once was sent in ${answers.length} parts, and each part was answered on its own. ` +
    `Those answers follow. Combine them into one answer about the whole text, without repeating yourself or mentioning the parts.\n\n` +
    `${parts}\n\nThe question about the whole text: ${question}`
  );
}
