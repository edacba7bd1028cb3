/**
 * The answer renderer: markdown streamed in, DOM out, at a cost that does not grow with the
 * answer.
 *
 * - The text is cut into top-level blocks (marked's block tokens). A block is finished once
 *   a later block has started and that block's first line is complete (so `1. a` + `2` is
 *   not finished until the `2` line shows it is no `2.` continuing the list); an open fence
 *   is one block until it closes. Finished blocks are lexed, rendered and appended once, and
 *   never touched again (a closed code fence gets its highlighting later, once).
 * - Finished blocks go into chunk <div>s of BLOCKS_PER_CHUNK blocks, chunks into groups of
 *   CHUNKS_PER_GROUP, so the container holds few children however long the answer is.
 * - Only the open tail is lexed again on update, rendered with its open markers closed
 *   (close.ts), and patched into the previous tail rendering (dom.ts): usually one text node
 *   gets appendData.
 * - A long open paragraph freezes its plain start (text without markdown punctuation, cut
 *   between two non-ASCII letters at a text-node boundary): later updates lex only what came
 *   after it, so a 4 MB paragraph of CJK text costs the same per update as a short one.
 *   A long paragraph's text is in runs (runs.ts: inline-blocks of a few text pieces, each its
 *   own formatting context), and the frozen start ends where a run ends: its runs are made
 *   once and reused, and only the last run and the growing tail are laid out again.
 * - Updates are applied at most once per animation frame; end() renders synchronously, and so
 *   does the first update after a pause of IDLE_RENDER_MS (a slow stream's next words).
 *
 * Safety: every node is made with createElement/createTextNode and a fixed list of tags and
 * attributes (render.ts, dom.ts); raw HTML is text; hrefs are http(s)/mailto only; images are
 * placeholders. Reference links resolve against definitions in earlier blocks only, so the
 * rendering of a block never depends on what comes after it.
 */
import { Lexer, type MarkedOptions, type Token, type Tokens, type TokensList } from 'marked';
import { t } from '../i18n/index.ts';
import { create, patch, type CodeInfo, type Host, type Mounted, type VElement, type VNode } from './dom.ts';
import { highlightCode } from './highlight.ts';
import { closeOpenInline } from './close.ts';
import { blockNode, inlineNodes } from './render.ts';
import { groupRuns, runBoundaries, runElement } from './runs.ts';
import { MAX_TEXT_NODE, splitText } from './text.ts';

export interface StreamingRenderer {
  /** The answer so far (`fullText`), `newChunk` being what was appended since the last call. */
  update(fullText: string, newChunk: string): void;
  /** The answer is complete: renders `fullText` at once, synchronously. */
  end(fullText: string): void;
  /** Stops pending work; the DOM stays as it is. */
  dispose(): void;
}

export const BLOCKS_PER_CHUNK = 50;
/** An update this long after the previous one is rendered at once (two frames at 60 Hz). */
export const IDLE_RENDER_MS = 33;
export const CHUNKS_PER_GROUP = 50;
/** An open paragraph longer than this freezes its plain start. */
export const FREEZE_AFTER = 8 * MAX_TEXT_NODE;

const OPTIONS: MarkedOptions = { gfm: true, breaks: false, pedantic: false };

type Links = TokensList['links'];

function lexWith(src: string, links: Links): Token[] {
  const lexer = new Lexer(OPTIONS);
  Object.assign(lexer.tokens.links, links);
  return lexer.lex(src);
}

/** Markdown-free characters: letters, digits, spaces and a few harmless marks; no newline. */
function isPlain(code: number): boolean {
  if (code >= 0x80) return code !== 0x85 && code !== 0xa0 && !(code >= 0x2028 && code <= 0x2029);
  if (code === 0x20) return true;
  if (code >= 0x30 && code <= 0x39) return true;
  if ((code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a)) return true;
  // , . ; ? ' " ( ) % + = / # $ ^ { } - : nothing of these starts inline markdown mid-line
  // (`www.` autolinks are stopped separately; `:` `@` `|` `&` `\` and emphasis are not plain).
  return ',.;?\'"()%+=/#$^{}-'.includes(String.fromCharCode(code));
}

/** A letter-like code unit (non-ASCII, not space or a mark) between which a paragraph may be cut. */
function isInert(text: string, i: number): boolean {
  const code = text.charCodeAt(i);
  if (code < 0x80 || code === 0xa0 || code === 0x3000 || (code >= 0x2000 && code <= 0x206f)) return false;
  return !/\p{M}|\s/u.test(text.charAt(i));
}

