/**
 * Demo builds only (`--mode demo`, made by `npm start`; src/background/index.ts): on the
 * first start, point Aside at the bundled mock provider with a dummy key, so the demo
 * answers at once with nothing to set up. The mock's address is fixed when the demo is
 * built (WXT_DEMO_MOCK_URL, set by scripts/start.ts). Other builds drop this module.
 */
import { loadApiKey, saveApiKey } from '../storage/keys.ts';
import { DEFAULT_SETTINGS, loadSettings, saveSettings } from '../storage/settings.ts';

/** Not a secret: the mock accepts any key, and the panel wants one before it asks. */
export const DEMO_API_KEY = 'sk-aside-demo';
export const DEMO_MODEL = 'aside-demo';

export async function presetDemoSettings(mockUrl: string): Promise<void> {
  // A key already there means the user (or an earlier start) chose: keep their choice.
  if ((await loadApiKey('anthropic')) !== '') return;
  const settings = await loadSettings();
  await saveSettings({
    ...DEFAULT_SETTINGS,
    modelOptions: settings.modelOptions,
    provider: 'anthropic',
    model: DEMO_MODEL,
    baseUrl: mockUrl,
  });
  await saveApiKey(DEMO_API_KEY, 'anthropic');
}
