/**
 * The panel's colours (src/panel/panel.css, each `--name: light-dark(light, dark)`) are
 * readable in both themes: WCAG AA, 4.5:1 for text on every background it is used on, and
 * 3:1 for the edge of a text field (WCAG 1.4.11).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const css = readFileSync(join(process.cwd(), 'src/panel/panel.css'), 'utf8');
const THEMES = ['light', 'dark'] as const;
type Theme = (typeof THEMES)[number];

/** `--name` → its colour in each theme, `var(--other)` resolved. */
function palette(): Record<string, Record<Theme, string>> {
  const rootBlock = /:root\s*\{([^}]*)\}/.exec(css)?.[1] ?? '';
  const raw = new Map<string, string>();
  for (const match of rootBlock.matchAll(/(--[\w-]+):\s*([^;]+);/g)) raw.set(match[1]!, match[2]!.trim());
  const resolve = (value: string, theme: Theme): string | null => {
    const reference = /^var\((--[\w-]+)\)$/.exec(value);
    if (reference) return resolve(raw.get(reference[1]!) ?? '', theme);
    const pair = /^light-dark\((#[0-9a-f]{6}),\s*(#[0-9a-f]{6})\)$/i.exec(value);
    if (pair) return theme === 'light' ? pair[1]! : pair[2]!;
    return /^#[0-9a-f]{6}$/i.test(value) ? value : null;
  };
  const colours: Record<string, Record<Theme, string>> = {};
  for (const [name, value] of raw) {
    const light = resolve(value, 'light');
    const dark = resolve(value, 'dark');
    if (light && dark) colours[name] = { light, dark };
  }
  return colours;
}

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (high + 0.05) / (low + 0.05);
}

const colours = palette();

/** Text colour → the backgrounds it is drawn on (see panel.css). */
const TEXT_ON: Record<string, string[]> = {
  '--fg': ['--bg', '--card', '--code-bg'],
  '--muted': ['--bg', '--card', '--danger-bg', '--code-bg'],
  '--accent': ['--bg', '--card'], // links, also in table cells and cards
  '--accent-fg': ['--accent'], // primary buttons
  '--danger': ['--bg', '--danger-bg'],
  '--danger-fg': ['--danger'], // Stop
  '--code-keyword': ['--code-bg'],
  '--code-string': ['--code-bg'],
  '--code-number': ['--code-bg'],
  '--code-title': ['--code-bg'],
  '--code-tag': ['--code-bg'],
  '--code-type': ['--code-bg'],
};

describe('the panel’s palette', () => {
  it('defines every colour the checks name, in both themes, and the two themes differ', () => {
    for (const name of [...Object.keys(TEXT_ON), ...Object.values(TEXT_ON).flat(), '--field-line']) {
      expect(colours[name], name).toBeDefined();
    }
    expect(colours['--bg']!.light).not.toBe(colours['--bg']!.dark);
  });

  for (const theme of THEMES) {
    it(`has text at 4.5:1 or more on its backgrounds, ${theme}`, () => {
      for (const [text, backgrounds] of Object.entries(TEXT_ON)) {
        for (const background of backgrounds) {
          const ratio = contrast(colours[text]![theme], colours[background]![theme]);
          expect(ratio, `${text} on ${background} (${theme})`).toBeGreaterThanOrEqual(4.5);
        }
      }
    });

    it(`has text field edges at 3:1 or more, ${theme}`, () => {
      expect(contrast(colours['--field-line']![theme], colours['--bg']![theme])).toBeGreaterThanOrEqual(3);
    });
  }

  it('the contrast formula gives WCAG’s known values', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
  });
});
