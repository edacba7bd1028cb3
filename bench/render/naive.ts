/**
 * The "re-parse and re-render everything" baseline: on every call, marked's lexer over the
 * WHOLE text, then a fresh DOM built from the tokens replaces the container's children.
 * A plain, reasonable implementation (createElement/createTextNode, no innerHTML, no
 * highlighting), so that its cost is the cost of the approach, not of a careless renderer.
 */
import { Lexer, type Token, type Tokens } from 'marked';

function inline(doc: Document, tokens: readonly Token[] | undefined, into: Node): void {
  for (const token of tokens ?? []) {
    switch (token.type) {
      case 'strong':
      case 'em':
      case 'del': {
        const el = doc.createElement(token.type === 'del' ? 'del' : token.type);
        inline(doc, (token as Tokens.Strong).tokens, el);
        into.appendChild(el);
        break;
      }
      case 'codespan': {
        const el = doc.createElement('code');
        el.textContent = (token as Tokens.Codespan).text;
        into.appendChild(el);
        break;
      }
      case 'link': {
        const link = token as Tokens.Link;
        const el = doc.createElement('a');
        el.setAttribute('href', link.href);
        inline(doc, link.tokens, el);
        into.appendChild(el);
        break;
      }
      case 'br':
        into.appendChild(doc.createElement('br'));
        break;
      case 'text': {
        const text = token as Tokens.Text;
        if (text.tokens) inline(doc, text.tokens, into);
        else into.appendChild(doc.createTextNode(text.text));
        break;
      }
      case 'escape':
        into.appendChild(doc.createTextNode((token as Tokens.Escape).text));
        break;
      default:
        into.appendChild(doc.createTextNode(token.raw));
    }
  }
}

function block(doc: Document, token: Token, into: Node): void {
  switch (token.type) {
    case 'space':
      return;
    case 'heading': {
      const heading = token as Tokens.Heading;
      const el = doc.createElement(`h${heading.depth}`);
      inline(doc, heading.tokens, el);
      into.appendChild(el);
      return;
    }
    case 'paragraph': {
      const el = doc.createElement('p');
      inline(doc, (token as Tokens.Paragraph).tokens, el);
      into.appendChild(el);
      return;
    }
    case 'text': {
      // A tight list item's text: inline content, no <p>.
      const text = token as Tokens.Text;
      if (text.tokens) inline(doc, text.tokens, into);
      else into.appendChild(doc.createTextNode(text.text));
      return;
    }
    case 'code': {
      const code = token as Tokens.Code;
      const pre = doc.createElement('pre');
      const el = doc.createElement('code');
      if (code.lang) el.className = `language-${code.lang}`;
      el.textContent = code.text;
      pre.appendChild(el);
      into.appendChild(pre);
      return;
    }
    case 'blockquote': {
      const el = doc.createElement('blockquote');
      for (const child of (token as Tokens.Blockquote).tokens) block(doc, child, el);
      into.appendChild(el);
      return;
    }
    case 'list': {
      const list = token as Tokens.List;
      const el = doc.createElement(list.ordered ? 'ol' : 'ul');
      for (const item of list.items) {
        const li = doc.createElement('li');
        for (const child of item.tokens) block(doc, child, li);
        el.appendChild(li);
      }
      into.appendChild(el);
      return;
    }
    case 'table': {
      const table = token as Tokens.Table;
      const el = doc.createElement('table');
      const head = doc.createElement('thead');
      const headRow = doc.createElement('tr');
      for (const cell of table.header) {
        const th = doc.createElement('th');
        inline(doc, cell.tokens, th);
        headRow.appendChild(th);
      }
      head.appendChild(headRow);
      el.appendChild(head);
      const body = doc.createElement('tbody');
      for (const row of table.rows) {
        const tr = doc.createElement('tr');
        for (const cell of row) {
          const td = doc.createElement('td');
          inline(doc, cell.tokens, td);
          tr.appendChild(td);
        }
        body.appendChild(tr);
      }
      el.appendChild(body);
      into.appendChild(el);
      return;
    }
    case 'hr':
      into.appendChild(doc.createElement('hr'));
      return;
    default:
      into.appendChild(doc.createTextNode(token.raw));
  }
}

/** Lexes all of `text` and replaces the container's children with its rendering. */
export function renderAll(container: HTMLElement, text: string): void {
  const doc = container.ownerDocument;
  const fragment = doc.createDocumentFragment();
  for (const token of new Lexer({ gfm: true }).lex(text)) block(doc, token, fragment);
  container.replaceChildren(fragment);
}
