/**
 * 10,000 conversations for the history benchmark: a few turns each, answers of a few hundred
 * to a few thousand characters drawn from a Zipf-like vocabulary (so common words are very
 * common and rare ones rare, as in real text), some Chinese, and planted words whose
 * conversation counts are known, so every query's hits can be checked.
 */
import type { HistoryConversation } from '../../src/storage/history/schema.ts';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = ['ka', 'lo', 'mi', 'ra', 'ten', 'sor', 'vel', 'quin', 'dar', 'phe', 'lu', 'bri', 'sta', 'mon', 'gre', 'tha'];
const CJK = ['数据', '流式', '解析器', '渲染', '服务器', '浏览器', '扩展', '回答', '问题', '页面'];

/** The vocabulary: 5,000 made-up words, the first the most frequent. */
function vocabulary(random: () => number): string[] {
  const words = new Set<string>(['the', 'of', 'and', 'to', 'in', 'is', 'that', 'for', 'it', 'with']);
  // Up to four syllables: 16 + 16² + 16³ = 4,368 words of at most three could never reach
  // 5,000, and that endless loop is what hung (then crashed) an earlier version of this benchmark.
  while (words.size < 5_000) {
    const n = 1 + Math.floor(random() * 4);
    let word = '';
    for (let i = 0; i < n; i++) word += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
    words.add(word);
  }
  return [...words];
}

/** Planted words and how many conversations each is in. */
export const PLANTED = { rare: 'zyxwvut', some: 'explanatory', often: 'photosynthesis' } as const;
export const PLANTED_COUNTS = { rare: 1, some: 40, often: 2_000 } as const;

/** The corpus one conversation at a time (the same seed gives the same conversations), so a page never holds all 10,000. */
export function* generateConversations(count: number, seed = 7): Generator<HistoryConversation> {
  const random = rng(seed);
  const vocab = vocabulary(random);
  // Zipf: rank r has weight 1/r; sample by inverting the harmonic CDF approximately.
  const zipf = () => vocab[Math.min(vocab.length - 1, Math.floor(Math.exp(random() * Math.log(vocab.length))) - 1)]!;
  const sentence = (words: number) => {
    const out: string[] = [];
    for (let i = 0; i < words; i++) out.push(random() < 0.03 ? CJK[Math.floor(random() * CJK.length)]! : zipf());
    return `${out.join(' ')}.`;
  };
  const start = 1_750_000_000_000;
  for (let i = 0; i < count; i++) {
    const createdAt = start + i * 60_000;
    const turns: HistoryConversation['turns'] = [];
    const exchanges = 1 + Math.floor(random() * 3);
    for (let e = 0; e < exchanges; e++) {
      turns.push({ role: 'user', text: sentence(6 + Math.floor(random() * 10)) });
      let answer = '';
      const sentences = 5 + Math.floor(random() * 40);
      for (let s = 0; s < sentences; s++) answer += `${sentence(8 + Math.floor(random() * 12))} `;
      if (e === 0) {
        if (i === 4_321) answer += ` ${PLANTED.rare}`;
        if (i % 250 === 17) answer += ` ${PLANTED.some}`;
        if (i % 5 === 3) answer += ` ${PLANTED.often}`;
      }
      turns.push({ role: 'assistant', requestId: `r${i}-${e}`, text: answer.trim(), status: 'complete' });
    }
    yield {
      version: 1,
      id: `${createdAt.toString(36).padStart(9, '0')}-${i.toString(36).padStart(6, '0')}`,
      createdAt,
      updatedAt: createdAt + 30_000,
      pinned: i % 500 === 0,
      page: { title: sentence(4), url: `https://example.test/${i}` },
      turns,
    };
  }
}
