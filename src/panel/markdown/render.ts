/**
 * marked's tokens → VNodes (see dom.ts). Every element and attribute comes from here, from a
 * fixed list: raw HTML is shown as its own text, links are live only for http(s)/mailto,
 * and images become a placeholder that names the image and its host and loads nothing.
 */
import type { Token, Tokens } from 'marked';
import { t } from '../i18n/index.ts';
import type { Attrs, TagName, VElement, VNode } from './dom.ts';
import { groupRuns } from './runs.ts';
import { decodeEntities, splitText } from './text.ts';
import { hostOf, liveLinkUrl, openableImageUrl } from './urls.ts';

const el = (tag: TagName, attrs: Attrs | null, children: VNode[]): VElement => ({ tag, attrs, children });

/** Collects inline output, merging adjacent text so that every run is split the same way. */
class Inline {
  readonly out: VNode[] = [];
  private run = '';

  text(value: string): void {
    this.run += value;
  }

  node(value: VNode): void {
    this.flush();
    this.out.push(value);
  }

  flush(): VNode[] {
    if (this.run !== '') {
      for (const piece of splitText(this.run)) this.out.push(piece);
      this.run = '';
    }
    return this.out;
  }
}

/** The plain text of inline tokens (an image's alt text: links and markup inside it are words only). */
export function plainText(tokens: readonly Token[] | undefined): string {
  let text = '';
  for (const token of tokens ?? []) {
    switch (token.type) {
      case 'text':
        text += 'tokens' in token && token.tokens ? plainText(token.tokens) : decodeEntities((token as Tokens.Text).text);
        break;
      case 'escape':
      case 'codespan':
        text += (token as Tokens.Escape).text;
        break;
      case 'html':
        text += token.raw;
        break;
      case 'br':
        text += ' ';
        break;
      case 'image':
        text += decodeEntities((token as Tokens.Image).text);
        break;
      default:
        text += 'tokens' in token && Array.isArray(token.tokens) ? plainText(token.tokens) : decodeEntities(token.raw);
    }
  }
  return text;
}

function checkbox(checked: boolean): VElement {
  return el('input', checked ? { type: 'checkbox', disabled: '', checked: '' } : { type: 'checkbox', disabled: '' }, []);
}

function image(token: Tokens.Image, inLink: boolean): VElement {
  const alt = plainText(token.tokens).trim() || decodeEntities(token.text).trim();
  const url = openableImageUrl(token.href);
  const host = url ? hostOf(url) : '';
  const label = host ? t('image_placeholder', { alt: alt || '—', host }) : t('image_placeholder_inert', { alt: alt || '—' });
  const children = splitText(label);
  // Inside a live link the placeholder is not a second link (nested <a> would be ambiguous).
  if (url && !inLink) {
    return el(
      'a',
      {
        class: 'md-image',
        'data-testid': 'image-placeholder',
        href: url,
        target: '_blank',
        rel: 'noopener noreferrer',
        title: t('image_open_title', { url }),
      },
      children,
    );
  }
  return el('span', { class: 'md-image inert', 'data-testid': 'image-placeholder', ...(url ? { title: url } : {}) }, children);
}

function inline(tokens: readonly Token[] | undefined, into: Inline, inLink: boolean): void {
  for (const token of tokens ?? []) {
    switch (token.type) {
      case 'text':
        if ('tokens' in token && token.tokens) inline(token.tokens, into, inLink);
        else into.text(decodeEntities((token as Tokens.Text).text));
        break;
      case 'escape':
        into.text((token as Tokens.Escape).text);
        break;
      case 'html':
        // Raw HTML is words, never markup.
        into.text(token.raw);
        break;
      case 'strong':
      case 'em':
      case 'del': {
        const inner = new Inline();
        inline((token as Tokens.Strong).tokens, inner, inLink);
        into.node(el(token.type === 'strong' ? 'strong' : token.type === 'em' ? 'em' : 'del', null, inner.flush()));
        break;
      }
      case 'codespan':
        into.node(el('code', null, splitText((token as Tokens.Codespan).text)));
        break;
      case 'br':
        into.node(el('br', null, []));
        break;
      case 'checkbox':
        into.node(checkbox((token as Tokens.Checkbox).checked));
        break;
      case 'link': {
        const link = token as Tokens.Link;
        const url = inLink ? null : liveLinkUrl(link.href);
        const inner = new Inline();
        inline(link.tokens, inner, true);
        if (url) {
          into.node(el('a', { class: 'md-link', href: url, title: url, target: '_blank', rel: 'noopener noreferrer' }, inner.flush()));
        } else {
          into.node(el('span', { class: 'md-link inert' }, inner.flush()));
        }
        break;
      }
      case 'image':
        into.node(image(token as Tokens.Image, inLink));
        break;
      default:
        into.text(decodeEntities(token.raw));
    }
  }
}

