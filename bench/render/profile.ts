/** Self time by function from a CDP `Profiler.stop` profile (what the slow parts are). */

export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

/** The `top` functions by self time, as lines "ms  %  name (file:line)"; idle left out. */
export function summarizeProfile(profile: CpuProfile, top: number): string[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)?.callFrame;
    if (!frame || frame.functionName === '(idle)') return;
    const us = profile.timeDeltas[i + 1] ?? 0; // a sample's time runs until the next one
    const file = frame.url.slice(frame.url.lastIndexOf('/') + 1);
    const key = file ? `${frame.functionName || '(anonymous)'} (${file}:${frame.lineNumber + 1})` : frame.functionName;
    self.set(key, (self.get(key) ?? 0) + us);
    busy += us;
  });
  const rows = [...self].sort((a, b) => b[1] - a[1]).slice(0, top);
  return [
    `busy ${(busy / 1000).toFixed(0)} ms sampled; top ${rows.length} by self time:`,
    ...rows.map(([key, us]) => `${(us / 1000).toFixed(1).padStart(8)} ms ${((100 * us) / busy).toFixed(1).padStart(5)} %  ${key}`),
  ];
}
