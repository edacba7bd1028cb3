/**
 * Every limit in one place. Several are enforced at more than one boundary (the port
 * schema, the panel before sending, the background before storing), and they must agree:
 * a value one side allows and the other refuses is a message dropped on the floor.
 */

// --- The port -----------------------------------------------------------------------------
/** Sanity bound on any text crossing the port (the panel enforces tighter caps). */
export const MAX_PORT_TEXT_CHARS = 4_000_000;
/** Text in one port message: a longer delta is split into several (never replaced). */
export const MAX_DELTA_MESSAGE_CHARS = 1_000_000;
/**
 * The longest answer (and reasoning) Aside keeps: 8 MB of UTF-16. Past it the answer ends
 * as "answer too long", the text so far kept. It equals the port's and the store's text cap,
 * so a re-attaching panel's snapshot and the saved turn always hold all of it.
 */
export const MAX_ANSWER_CHARS = MAX_PORT_TEXT_CHARS;
/** URLs, titles and other short fields on the port. */
export const MAX_SHORT_TEXT_CHARS = 2_000;
export const MAX_REQUEST_ID_CHARS = 100;
/** Turns in one conversation. */
export const MAX_TURNS = 500;
/** Model ids and labels; longer ones are not model names. */
export const MAX_MODEL_ID_CHARS = 300;
/** Entries in a model list, whatever the server sends. */
export const MAX_MODELS = 2_000;
/** The provider's own words shown under an error. */
export const MAX_DETAIL_CHARS = 1_000;
/** The detail field of an error on the port and on disk (what the user is shown is capped at MAX_DETAIL_CHARS). */
export const MAX_ERROR_DETAIL_CHARS = 4_000;
/** The start of a non-JSON error body kept as the provider's message. */
export const MAX_BODY_SNIPPET_CHARS = 300;
/** A parameter of an error (a host name, a model id, a header line number). */
export const MAX_ERROR_PARAM_CHARS = 2_000;
/** Tool calls kept per answer. */
export const MAX_TOOL_CALLS = 100;
/** Text of a connection-test preview. */
export const MAX_PREVIEW_CHARS = 300;

// --- What the user sends ------------------------------------------------------------------
/** The longest question the panel sends: a pasted 5 MB text gets a clear message instead. */
export const MAX_QUESTION_CHARS = 100_000;
/** About 30k tokens: enough for a long article, far below any model's context. */
export const MAX_SELECTION_CHARS = 120_000;
export const MAX_PAGE_TITLE_CHARS = 300;
/**
 * A whole page's readable text ("Ask about this page"), about 250k tokens: above the
 * 200k-token window of most models, so the token budget can show a page that does not fit
 * and offer its choices, yet a book-length page stays a few MB in the port messages and in
 * history (each copy is UTF-16). Longer pages are cut, with `truncated` saying so.
 */
export const MAX_PAGE_CHARS = 1_000_000;
/** Headings kept from a page for "pick sections by heading". */
export const MAX_PAGE_HEADINGS = 500;
/** Titles and URLs inside the prompt's selection tag. */
export const MAX_PROMPT_ATTRIBUTE_CHARS = 500;

// --- Settings -----------------------------------------------------------------------------
export const MAX_URL_CHARS = 2_000;
export const MAX_KEY_CHARS = 1_000;
export const MAX_MODEL_CHARS = 200;
export const MAX_CUSTOM_HEADERS_CHARS = 8_000;
export const MAX_CUSTOM_BODY_CHARS = 20_000;
export const MAX_CUSTOM_PATH_CHARS = 200;
/** A custom endpoint's regular expression (regex data mode). */
export const MAX_CUSTOM_PATTERN_CHARS = 500;
/**
 * The regex data mode searches at most this many characters of an event's data. A user's
 * own pattern may backtrack badly (nested quantifiers); a bounded input keeps a polynomial
 * blow-up small, though it cannot make an exponential pattern fast.
 */
export const MAX_REGEX_INPUT_CHARS = 8_192;

// --- Provider calls -----------------------------------------------------------------------
/** Output tokens asked for per answer unless the user chose another maximum in settings. */
export const MAX_ANSWER_TOKENS = 4_096;

