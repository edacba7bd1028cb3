import { render } from 'preact';
import { App } from '@/src/panel/App.tsx';
import { applyAppearanceHint, followSavedAppearance, restoreAppearance } from '@/src/panel/appearance.ts';
import '@/src/panel/panel.css';

const mount = () => {
  render(<App />, document.getElementById('app')!);
  followSavedAppearance();
};
// The theme and text size before the first render, so the panel never shows the wrong ones:
// the last open's copy applies at once (the saved choice follows it); on a first open, the
// saved choice is read first.
const restored = restoreAppearance();
if (applyAppearanceHint()) mount();
else void restored.finally(mount);
