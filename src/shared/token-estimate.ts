/**
 * A token count estimated from text, for providers that report none. Tokenizers differ by
 * model, so this is a rough, documented rule, always shown with "≈": a CJK character (Han,
 * kana, Hangul) is about one token; other text about four characters per token.
 */
const WIDE = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]/g;

export function estimateTokens(text: string): number {
  if (text === '') return 0;
  const wide = text.match(WIDE)?.length ?? 0;
  return wide + Math.ceil((text.length - wide) / 4);
}