// --- Model options (settings, per provider) -----------------------------------------------
/** The highest maximum output tokens a user may set (no model today writes more in one answer). */
export const MAX_OUTPUT_TOKENS = 200_000;
/** Anthropic's smallest extended-thinking budget; the budget must also stay below max_tokens. */
export const MIN_THINKING_BUDGET = 1_024;
/** The thinking budget a new user starts with (below the default MAX_ANSWER_TOKENS). */
export const DEFAULT_THINKING_BUDGET = 2_048;
/** Temperature ranges as the providers document them. */
export const MAX_TEMPERATURE_ANTHROPIC = 1;
export const MAX_TEMPERATURE_OPENAI = 2;
/** The user's own system prompt, added after Aside's. */
export const MAX_SYSTEM_PROMPT_CHARS = 20_000;
/** Extra request fields, as JSON text. */
export const MAX_EXTRA_FIELDS_CHARS = 20_000;
/** With no bytes at all (not even a ping) for this long, a stream is given up. */
export const IDLE_TIMEOUT_MS = 60_000;
/** Error bodies, model lists and test bodies are read up to this many bytes. */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;
/** An SSE event larger than this is refused (the parser's default). */
export const MAX_SSE_EVENT_BYTES = 16 * 1024 * 1024;
/** Automatic retries before the first byte of an answer. */
export const MAX_RETRIES = 2;
/** Longer waits than this are shown to the user rather than waited out. */
export const MAX_RETRY_WAIT_MS = 30_000;
export const MODELS_TIMEOUT_MS = 15_000;
/** A model list is read up to this many bytes (OpenRouter's full list is about 1 MB). */
export const MAX_MODEL_LIST_BYTES = 4 * 1024 * 1024;
export const TEST_CONNECTION_TIMEOUT_MS = 20_000;

// --- The background -----------------------------------------------------------------------
/** Port messages carrying answer text are sent at most this often: one animation frame. */
export const BATCH_INTERVAL_MS = 16;
/** A selection nobody claimed for this long is stale (the user moved on). */
export const PENDING_SELECTION_TTL_MS = 5 * 60_000;
/** Chrome stops an idle worker after 30 s; an API call this often keeps it up while answers stream. */
export const KEEPALIVE_INTERVAL_MS = 25_000;
/** Raw SSE events kept per answer for the stream timeline (oldest dropped first). */
export const MAX_RAW_EVENTS = 2_000;
/** Bytes of raw event data kept per answer for the stream timeline. */
export const MAX_RAW_EVENT_BYTES = 2 * 1024 * 1024;
/** Bytes of the body as received kept per answer, for "Download .sse" (beyond: marked cut). */
export const MAX_RAW_SSE_BYTES = 2 * 1024 * 1024;
/** Finished answers whose stream details are kept, in memory and on disk (the oldest go first). */
export const MAX_KEPT_DETAILS = 50;
/** ... and at most about this much memory for them all (raw events, bodies and answer text). */
export const MAX_KEPT_DETAILS_BYTES = 32 * 1024 * 1024;
/**
 * ... and at most about this much on disk (storage/details/db.ts), counted as the browser
 * stores strings: one byte a character when all are Latin-1, else two. The same as in
 * memory: a debugging aid should not crowd history, and 32 MB is far below any quota.
 */
export const MAX_STORED_DETAILS_BYTES = 32 * 1024 * 1024;
/**
 * The body as received is kept on disk up to this many bytes (its start; the rest is
 * counted in `sseBytesDropped`, and the view says how much was kept). Half the memory cap,
 * so that even answers with long bodies leave room for many others in the budget.
 */
export const MAX_STORED_SSE_BYTES = 1024 * 1024;
/** Inter-token gaps sent for the details view's sparkline (more are thinned evenly). */
export const MAX_GAP_POINTS = 1_000;

// --- Actions (built in and the user's own) ------------------------------------------------
/** Entries in the action list, built-in ones included. */
export const MAX_ACTIONS = 50;
/** An action's name, as the context menu and the panel's button show it. */
export const MAX_ACTION_NAME_CHARS = 60;
/** An action's prompt template, before its placeholders are filled. */
export const MAX_ACTION_TEMPLATE_CHARS = 4_000;
/** An imported actions file is refused above this size, before it is parsed. */
export const MAX_ACTIONS_FILE_BYTES = 256 * 1024;
/** The language name a question's {{language}} stands for ("Chinese (Traditional, Taiwan)"). */
export const MAX_LANGUAGE_NAME_CHARS = 100;
/** Actions on number keys in the panel (1 to 9). */
export const MAX_ACTION_KEYS = 9;
// --- History export and import ------------------------------------------------------------
/** An import file larger than this is refused before it is read (a 10,000-conversation export is far smaller). */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;
/** Conversations in one import file; more is refused before any is checked, so a hostile file cannot hang the panel. */
export const MAX_IMPORT_CONVERSATIONS = 20_000;
/** Rejected conversations an import names one by one (the rest are counted). */
export const MAX_IMPORT_REASONS = 20;
