/**
 * A tiny description of the DOM the renderer builds (VNode), how to create it and how to
 * patch an earlier rendering into a new one. Only createElement, createTextNode,
 * setAttribute and text-node data are used: no HTML string is ever parsed.
 *
 * Patching is what keeps the open tail cheap: a streaming paragraph whose last text piece
 * grew gets `appendData` on that one text node, a table that got a row gets one new <tr>.
 */

/** Attributes a renderer may set. Nothing else is ever written (no on*, src, srcset, style). */
export type AttrName =
  | 'class'
  | 'href'
  | 'title'
  | 'target'
  | 'rel'
  | 'type'
  | 'checked'
  | 'disabled'
  | 'start'
  | 'data-align'
  | 'data-testid'
  | 'data-lang'
  | 'aria-label'
  | 'aria-hidden'
  | 'scope';

export type Attrs = Partial<Record<AttrName, string>>;

/** Elements a renderer may create. */
export type TagName =
  | 'p'
  | 'h1'
  | 'h2'
  | 'h3'
  | 'h4'
  | 'h5'
  | 'h6'
  | 'ul'
  | 'ol'
  | 'li'
  | 'blockquote'
  | 'pre'
  | 'code'
  | 'div'
  | 'span'
  | 'strong'
  | 'em'
  | 'del'
  | 'a'
  | 'br'
  | 'hr'
  | 'table'
  | 'thead'
  | 'tbody'
  | 'tr'
  | 'th'
  | 'td'
  | 'input'
  | 'button';

export interface VElement {
  tag: TagName;
  attrs: Attrs | null;
  children: VNode[];
  /** A fenced code block's <code>: its children are the code's text pieces, highlighted later. */
  code?: CodeInfo;
  /** A Copy button: copies the text of the code block it is in. */
  copy?: true;
}

export type VNode = VElement | string;

export interface CodeInfo {
  text: string;
  lang: string;
  /** The closing fence has arrived: the code will not change, it may be highlighted. */
  closed: boolean;
}

/** A created node with what it was created from, for patching. */
export interface Mounted {
  v: VNode;
  node: Node;
  kids: Mounted[] | null;
}

export interface Host {
  doc: Document;
  /** Called for every created <code> of a closed code block (highlighting). */
  onClosedCode(element: Element, info: CodeInfo): void;
  /** Called for every created Copy button. */
  onCopyButton(button: HTMLElement): void;
}

function sameAttrs(a: Attrs | null, b: Attrs | null): boolean {
  if (a === b) return true;
  const ak = a ? Object.keys(a) : [];
  const bk = b ? Object.keys(b) : [];
  if (ak.length !== bk.length) return false;
  for (const key of ak) if (a![key as AttrName] !== b?.[key as AttrName]) return false;
  return true;
}

function setAttrs(element: Element, attrs: Attrs | null, old: Attrs | null): void {
  // All removed, then set in order: a patched element serializes exactly like a new one.
  if (old) for (const key of Object.keys(old)) element.removeAttribute(key);
  if (attrs) for (const [key, value] of Object.entries(attrs)) if (value !== undefined) element.setAttribute(key, value);
}

export function create(host: Host, v: VNode): Mounted {
  if (typeof v === 'string') return { v, node: host.doc.createTextNode(v), kids: null };
  const element = host.doc.createElement(v.tag);
  setAttrs(element, v.attrs, null);
  const kids = v.children.map((child) => create(host, child));
  for (const kid of kids) element.appendChild(kid.node);
  if (v.code?.closed) host.onClosedCode(element, v.code);
  if (v.copy) host.onCopyButton(element);
  return { v, node: element, kids };
}

/** Whether `next` can be patched into `old`'s element (else it is replaced). */
function patchable(old: VElement, next: VElement): boolean {
  if (old.tag !== next.tag || Boolean(old.copy) !== Boolean(next.copy)) return false;
  if (old.code || next.code) {
    // A highlighted block is never patched: it only exists once closed, and then it stays.
    if (!old.code || !next.code || old.code.lang !== next.code.lang || old.code.closed) return false;
  }
  return true;
}

/** Patches `old` into a rendering of `next`; returns the mounted result (maybe a new node). */
export function patch(host: Host, old: Mounted, next: VNode): Mounted {
  if (old.v === next) return old;
  if (typeof next === 'string') {
    if (typeof old.v === 'string') {
      const text = old.node as Text;
      if (next.startsWith(old.v)) text.appendData(next.slice(old.v.length));
      else text.data = next;
      return { v: next, node: text, kids: null };
    }
  } else if (typeof old.v !== 'string' && old.v.code?.closed && next.code?.closed) {
    // A closed code block does not change (its highlighting is in the DOM, not in `kids`).
    if (old.v.code.text === next.code.text && old.v.code.lang === next.code.lang && sameAttrs(old.v.attrs, next.attrs)) {
      return { v: next, node: old.node, kids: old.kids };
    }
  } else if (typeof old.v !== 'string' && patchable(old.v, next)) {
    const element = old.node as Element;
    if (!sameAttrs(old.v.attrs, next.attrs)) setAttrs(element, next.attrs, old.v.attrs);
    const kids = patchChildren(host, element, old.kids ?? [], next.children);
    if (next.code?.closed) host.onClosedCode(element, next.code);
    return { v: next, node: element, kids };
  }
  const fresh = create(host, next);
  old.node.parentNode?.replaceChild(fresh.node, old.node);
  return fresh;
}

/** Patches the children of `parent` (rendered from `old`) into `next`. */
export function patchChildren(host: Host, parent: Element, old: Mounted[], next: readonly VNode[]): Mounted[] {
  const out: Mounted[] = [];
  const shared = Math.min(old.length, next.length);
  for (let i = 0; i < shared; i++) out.push(patch(host, old[i]!, next[i]!));
  for (let i = shared; i < old.length; i++) parent.removeChild(old[i]!.node);
  for (let i = shared; i < next.length; i++) {
    const fresh = create(host, next[i]!);
    parent.appendChild(fresh.node);
    out.push(fresh);
  }
  return out;
}
