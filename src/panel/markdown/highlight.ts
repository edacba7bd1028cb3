/**
 * Syntax highlighting for closed code fences, loaded lazily: lowlight (highlight.js core)
 * and each language are separate chunks fetched from the extension's own package the first
 * time a fence in that language closes, so the panel's first JS stays small. The result is a
 * tree (hast) that is turned into <span class="hljs-…"> elements here: no HTML string.
 */
import type { ElementContent, Root } from 'hast';
import type { LanguageFn } from 'highlight.js';
import type { createLowlight } from 'lowlight';
import { splitText } from './text.ts';

type Loader = () => Promise<{ default: LanguageFn }>;

/** One dynamic import per language, so each is its own chunk. */
const LANGUAGES: Readonly<Record<string, Loader>> = {
  bash: () => import('highlight.js/lib/languages/bash'),
  c: () => import('highlight.js/lib/languages/c'),
  cpp: () => import('highlight.js/lib/languages/cpp'),
  csharp: () => import('highlight.js/lib/languages/csharp'),
  css: () => import('highlight.js/lib/languages/css'),
  diff: () => import('highlight.js/lib/languages/diff'),
  dockerfile: () => import('highlight.js/lib/languages/dockerfile'),
  go: () => import('highlight.js/lib/languages/go'),
  graphql: () => import('highlight.js/lib/languages/graphql'),
  ini: () => import('highlight.js/lib/languages/ini'),
  java: () => import('highlight.js/lib/languages/java'),
  javascript: () => import('highlight.js/lib/languages/javascript'),
  json: () => import('highlight.js/lib/languages/json'),
  kotlin: () => import('highlight.js/lib/languages/kotlin'),
  lua: () => import('highlight.js/lib/languages/lua'),
  makefile: () => import('highlight.js/lib/languages/makefile'),
  markdown: () => import('highlight.js/lib/languages/markdown'),
  objectivec: () => import('highlight.js/lib/languages/objectivec'),
  perl: () => import('highlight.js/lib/languages/perl'),
  php: () => import('highlight.js/lib/languages/php'),
  powershell: () => import('highlight.js/lib/languages/powershell'),
  python: () => import('highlight.js/lib/languages/python'),
  r: () => import('highlight.js/lib/languages/r'),
  ruby: () => import('highlight.js/lib/languages/ruby'),
  rust: () => import('highlight.js/lib/languages/rust'),
  scala: () => import('highlight.js/lib/languages/scala'),
  scss: () => import('highlight.js/lib/languages/scss'),
  shell: () => import('highlight.js/lib/languages/shell'),
  sql: () => import('highlight.js/lib/languages/sql'),
  swift: () => import('highlight.js/lib/languages/swift'),
  typescript: () => import('highlight.js/lib/languages/typescript'),
  xml: () => import('highlight.js/lib/languages/xml'),
  yaml: () => import('highlight.js/lib/languages/yaml'),
};

const ALIASES: Readonly<Record<string, string>> = {
  sh: 'bash',
  zsh: 'bash',
  console: 'shell',
  'c++': 'cpp',
  cc: 'cpp',
  hpp: 'cpp',
  h: 'c',
  cs: 'csharp',
  'c#': 'csharp',
  docker: 'dockerfile',
  golang: 'go',
  gql: 'graphql',
  toml: 'ini',
  js: 'javascript',
  jsx: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  jsonc: 'json',
  kt: 'kotlin',
  make: 'makefile',
  md: 'markdown',
  objc: 'objectivec',
  pl: 'perl',
  ps1: 'powershell',
  ps: 'powershell',
  py: 'python',
  rb: 'ruby',
  rs: 'rust',
  ts: 'typescript',
  tsx: 'typescript',
  html: 'xml',
  xhtml: 'xml',
  svg: 'xml',
  yml: 'yaml',
};

/** Longer code is left plain: highlighting it would block a frame for too long. */
export const MAX_HIGHLIGHT_CHARS = 100_000;

/** The highlight.js name for a fence's language ("ts" → "typescript"), or null when there is none. */
export function grammarName(lang: string): string | null {
  const name = lang.toLowerCase();
  const resolved = ALIASES[name] ?? name;
  return Object.hasOwn(LANGUAGES, resolved) ? resolved : null;
}

type Lowlight = ReturnType<typeof createLowlight>;

let lowlight: Promise<Lowlight> | null = null;
const registering = new Map<string, Promise<Lowlight>>();
const pending = new Set<Promise<void>>();

function grammar(name: string): Promise<Lowlight> {
  let ready = registering.get(name);
  if (!ready) {
    lowlight ??= import('lowlight').then(({ createLowlight }) => createLowlight());
    const core = lowlight;
    ready = Promise.all([core, LANGUAGES[name]!()]).then(([instance, language]) => {
      instance.register(name, language.default);
      return instance;
    });
    registering.set(name, ready);
    ready.catch(() => registering.delete(name));
  }
  return ready;
}

function build(doc: Document, nodes: readonly ElementContent[], into: Node): void {
  for (const node of nodes) {
    if (node.type === 'text') {
      for (const piece of splitText(node.value)) into.appendChild(doc.createTextNode(piece));
    } else if (node.type === 'element') {
      const span = doc.createElement('span');
      const className = node.properties.className;
      const classes = Array.isArray(className) ? className.filter((c): c is string => typeof c === 'string') : [];
      // Only highlight.js's own class names (hljs-keyword…), never anything else.
      const safe = classes.filter((c) => /^hljs-[a-z0-9_-]+$/i.test(c));
      if (safe.length > 0) span.setAttribute('class', safe.join(' '));
      build(doc, node.children, span);
      into.appendChild(span);
    }
  }
}

/**
 * Highlights `code` (a <code> element holding exactly `text`) once its language is loaded.
 * Does nothing for an unknown language or a block too long; if the element's text changed
 * meanwhile, leaves it alone.
 */
export function highlightCode(code: Element, text: string, lang: string): void {
  const name = grammarName(lang);
  if (name === null || text.length > MAX_HIGHLIGHT_CHARS || text === '') return;
  const doc = code.ownerDocument;
  const job = grammar(name)
    .then((instance) => {
      if (code.textContent !== text) return;
      const tree: Root = instance.highlight(name, text);
      const fragment = doc.createDocumentFragment();
      build(doc, tree.children as ElementContent[], fragment);
      while (code.firstChild) code.removeChild(code.firstChild);
      code.appendChild(fragment);
      code.setAttribute('class', `hljs language-${name}`);
    })
    .catch((error: unknown) => console.warn('Aside: could not highlight code', error))
    .finally(() => pending.delete(job));
  pending.add(job);
}

/** Resolves once every highlighting started so far is done (for tests). */
export async function highlightingSettled(): Promise<void> {
  while (pending.size > 0) await Promise.all([...pending]);
}
