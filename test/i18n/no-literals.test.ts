/**
 * No word reaches the screen without the catalog: in src/panel's .tsx files, JSX text with
 * letters is refused, and so are string literals in the attributes a user sees or hears.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const VISIBLE_ATTRIBUTES = new Set(['title', 'placeholder', 'aria-label', 'alt', 'label', 'aria-description', 'aria-placeholder']);
/** Letters in any script: a word. '·', '…', '→', spaces and punctuation are not. */
const WORD = /\p{L}/u;

export interface Literal {
  line: number;
  text: string;
  /** 'text' for JSX text, else the attribute's name. */
  where: string;
}

export function bareLiterals(fileName: string, source: string): Literal[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found: Literal[] = [];
  const at = (node: ts.Node) => file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
  const visit = (node: ts.Node) => {
    if (ts.isJsxText(node) && WORD.test(node.text)) {
      found.push({ line: at(node), text: node.text.trim(), where: 'text' });
    } else if (ts.isJsxAttribute(node)) {
      const name = node.name.getText(file);
      if (VISIBLE_ATTRIBUTES.has(name) && node.initializer) {
        // title="…" and title={'…'} / title={cond ? '…' : x}: every literal inside.
        const literals: ts.Node[] = [];
        const collect = (n: ts.Node) => {
          if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) || ts.isTemplateExpression(n)) literals.push(n);
          else if (!ts.isCallExpression(n)) ts.forEachChild(n, collect);
        };
        collect(node.initializer);
        for (const literal of literals) {
          const text = literal.getText(file);
          if (WORD.test(text)) found.push({ line: at(literal), text, where: name });
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

function tsxFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsxFiles(path);
    return entry.name.endsWith('.tsx') ? [path] : [];
  });
}

describe('no bare literals in the panel', () => {
  const files = tsxFiles(join(process.cwd(), 'src/panel'));

  it('finds the panel files', () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
  });

  it.each(files.map((file) => [file.slice(process.cwd().length + 1), file]))('%s says every word through i18n', (_name, file) => {
    expect(bareLiterals(file, readFileSync(file, 'utf8'))).toEqual([]);
  });

  it('the check catches a bare word in text and in visible attributes, and lets the rest through', () => {
    const fixture = `
      export const A = () => (
        <div class="row" data-testid="send-button" aria-hidden="true">
          <button title="Start a new conversation">{t('new_chat')}</button>
          <input placeholder={ready ? 'Ask anything…' : t('x')} aria-label={t('composer_label')} />
          <span> · </span>…<span>{count}</span>
          Send now
          <img alt="" />
          <span>设置</span>
        </div>
      );`;
    expect(bareLiterals('fixture.tsx', fixture).map(({ where, text }) => [where, text.split('\n')[0]!.trim()])).toEqual([
      ['title', '"Start a new conversation"'],
      ['placeholder', "'Ask anything…'"],
      ['text', 'Send now'],
      ['text', '设置'],
    ]);
  });
});
