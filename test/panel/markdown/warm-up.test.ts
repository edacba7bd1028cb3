// @vitest-environment happy-dom
/**
 * The renderer's warm-up (run when the module loads, during the provider's round trip) renders
 * into a hidden element of its own and removes it: the page is left exactly as it was, and
 * nothing it rendered is announced or fetched.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createStreamingRenderer, warmUpRenderer } from '../../../src/panel/markdown/index.ts';

afterEach(() => {
  document.body.replaceChildren();
  vi.restoreAllMocks();
});

describe('warmUpRenderer', () => {
  it('renders a sample in a hidden element of its own, and leaves the page as it was', () => {
    document.body.innerHTML = '<main><p>The panel</p></main>';
    const before = document.body.innerHTML;
    const appended: Node[] = [];
    const append = document.body.appendChild.bind(document.body);
    vi.spyOn(document.body, 'appendChild').mockImplementation(<T extends Node>(node: T): T => {
      appended.push(node);
      return append(node);
    });
    const fetched = vi.fn();
    vi.stubGlobal('fetch', fetched);
    warmUpRenderer();
    expect(document.body.innerHTML).toBe(before);
    // It did render: a sample with a heading, a list, a table and a code block.
    expect(appended).toHaveLength(1);
    const host = appended[0] as HTMLElement;
    expect(host.getAttribute('aria-hidden')).toBe('true');
    expect(host.style.visibility).toBe('hidden');
    expect(host.querySelector('h1')?.textContent).toMatch(/^Title /);
    expect(host.querySelectorAll('li').length).toBeGreaterThan(1);
    expect(host.querySelector('table')).not.toBeNull();
    expect(host.querySelector('pre code')?.textContent).toContain('plain code');
    expect(fetched).not.toHaveBeenCalled();
    vi.unstubAllGlobals();
  });

  it('a renderer made after it renders as one made without it', () => {
    const text = '## Hello\n\n- **a**\n- b\n';
    const cold = document.createElement('div');
    createStreamingRenderer(cold).end(text);
    warmUpRenderer();
    const warm = document.createElement('div');
    createStreamingRenderer(warm).end(text);
    expect(warm.innerHTML).toBe(cold.innerHTML);
  });
});
