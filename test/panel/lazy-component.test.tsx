// @vitest-environment happy-dom
/** A component loaded on first render: the fallback while it loads, told when the load failed, and a later render tries again. */
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { lazyComponent } from '../../src/panel/lazy-component.tsx';

let root: HTMLElement | null = null;
afterEach(() => {
  if (root) render(null, root);
  root?.remove();
});

async function mount(node: preact.ComponentChild) {
  root ??= document.body.appendChild(document.createElement('div'));
  await act(async () => render(node, root!));
  await act(() => new Promise((resolve) => setTimeout(resolve, 0)));
}

describe('lazyComponent', () => {
  it('shows the fallback, told the load failed; a later render loads it again and shows it', async () => {
    let attempts = 0;
    const Greeting = (props: { name: string }) => <p>Hello, {props.name}</p>;
    const Lazy = lazyComponent<{ name: string }>(
      () => (++attempts === 1 ? Promise.reject(new Error('updated under the panel')) : Promise.resolve(Greeting)),
      (failed) => <p>{failed ? 'could not load' : 'loading'}</p>,
    );
    await mount(<Lazy name="Ada" />);
    expect(root!.textContent).toBe('could not load');
    await act(async () => render(null, root!));
    await mount(<Lazy name="Ada" />);
    expect(root!.textContent).toBe('Hello, Ada');
    expect(attempts).toBe(2);
  });
});