/** How long the plain start of `raw` is (stops before `www.`, which could grow into a link). */
function plainLength(raw: string): number {
  let i = 0;
  while (i < raw.length && isPlain(raw.charCodeAt(i))) i++;
  const www = raw.slice(0, i).search(/www\./i);
  return www >= 0 ? www : i;
}

export function createStreamingRenderer(container: HTMLElement): StreamingRenderer {
  const doc = container.ownerDocument;
  const view = doc.defaultView;

  const highlighted = new WeakSet<Element>();
  const host: Host = {
    doc,
    onClosedCode(element: Element, info: CodeInfo) {
      if (highlighted.has(element)) return;
      highlighted.add(element);
      highlightCode(element, info.text, info.lang);
    },
    onCopyButton(button: HTMLElement) {
      button.addEventListener('click', () => {
        const code = button.closest('.md-code')?.querySelector('code')?.textContent ?? '';
        const done = (key: 'code_copied' | 'code_copy_failed') => {
          button.textContent = t(key);
          view?.setTimeout(() => (button.textContent = t('code_copy')), 1500);
        };
        const clipboard = view?.navigator.clipboard;
        if (!clipboard) return done('code_copy_failed');
        clipboard.writeText(code).then(
          () => done('code_copied'),
          () => done('code_copy_failed'),
        );
      });
    },
  };

  /** The raw text seen, and the same with line endings normalized (what is rendered). */
  let source = '';
  let text = '';
  /** text[0, committed) is rendered in finished blocks. */
  let committed = 0;
  let links: Links = Object.create(null) as Links;
  let group: HTMLElement | null = null;
  let chunk: HTMLElement | null = null;
  let blocksInChunk = 0;
  let chunksInGroup = 0;
  /** The open blocks' rendering: the last children of `chunk`. */
  let tail: Mounted[] = [];
  /** A long open paragraph's frozen plain start: text[committed, committed + length), in runs. */
  let frozen: { length: number; runs: VElement[] } | null = null;
  let frame: number | null = null;
  /** When update() was last called (the view's clock), to tell a slow stream from a fast one. */
  let lastUpdate = -Infinity;
  let disposed = false;

  function reset(): void {
    container.replaceChildren();
    source = '';
    text = '';
    committed = 0;
    links = Object.create(null) as Links;
    group = chunk = null;
    blocksInChunk = chunksInGroup = 0;
    tail = [];
    frozen = null;
  }

  function take(fullText: string): void {
    // An answer only grows; anything else (a retry starting over) renders from scratch.
    // Checking the last characters seen is enough to tell, at a cost that does not grow.
    const keep = Math.min(source.length, 64);
    if (fullText.length < source.length || !fullText.startsWith(source.slice(source.length - keep), source.length - keep)) {
      reset();
    }
    if (fullText.length === source.length) return;
    let added = fullText.slice(source.length);
    // "\r" then "\n" in the next chunk is one line ending.
    if (source.endsWith('\r') && added.startsWith('\n')) added = added.slice(1);
    source = fullText;
    text += added.replace(/\r\n?/g, '\n');
  }

  function newChunk(): HTMLElement {
    if (!group || chunksInGroup >= CHUNKS_PER_GROUP) {
      group = doc.createElement('div');
      group.className = 'md-group';
      container.appendChild(group);
      chunksInGroup = 0;
    }
    const next = doc.createElement('div');
    next.className = 'md-chunk';
    group.appendChild(next);
    chunksInGroup++;
    blocksInChunk = 0;
    // The open blocks move along (they are not finished: moving them touches nothing finished).
    for (const open of tail) next.appendChild(open.node);
    chunk = next;
    return next;
  }

  const currentChunk = () => (chunk && blocksInChunk < BLOCKS_PER_CHUNK ? chunk : newChunk());

  /** Appends a finished block, reusing the first open block's node when it rendered the same start. */
  function commit(v: VElement): void {
    const into = currentChunk();
    const reused = tail.shift();
    if (reused) patch(host, reused, v);
    else into.appendChild(create(host, v).node);
    blocksInChunk++;
  }

  function renderTail(next: VNode[]): void {
    const into = currentChunk();
    const out: Mounted[] = [];
    const shared = Math.min(tail.length, next.length);
    for (let i = 0; i < shared; i++) out.push(patch(host, tail[i]!, next[i]!));
    for (let i = shared; i < tail.length; i++) tail[i]!.node.parentNode?.removeChild(tail[i]!.node);
    for (let i = shared; i < next.length; i++) {
      const fresh = create(host, next[i]!);
      into.appendChild(fresh.node);
      out.push(fresh);
    }
    tail = out;
  }

  function addLinks(tokens: readonly Token[]): void {
    for (const token of tokens) {
      if (token.type === 'def') {
        const def = token as Tokens.Def;
        if (!(def.tag in links)) links[def.tag] = { href: def.href, title: def.title };
      }
    }
  }

  /**
   * The element of a paragraph that starts with the frozen runs, `rest` the lexed text after
   * them: what blockNode gives for the whole paragraph (the frozen start ends where a run
   * ends, so the runs of `rest` are the whole paragraph's), with the frozen runs reused.
   */
  function frozenParagraph(runs: readonly VElement[], rest: Token | undefined): VElement {
    const children = inlineNodes(rest && rest.type === 'paragraph' ? (rest as Tokens.Paragraph).tokens : []);
    return { tag: 'p', attrs: null, children: [...runs, ...groupRuns(children)] };
  }

  /** Renders one finished block's text (lexed on its own, with the definitions before it). */
  function commitRaw(raw: string, withFrozen: boolean): void {
    const tokens = lexWith(raw, links);
    let first = true;
    for (const token of tokens) {
      const v = withFrozen && first && frozen ? frozenParagraph(frozen.runs, token) : blockNode(token, true);
      if (token.type !== 'space') first = false;
      if (v) commit(v);
    }
    addLinks(tokens);
  }

  function process(final: boolean): void {
    let base = committed + (frozen?.length ?? 0);
    let src = text.slice(base);
    let tokens = new Lexer(OPTIONS).blockTokens(src);
    if (frozen && tokens[0]?.type !== 'paragraph') {
      // The long paragraph became something else (a setext heading, a table): start over.
      frozen = null;
      base = committed;
      src = text.slice(base);
      tokens = new Lexer(OPTIONS).blockTokens(src);
    }
    const starts: number[] = [];
    let end = 0;
    for (const token of tokens) {
      starts.push(end);
      end += token.raw.length;
    }
    const consistent = end === src.length;

    let open = tokens.length;
    if (!final) {
      open = -1;
      for (let i = tokens.length - 1; i >= 0; i--) {
        if (tokens[i]!.type !== 'space') {
          open = i;
          break;
        }
      }
      if (open > 0 && !src.includes('\n', starts[open]! + 1)) {
        // The last block's first line is not complete: it may still join the block before.
        for (let i = open - 1; i >= 0; i--) {
          if (tokens[i]!.type !== 'space') {
            open = i;
            break;
          }
        }
      }
      if (open < 0 || !consistent) open = consistent ? tokens.length : 0;
    } else if (!consistent) {
      // Should not happen (marked's raws add up); render the rest as one piece.
      tokens = [];
      open = 0;
    }

    for (let i = 0; i < open; i++) {
      const token = tokens[i]!;
      if (token.type === 'space') {
        if (i === 0 && frozen) break; // cannot happen: src starts with a letter
      } else {
        commitRaw(token.raw, i === 0 && frozen !== null);
      }
      if (i === 0 && frozen) {
        committed += frozen.length;
        frozen = null;
      }
      committed += token.raw.length;
    }

    if (final) {
      if (committed < text.length) commitRaw(text.slice(committed), false);
      committed = text.length;
      frozen = null;
      renderTail([]);
      return;
    }

    // The open tail: rendered with its open markers closed, patched into the last rendering.
    const openRaw = text.slice(committed + (frozen?.length ?? 0));
    const closed = closeOpenInline(openRaw);
    const openTokens = lexWith(closed, links);
    const next: VNode[] = [];
    let first = true;
    for (const [index, token] of openTokens.entries()) {
      // A fence followed by anything is closed: it may be highlighted already.
      const v = first && frozen ? frozenParagraph(frozen.runs, token) : blockNode(token, index < openTokens.length - 1);
      if (token.type !== 'space') first = false;
      if (v) next.push(v);
    }
    renderTail(next);
    maybeFreeze(openRaw, openTokens);
  }

  /** A long open paragraph: freeze its plain start so later updates skip it. */
  function maybeFreeze(openRaw: string, openTokens: readonly Token[]): void {
    if (openRaw.length < FREEZE_AFTER) return;
    const firstToken = openTokens.find((token) => token.type !== 'space');
    if (firstToken?.type !== 'paragraph' || openTokens[0]!.type !== 'paragraph') return;
    const plain = plainLength(openRaw);
    const pieces = splitText(openRaw.slice(0, plain));
    // Cut only where a run ends, so the text after the cut starts a run as in the whole paragraph.
    let end = 0;
    let from = 0;
    let cut = 0;
    let count = 0;
    for (const boundary of runBoundaries(pieces)) {
      const lastStart = end + pieces.slice(from, boundary - 1).reduce((n, piece) => n + piece.length, 0);
      // A cut's place depends on the text up to MAX_TEXT_NODE + 2 after the piece's start.
      if (lastStart + MAX_TEXT_NODE + 2 > plain) break;
      end = lastStart + pieces[boundary - 1]!.length;
      from = boundary;
      if (isInert(openRaw, end - 1) && isInert(openRaw, end)) {
        cut = end;
        count = boundary;
      }
    }
    if (cut === 0) return;
    frozen ??= { length: 0, runs: [] };
    frozen.length += cut;
    let start = 0;
    for (const boundary of runBoundaries(pieces)) {
      if (boundary > count) break;
      frozen.runs.push(runElement(pieces.slice(start, boundary)));
      start = boundary;
    }
  }

  function runFrame(): void {
    frame = null;
    if (!disposed) process(false);
  }

  return {
    update(fullText: string, _newChunk: string) {
      if (disposed) return;
      take(fullText);
      const now = view?.performance?.now() ?? Date.now();
      const idle = now - lastUpdate >= IDLE_RENDER_MS;
      lastUpdate = now;
      if (frame !== null) return;
      // After a pause (the first words, or a slow stream), render now: waiting for the next
      // frame would show every word of a slow stream ~8 ms later on average (bench/latency.ts).
      // Deltas that follow within the pause's length still wait for a frame, so a fast stream
      // is rendered at most once a frame.
      if (idle || !view?.requestAnimationFrame) runFrame();
      else frame = view.requestAnimationFrame(runFrame);
    },
    end(fullText: string) {
      if (disposed) return;
      if (frame !== null) view?.cancelAnimationFrame(frame);
      frame = null;
      take(fullText);
      process(true);
    },
    dispose() {
      disposed = true;
      if (frame !== null) view?.cancelAnimationFrame(frame);
      frame = null;
    },
  };
}

