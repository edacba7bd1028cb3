import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  allFileName,
  conversationMarkdown,
  conversationsMarkdown,
  exportJson,
  fileNameFor,
} from '../../../src/panel/history/export.ts';
import { checkImport, existingFrom, type ImportCheck } from '../../../src/panel/history/import.ts';
import { MAX_IMPORT_BYTES, MAX_IMPORT_CONVERSATIONS, MAX_IMPORT_REASONS } from '../../../src/shared/limits.ts';
import { openHistory, type HistoryStore } from '../../../src/storage/history/db.ts';
import { allConversations } from '../../../src/storage/history/edits.ts';
import { newConversationId, type HistoryConversation } from '../../../src/storage/history/schema.ts';

let clock = 1_700_000_000_000;
function conversation(question: string, answer: string, extra: Partial<HistoryConversation> = {}): HistoryConversation {
  clock += 1_000;
  return {
    version: 1,
    id: newConversationId(clock),
    createdAt: clock,
    updatedAt: clock,
    pinned: false,
    turns: [
      { role: 'user', text: question },
      { role: 'assistant', requestId: `r${clock}`, text: answer, status: 'complete' },
    ],
    ...extra,
  };
}

const nothing = existingFrom([]);
const plan = (check: ImportCheck) => {
  if (!check.ok) throw new Error(`refused: ${check.problem.reason}`);
  return check.plan;
};
const envelope = (conversations: unknown[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({ format: 'aside-conversations', version: 1, exportedAt: 1, conversations, ...extra });

describe('import: hostile files', () => {
  it('refuses a file over the size limit before parsing it', () => {
    const check = checkImport(' '.repeat(MAX_IMPORT_BYTES + 1), nothing);
    expect(check).toEqual({ ok: false, problem: { reason: 'too-large', max: MAX_IMPORT_BYTES } });
  });

  it('refuses what is not JSON, and JSON that is not an export', () => {
    expect(checkImport('{"format": "aside-conv', nothing)).toEqual({ ok: false, problem: { reason: 'not-json' } });
    expect(checkImport('[1, 2]', nothing)).toEqual({ ok: false, problem: { reason: 'not-an-export' } });
    expect(checkImport(JSON.stringify({ format: 'other', version: 1, conversations: [] }), nothing)).toEqual({
      ok: false,
      problem: { reason: 'not-an-export' },
    });
    expect(checkImport('null', nothing)).toEqual({ ok: false, problem: { reason: 'not-an-export' } });
  });

  it('refuses another version of the format, saying which', () => {
    expect(checkImport(envelope([], { version: 2 }), nothing)).toEqual({
      ok: false,
      problem: { reason: 'wrong-version', version: '2' },
    });
  });

  it('refuses 100,000 conversations at once, without checking any', () => {
    const many = Array.from({ length: 100_000 }, () => ({}));
    const started = performance.now();
    const check = checkImport(envelope(many), nothing);
    expect(check).toEqual({ ok: false, problem: { reason: 'too-many', count: 100_000, max: MAX_IMPORT_CONVERSATIONS } });
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('drops __proto__ keys: nothing is polluted and no conversation carries one', () => {
    const good = conversation('Q', 'A');
    const text = envelope([good]).replace('"version":1,"id"', '"__proto__":{"polluted":true},"version":1,"id"');
    expect(text).toContain('__proto__');
    const withTopLevel = text.replace('{"format"', '{"__proto__":{"polluted":true},"format"');
    const { fresh } = plan(checkImport(withTopLevel, nothing));
    expect(fresh).toEqual([good]);
    expect(Object.getPrototypeOf(fresh[0])).toBe(Object.prototype);
    expect(Object.hasOwn(fresh[0]!, '__proto__')).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('rejects conversations that are wrong, saying where, and keeps the good ones', () => {
    const good = conversation('Q', 'A');
    const wrongVersion = { ...conversation('Q2', 'A2'), version: 7 };
    const badTurn = { ...conversation('Q3', 'A3'), turns: [{ role: 'robot', text: 'x' }] };
    const { fresh, rejected, rejectedCount } = plan(checkImport(envelope([good, wrongVersion, 'nope', badTurn]), nothing));
    expect(fresh).toEqual([good]);
    expect(rejectedCount).toBe(3);
    expect(rejected).toEqual([
      { position: 2, field: 'version' },
      { position: 3, field: '—' },
      { position: 4, field: 'turns.0.role' },
    ]);
  });

  it('names at most MAX_IMPORT_REASONS rejections, and counts them all', () => {
    const result = plan(checkImport(envelope(Array.from({ length: 500 }, () => ({ id: 1 }))), nothing));
    expect(result.rejected).toHaveLength(MAX_IMPORT_REASONS);
    expect(result.rejectedCount).toBe(500);
  });
});

describe('import: duplicates', () => {
  it('skips conversations stored already, by id or by content, and copies within the file', () => {
    const stored = conversation('Stored', 'Already here');
    const sameContent = { ...stored, id: newConversationId(clock + 99), title: 'Renamed copy' };
    const fresh1 = conversation('New', 'One');
    const existing = existingFrom([
      {
        id: stored.id,
        title: 'Stored',
        createdAt: stored.createdAt,
        updatedAt: stored.updatedAt,
        pinned: 0,
        preview: 'Already here',
        turnCount: 2,
      },
    ]);
    const result = plan(checkImport(envelope([stored, sameContent, fresh1, fresh1]), existing));
    expect(result.fresh).toEqual([fresh1]);
    expect(result.already).toBe(3);
    expect(result.rejectedCount).toBe(0);
  });
});

describe('export', () => {
  let store: HistoryStore;
  beforeEach(async () => {
    store = await openHistory(`test-export-${Math.random()}`);
  });
  afterEach(() => store.close());

  it('export then import into an empty store gives the same conversations; again, none are new', async () => {
    const originals = [
      conversation('What do foxes eat?', 'Foxes eat **almost anything**.', {
        page: { title: 'Foxes [wild]', url: 'https://e.test/f' },
      }),
      conversation('数据流是什么？', '数据流是……', { pinned: true, title: 'My title' }),
      {
        ...conversation('Explain', 'It means…'),
        turns: [
          {
            role: 'user' as const,
            text: 'Explain',
            selection: { text: 'quoted\n\ntext', title: 'Page', url: 'https://e.test/', originalLength: 12, truncated: false },
          },
          { role: 'assistant' as const, requestId: 'rx', text: 'Partial', status: 'interrupted' as const, stopReason: 'max_tokens' },
        ],
      },
    ];
    await store.saveMany(originals);
    const text = exportJson(await allConversations(store), 1_800_000_000_000);
    expect(JSON.parse(text)).toMatchObject({ format: 'aside-conversations', version: 1, exportedAt: 1_800_000_000_000 });

    const target = await openHistory(`test-import-${Math.random()}`);
    try {
      const first = plan(checkImport(text, existingFrom(await target.list())));
      expect(first).toMatchObject({ already: 0, rejectedCount: 0 });
      await target.saveMany(first.fresh);
      const byId = (list: HistoryConversation[]) => [...list].sort((a, b) => a.id.localeCompare(b.id));
      expect(byId(await allConversations(target))).toEqual(byId(originals));
      const again = plan(checkImport(text, existingFrom(await target.list())));
      expect(again).toMatchObject({ fresh: [], already: 3, rejectedCount: 0 });
    } finally {
      target.close();
    }
  });

  it('Markdown has the title, the page, each question (with its selection quoted) and answer', () => {
    const c: HistoryConversation = {
      ...conversation('Explain', ''),
      page: { title: 'A [page]', url: 'https://e.test/a b' },
      turns: [
        {
          role: 'user',
          text: 'Explain this',
          selection: { text: 'line one\n\nline two', title: 'A', url: 'https://e.test/', originalLength: 18, truncated: false },
        },
        { role: 'assistant', requestId: 'r', text: '**It** means:\n\n- one', status: 'complete' },
      ],
    };
    const labels = { question: 'Question', answer: 'Answer', selection: 'Selection', page: 'Page', date: () => '3 December 2026' };
    expect(conversationMarkdown(c, labels)).toBe(
      [
        '# Explain this',
        '',
        '3 December 2026',
        '',
        'Page: [A \\[page\\]](<https://e.test/a b>)',
        '',
        '## Question',
        '',
        'Selection:',
        '',
        '> line one',
        '>',
        '> line two',
        '',
        'Explain this',
        '',
        '## Answer',
        '',
        '**It** means:',
        '',
        '- one',
        '',
      ].join('\n'),
    );
    expect(conversationsMarkdown([c, c], labels).split('\n---\n')).toHaveLength(2);
  });

  it('file names are short and safe, in any script', () => {
    expect(fileNameFor('What do foxes eat? / ../etc', 'md')).toBe('aside-What-do-foxes-eat-etc.md');
    expect(fileNameFor('数据流', 'json')).toBe('aside-数据流.json');
    expect(fileNameFor('???', 'json')).toBe('aside-conversation.json');
    expect(allFileName(new Date(2026, 11, 3, 10).getTime(), 'json')).toBe('aside-conversations-2026-12-03.json');
  });
});
