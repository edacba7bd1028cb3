import { render } from 'preact';
import { App } from '@/src/panel/App.tsx';
import { applyAppearanceHint, followSavedAppearance, restoreAppearance } from '@/src/panel/appearance.ts';
import { LazySettingsForm } from '@/src/panel/components/LazySettingsForm.tsx';
import '@/src/panel/panel.css';

// The theme and text size before anything shows, so the panel never shows the wrong ones:
// the last open's copy applies at once (the saved choice follows it). Without one (a first
// open) the panel still mounts at once, so its port and reads start now, and shows nothing
// until the saved choice is read (the same read as its language).
const restored = restoreAppearance();
const hinted = applyAppearanceHint();
// No copy: most likely the first use, which shows settings; their form loads beside the reads.
if (!hinted) LazySettingsForm.preload();
render(<App {...(hinted ? {} : { appearanceReady: restored })} />, document.getElementById('app')!);
followSavedAppearance();