/**
 * A short answer with most of what answers have (no fenced language: nothing to fetch), and
 * Han, Hangul and emoji, whose fallback fonts the browser looks up the first time it lays
 * them out (in the render bench, that lookup was what kept an answer's first frames over
 * 16.7 ms after the code was warm).
 */
const WARM_UP_SAMPLE =
  '# Title 你好 한국어 🌍 🇯🇵\n\nSome **bold**, _italic_, `code` and [a link](https://example.com).\n\n- one\n- two\n  1. nested\n\n' +
  '> quoted\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n\n```\nplain code\n```\n\nThe end.';

/**
 * Renders a short answer once in a hidden element, laid out and then removed, so the parser's
 * and the renderer's code is compiled, the answer styles are matched and the fallback fonts
 * are found before a real answer's first frame (cold, the first frames took 17–25 ms in the
 * render benchmark; warm, none over 16.7 ms). load.ts runs it as soon as the module loads,
 * during the provider's round trip.
 */
export function warmUpRenderer(doc: Document = document): void {
  const host = doc.createElement('div');
  host.className = 'answer-text md';
  host.setAttribute('aria-hidden', 'true');
  host.style.cssText = 'position:fixed;left:-10000px;top:0;width:400px;visibility:hidden;pointer-events:none';
  (doc.body ?? doc.documentElement).appendChild(host);
  try {
    const renderer = createStreamingRenderer(host);
    renderer.update(WARM_UP_SAMPLE.slice(0, WARM_UP_SAMPLE.length >> 1), '');
    renderer.end(WARM_UP_SAMPLE);
    renderer.dispose();
    void host.offsetHeight;
  } finally {
    host.remove();
  }
}
