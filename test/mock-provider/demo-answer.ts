/**
 * The demo's canned answer (`npm start`, `npm run mock -- --demo`): a short extractive
 * summary built from the selection's own sentences, so the demo reads like a real answer
 * without any model. No model is called; the answer says so in its last line.
 *
 * How: the selection is taken out of Aside's `<selected_text-CODE>` fence (else the whole
 * question is used), cut into sentences with `Intl.Segmenter`, and each sentence is scored
 * by how often its content words occur in the whole text (a classic frequency summary),
 * divided by the square root of its length so long sentences do not win by size alone.
 * The best sentence leads; the next best, in reading order, become the key points.
 */
import type { Scenario } from './scenario.ts';

export interface DemoSummary {
  /** The page title from the fence's `title` attribute, when there is one. */
  title: string | null;
  /** The sentence that leads the answer. */
  lead: string | null;
  /** The other chosen sentences, in the order they appear in the text. */
  keyPoints: string[];
  /** The most frequent content words, most frequent first. */
  keyTerms: string[];
  sentences: number;
  words: number;
}

const MAX_KEY_POINTS = 3;
const MAX_KEY_TERMS = 4;

/** Words too common to say what a text is about (English only: the demo article is English). */
const STOPWORDS = new Set(
  (
    'a about above after again against all also am an and any are as at be because been before being below between both but by ' +
    'can could did do does doing down during each even every few for from further had has have having he her here hers him his ' +
    'how however i if in into is it its itself just more most much must my no nor not now of off on once one only or other our ' +
    'ours out over own same she should so some such than that the their them then there these they this those through to too ' +
    'under until up upon us very was we were what when where which while who whom why will with would you your yours'
  ).split(' '),
);

/** The selection inside Aside's fence and the page title, or the whole text when it has no fence. */
export function extractSelection(userText: string): { text: string; title: string | null } {
  const fenced = /<selected_text-([0-9a-f]+)([^>]*)>\n([\s\S]*?)\n<\/selected_text-\1>/.exec(userText);
  if (!fenced) return { text: userText, title: null };
  // The fence writes < and > in the title as entities (src/shared/fence.ts `attribute`).
  const title =
    /\btitle="([^"]*)"/
      .exec(fenced[2] ?? '')?.[1]
      ?.replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .trim() || null;
  return { text: fenced[3] ?? '', title };
}

export function splitSentences(text: string): string[] {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat === '') return [];
  const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });
  return Array.from(segmenter.segment(flat), (s) => s.segment.trim()).filter((s) => /\p{L}/u.test(s));
}

function contentWords(sentence: string): string[] {
  return (sentence.toLowerCase().match(/\p{L}[\p{L}\p{N}'’-]*/gu) ?? []).filter((w) => w.length > 2 && !STOPWORDS.has(w));
}

export function summarize(userText: string): DemoSummary {
  const { text, title } = extractSelection(userText);
  const sentences = splitSentences(text);
  const frequency = new Map<string, number>();
  let words = 0;
  for (const sentence of sentences) {
    words += sentence.split(' ').length;
    for (const word of contentWords(sentence)) frequency.set(word, (frequency.get(word) ?? 0) + 1);
  }
  const score = (sentence: string) => {
    const found = contentWords(sentence);
    const total = found.reduce((sum, word) => sum + (frequency.get(word) ?? 0), 0);
    return found.length === 0 ? 0 : total / Math.sqrt(sentence.split(' ').length);
  };
  // Best first; ties keep reading order (sort is stable). Writers tend to open with what
  // matters (the "lead"), so the first sentences get a small bonus.
  const ranked = sentences
    .map((sentence, index) => ({ sentence, index, score: score(sentence) * (1 + 0.5 / (index + 1)) }))
    .sort((a, b) => b.score - a.score);
  const [best, ...rest] = ranked;
  const keyPoints = rest
    .slice(0, MAX_KEY_POINTS)
    .sort((a, b) => a.index - b.index)
    .map((r) => r.sentence);
  const keyTerms = [...frequency]
    .filter(([, count]) => count > 1)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, MAX_KEY_TERMS)
    .map(([word]) => word);
  return { title, lead: best?.sentence ?? null, keyPoints, keyTerms, sentences: sentences.length, words };
}

/** Page text must read as written, not as markup: escape what Markdown would act on. */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>|#]/g, (c) => `\\${c}`);
}

/** One Markdown block of the answer; a table streams `whole`, so the panel never shows it half made as raw pipes. */
interface Block {
  markdown: string;
  whole?: boolean;
}

function answerBlocks(userText: string): Block[] {
  const summary = summarize(userText);
  const note = {
    markdown: '_A canned demo answer from the mock provider, made of the selection’s own sentences: no model was called._',
  };
  if (summary.lead === null) {
    return [
      { markdown: '## Nothing to summarize yet' },
      { markdown: 'Select a paragraph on the page, right-click it and pick **Summarize with Aside**.' },
      note,
    ];
  }
  const blocks: Block[] = [
    { markdown: summary.title ? `## Summary: ${escapeMarkdown(summary.title)}` : '## Summary' },
    { markdown: escapeMarkdown(summary.lead) },
  ];
  if (summary.keyPoints.length > 0) {
    blocks.push({ markdown: '**Key points**' }, { markdown: summary.keyPoints.map((p) => `- ${escapeMarkdown(p)}`).join('\n') });
  }
  const terms = summary.keyTerms.length > 0 ? summary.keyTerms.map((t) => `\`${t}\``).join(', ') : '(none repeated)';
  const rows = [
    '| Read | Count |',
    '| --- | --- |',
    `| Sentences | ${summary.sentences} |`,
    `| Words | ${summary.words} |`,
    `| Key terms | ${terms} |`,
  ];
  blocks.push({ markdown: rows.join('\n'), whole: true }, note);
  return blocks;
}

/** The answer as Markdown: a heading, the lead sentence, key points, and a small table. */
export function demoAnswerMarkdown(userText: string): string {
  return answerBlocks(userText)
    .map((b) => b.markdown)
    .join('\n\n');
}

/** The answer cut into deltas the way models stream words ("a b" → ["a", " b"]), blank lines kept between blocks. */
export function demoAnswer(userText: string): string[] {
  return answerBlocks(userText).flatMap((block, i) => {
    const text = i === 0 ? block.markdown : `\n\n${block.markdown}`;
    return block.whole ? [text] : (text.match(/\s*\S+/g) ?? []);
  });
}

/** The mock's default scenario in the demo: the summary above, a word every 30 ms. */
export const DEMO_SCENARIO: Scenario = { delayMs: 30, answer: demoAnswer };