export function inlineNodes(tokens: readonly Token[] | undefined): VNode[] {
  const into = new Inline();
  inline(tokens, into, false);
  return into.flush();
}

function codeBlock(token: Tokens.Code, closed: boolean): VElement {
  const lang = (token.lang ?? '').trim().split(/\s+/)[0] ?? '';
  const head: VNode[] = [];
  if (lang !== '') head.push(el('span', { class: 'md-code-lang' }, splitText(lang)));
  const copy: VElement = el('button', { type: 'button', class: 'md-copy', 'data-testid': 'copy-code' }, [t('code_copy')]);
  copy.copy = true;
  head.push(copy);
  const code: VElement = el('code', lang ? { 'data-lang': lang } : null, splitText(token.text));
  code.code = { text: token.text, lang, closed };
  return el('div', { class: 'md-code' }, [el('div', { class: 'md-code-head' }, head), el('pre', null, [code])]);
}

const ALIGN = (align: Tokens.TableCell['align']): Attrs | null => (align ? { 'data-align': align } : null);

function table(token: Tokens.Table): VElement {
  const head = el(
    'tr',
    null,
    token.header.map((cell) => el('th', { ...ALIGN(cell.align), scope: 'col' }, inlineNodes(cell.tokens))),
  );
  const rows = token.rows.map((row) =>
    el(
      'tr',
      null,
      row.map((cell) => el('td', ALIGN(cell.align), inlineNodes(cell.tokens))),
    ),
  );
  const parts: VNode[] = [el('thead', null, [head])];
  if (rows.length > 0) parts.push(el('tbody', null, rows));
  return el('div', { class: 'md-table' }, [el('table', null, parts)]);
}

function listItem(item: Tokens.ListItem, closed: boolean): VElement {
  const children: VNode[] = [];
  for (const child of item.tokens) {
    if (child.type === 'text') children.push(...inlineNodes((child as Tokens.Text).tokens ?? [child]));
    else if (child.type === 'checkbox') children.push(checkbox((child as Tokens.Checkbox).checked));
    else {
      const block = blockNode(child, closed);
      if (block) children.push(block);
    }
  }
  return el('li', item.task ? { class: 'task' } : null, children);
}

/**
 * One block token → its element (null for tokens that show nothing: blank lines, reference
 * definitions). `closed` says whether the block is complete (a code fence is highlighted then).
 */
export function blockNode(token: Token, closed: boolean): VElement | null {
  switch (token.type) {
    case 'space':
    case 'def':
      return null;
    case 'paragraph':
      return el('p', null, groupRuns(inlineNodes((token as Tokens.Paragraph).tokens)));
    case 'text':
      return el('p', null, inlineNodes((token as Tokens.Text).tokens ?? [token]));
    case 'heading': {
      const depth = Math.min(Math.max((token as Tokens.Heading).depth, 1), 6);
      return el(`h${depth}` as TagName, null, inlineNodes((token as Tokens.Heading).tokens));
    }
    case 'hr':
      return el('hr', null, []);
    case 'code':
      return codeBlock(token as Tokens.Code, closed);
    case 'blockquote': {
      const children = (token as Tokens.Blockquote).tokens.map((child) => blockNode(child, closed)).filter((v) => v !== null);
      return el('blockquote', null, children);
    }
    case 'list': {
      const list = token as Tokens.List;
      const start = typeof list.start === 'number' && list.start !== 1 ? { start: String(list.start) } : null;
      return el(
        list.ordered ? 'ol' : 'ul',
        list.items.some((i) => i.task) ? { ...start, class: 'tasks' } : start,
        list.items.map((item) => listItem(item, closed)),
      );
    }
    case 'table':
      return table(token as Tokens.Table);
    case 'html':
      // A raw HTML block is shown as the text it is.
      return el('p', { class: 'md-raw' }, splitText(token.raw.replace(/\n+$/, '')));
    default:
      return 'raw' in token && typeof token.raw === 'string' && token.raw.trim() !== '' ? el('p', null, splitText(token.raw)) : null;
  }
}
