/**
 * An answer's markdown as the plain text a reader sees ("Copy as text"): markup dropped,
 * list items and table rows kept one per line, code kept exactly, a link's address kept
 * after its words when they differ. Pure: no DOM, so it works on any answer, shown or not.
 */
import { Lexer, type Token, type Tokens } from 'marked';
import { decodeEntities } from './text.ts';

function inline(tokens: readonly Token[] | undefined): string {
  let text = '';
  for (const token of tokens ?? []) {
    switch (token.type) {
      case 'text':
        text += 'tokens' in token && token.tokens ? inline(token.tokens) : decodeEntities((token as Tokens.Text).text);
        break;
      case 'escape':
      case 'codespan':
        text += decodeEntities((token as Tokens.Codespan).text);
        break;
      case 'html':
        text += token.raw; // raw HTML is shown as text, so it is copied as text
        break;
      case 'br':
        text += '\n';
        break;
      case 'image':
        text += decodeEntities((token as Tokens.Image).text);
        break;
      case 'link': {
        const link = token as Tokens.Link;
        const words = inline(link.tokens);
        text += words === link.href || link.href.startsWith('mailto:') ? words : `${words} (${link.href})`;
        break;
      }
      default:
        text += 'tokens' in token && Array.isArray(token.tokens) ? inline(token.tokens) : decodeEntities(token.raw);
    }
  }
  return text;
}

const indent = (text: string, by: string) => text.replace(/\n(?=.)/g, `\n${by}`);

function blocks(tokens: readonly Token[]): string[] {
  const out: string[] = [];
  for (const token of tokens) {
    switch (token.type) {
      case 'space':
      case 'hr':
      case 'def':
      case 'checkbox': // a task item's box: the list writes it as [x] or [ ]
        break;
      case 'code':
        out.push((token as Tokens.Code).text);
        break;
      case 'heading':
      case 'paragraph':
        out.push(inline((token as Tokens.Paragraph).tokens));
        break;
      case 'text':
        out.push('tokens' in token && token.tokens ? inline(token.tokens) : decodeEntities((token as Tokens.Text).text));
        break;
      case 'blockquote':
        out.push(blocks((token as Tokens.Blockquote).tokens).join('\n\n'));
        break;
      case 'list': {
        const list = token as Tokens.List;
        const start = typeof list.start === 'number' ? list.start : 1;
        const items = list.items.map((item, i) => {
          const marker = list.ordered ? `${start + i}. ` : '- ';
          const box = item.task ? (item.checked ? '[x] ' : '[ ] ') : '';
          const body = blocks(item.tokens).join(list.loose ? '\n\n' : '\n');
          return marker + box + indent(body, ' '.repeat(marker.length));
        });
        out.push(items.join(list.loose ? '\n\n' : '\n'));
        break;
      }
      case 'table': {
        const table = token as Tokens.Table;
        const row = (cells: Tokens.TableCell[]) => cells.map((cell) => inline(cell.tokens)).join('\t');
        out.push([row(table.header), ...table.rows.map(row)].join('\n'));
        break;
      }
      case 'html':
        out.push(token.raw.trimEnd());
        break;
      default:
        out.push(decodeEntities(token.raw.trim()));
    }
  }
  return out;
}

/** The answer's text without markdown markup. */
export function markdownToPlainText(markdown: string): string {
  const tokens = new Lexer({ gfm: true, breaks: false, pedantic: false }).lex(markdown);
  return blocks(tokens)
    .filter((block) => block !== '')
    .join('\n\n');
}
