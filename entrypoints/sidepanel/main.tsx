import { render } from 'preact';
import { App } from '@/src/panel/App.tsx';
import { followSavedAppearance, restoreAppearance } from '@/src/panel/appearance.ts';
import '@/src/panel/panel.css';

// The saved theme and text size first, so the panel never renders in the wrong ones.
void restoreAppearance().finally(() => {
  render(<App />, document.getElementById('app')!);
  followSavedAppearance();
});
