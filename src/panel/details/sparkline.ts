/** The points of a small line chart of inter-token gaps, in a width × height box. Pure. */
export function sparklinePoints(gaps: readonly number[], width: number, height: number): string {
  if (gaps.length === 0) return '';
  const max = Math.max(1, ...gaps);
  const step = gaps.length > 1 ? width / (gaps.length - 1) : 0;
  return gaps.map((gap, i) => `${(i * step).toFixed(1)},${(height - (gap / max) * height).toFixed(1)}`).join(' ');
}
