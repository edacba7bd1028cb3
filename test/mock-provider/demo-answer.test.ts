import { describe, expect, it } from 'vitest';
import { DEMO_SCENARIO, demoAnswer, demoAnswerMarkdown, extractSelection, splitSentences, summarize } from './demo-answer.ts';
import { startMockProvider } from './server.ts';

const PASSAGE =
  'A good home for a swarm is a dry cavity of about forty litres. ' +
  'Scouts that find a promising cavity return to the swarm and dance. ' +
  'The better the cavity, the longer a scout dances. ' +
  'Honestly, nobody knows. ' +
  'When fifteen scouts meet at one cavity, the swarm takes off.';

/** What Aside sends for a Summarize (src/shared/fence.ts), fence and all. */
const fenced = (text: string, title = 'Bees') =>
  `<selected_text-0123456789abcdef source="http://127.0.0.1/a.html" title="${title}">\n${text}\n</selected_text-0123456789abcdef>\n\nSummarize this.`;

describe('extractSelection', () => {
  it('takes the text and the title out of the fence', () => {
    expect(extractSelection(fenced(PASSAGE))).toEqual({ text: PASSAGE, title: 'Bees' });
  });

  it('uses the whole text when there is no fence', () => {
    expect(extractSelection('What is a quorum?')).toEqual({ text: 'What is a quorum?', title: null });
  });
});

describe('splitSentences', () => {
  it('cuts at sentence ends and folds white space', () => {
    expect(splitSentences('One   two.\nThree four?  Five!')).toEqual(['One two.', 'Three four?', 'Five!']);
    expect(splitSentences('  \n ')).toEqual([]);
  });
});

describe('summarize', () => {
  it('leads with an informative sentence and keeps the key points in reading order', () => {
    const summary = summarize(fenced(PASSAGE));
    expect(summary.lead).toBe('A good home for a swarm is a dry cavity of about forty litres.');
    expect(summary.keyPoints).toEqual([
      'Scouts that find a promising cavity return to the swarm and dance.',
      'The better the cavity, the longer a scout dances.',
      'When fifteen scouts meet at one cavity, the swarm takes off.',
    ]);
    // The sentence with no repeated content words is the one left out.
    expect([summary.lead, ...summary.keyPoints]).not.toContain('Honestly, nobody knows.');
    expect(summary.keyTerms.slice(0, 2)).toEqual(['cavity', 'swarm']);
    expect(summary).toMatchObject({ title: 'Bees', sentences: 5 });
  });
});

describe('demoAnswerMarkdown', () => {
  it('is a heading, the lead, key points, a table and an honest note, quoting the selection word for word', () => {
    const markdown = demoAnswerMarkdown(fenced(PASSAGE));
    expect(markdown.split('\n\n')[0]).toBe('## Summary: Bees');
    expect(markdown).toContain('\n- Scouts that find a promising cavity return to the swarm and dance.\n');
    expect(markdown).toContain('| Sentences | 5 |');
    expect(markdown).toContain('| Key terms | `cavity`, `swarm`,');
    expect(markdown).toMatch(/no model was called\._$/);
  });

  it('escapes page text that Markdown would act on', () => {
    const markdown = demoAnswerMarkdown(fenced('Use *stars* and [links](http://x) | pipes.', 'A &lt;b&gt; title'));
    expect(markdown).toContain('## Summary: A \\<b\\> title');
    expect(markdown).toContain('Use \\*stars\\* and \\[links\\](http://x) \\| pipes.');
  });

  it('says what to do when there is nothing to summarize', () => {
    expect(demoAnswerMarkdown(fenced('   '))).toMatch(/^## Nothing to summarize yet\n\nSelect a paragraph/);
  });
});

describe('demoAnswer', () => {
  it('streams word by word, the table in one piece, and joins back to the Markdown', () => {
    const deltas = demoAnswer(fenced(PASSAGE));
    expect(deltas.join('')).toBe(demoAnswerMarkdown(fenced(PASSAGE)));
    expect(deltas.slice(0, 3)).toEqual(['##', ' Summary:', ' Bees']);
    const table = deltas.filter((d) => d.includes('|'));
    expect(table).toHaveLength(1);
    expect(table[0]).toMatch(/^\n\n\| Read \| Count \|\n\| --- \| --- \|\n/);
  });
});

describe('the mock with DEMO_SCENARIO', () => {
  it('answers an Anthropic stream with the summary of the request', async () => {
    const mock = await startMockProvider({ defaultScenario: DEMO_SCENARIO });
    try {
      const response = await fetch(`${mock.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01' },
        body: JSON.stringify({ model: 'm', max_tokens: 4096, stream: true, messages: [{ role: 'user', content: fenced(PASSAGE) }] }),
      });
      const body = await response.text();
      const text = [...body.matchAll(/"text_delta","text":("(?:[^"\\]|\\.)*")/g)].map((m) => JSON.parse(m[1]!) as string).join('');
      expect(text).toBe(demoAnswerMarkdown(fenced(PASSAGE)));
    } finally {
      await mock.close();
    }
  });
});
