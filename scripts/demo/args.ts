/**
 * `npm start [-- --firefox] [-- --headless | --headed] [-- --screenshot FILE]`: what the
 * demo launcher was asked for, and which browser binary it will use. Pure but for
 * `findExecutable`, which looks at the file system.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

export type DemoBrowser = 'chromium' | 'firefox';

export interface StartOptions {
  browser: DemoBrowser;
  /** No window: the answer is printed and the panel saved as a PNG, then the demo exits. */
  headless: boolean;
  /** Where the headless run saves the panel; null: `.output/demo-panel-<browser>.png`. */
  screenshot: string | null;
}

export type ParsedStartArgs = { kind: 'run'; options: StartOptions } | { kind: 'help' } | { kind: 'error'; message: string };

export const START_USAGE = `usage: npm start [-- --firefox] [-- --headless | --headed] [-- --screenshot FILE]

Builds Aside in demo mode (preset to the bundled mock provider), starts the mock and a demo
article on 127.0.0.1, and opens the browser with Aside loaded.

  --firefox          Firefox (firefox-esr or firefox, or FIREFOX_PATH) instead of Chromium
  --headless         no window: ask about the article, print the streamed answer, save the
                     panel as a PNG and exit (the default when there is no display)
  --headed           a window even if DISPLAY / WAYLAND_DISPLAY is not set
  --screenshot FILE  where the headless run saves the panel (default .output/demo-panel-<browser>.png)
  --help             this text`;

type Env = Readonly<Record<string, string | undefined>>;

/** A display is there when X11 or Wayland says so (macOS and Windows always have one). */
export function hasDisplay(env: Env, platform: NodeJS.Platform = process.platform): boolean {
  if (platform === 'darwin' || platform === 'win32') return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

export function parseStartArgs(argv: readonly string[], env: Env, platform: NodeJS.Platform = process.platform): ParsedStartArgs {
  let browser: DemoBrowser = 'chromium';
  let headless: boolean | null = null;
  let screenshot: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = name === arg ? undefined : arg.slice(eq + 1);
    if (name === '--help' || name === '-h') return { kind: 'help' };
    else if (name === '--firefox') browser = 'firefox';
    else if (name === '--chromium' || name === '--chrome') browser = 'chromium';
    else if (name === '--headless' || name === '--headed') {
      const wanted = name === '--headless';
      if (headless !== null && headless !== wanted) return { kind: 'error', message: '--headless and --headed cannot both be given' };
      headless = wanted;
    } else if (name === '--screenshot') {
      const value = inline ?? argv[++i];
      if (!value || value.startsWith('--'))
        return { kind: 'error', message: '--screenshot needs a file name, e.g. --screenshot panel.png' };
      screenshot = value;
    } else return { kind: 'error', message: `unknown option ${arg}` };
  }
  return { kind: 'run', options: { browser, headless: headless ?? !hasDisplay(env, platform), screenshot } };
}

/** Browser binaries tried in order: Chromium first, because branded Google Chrome (137+) ignores --load-extension. */
export const BROWSER_CANDIDATES: Readonly<Record<DemoBrowser, readonly string[]>> = {
  chromium: ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome'],
  firefox: ['firefox-esr', 'firefox'],
};

export const BROWSER_ENV: Readonly<Record<DemoBrowser, string>> = { chromium: 'CHROMIUM_PATH', firefox: 'FIREFOX_PATH' };

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first of `names` found on PATH (an absolute name is checked as it is), or null. */
export function findExecutable(names: readonly string[], pathVariable: string): string | null {
  const dirs = pathVariable.split(delimiter).filter(Boolean);
  for (const name of names) {
    if (isAbsolute(name)) {
      if (isExecutable(name)) return name;
      continue;
    }
    for (const dir of dirs) if (isExecutable(join(dir, name))) return join(dir, name);
  }
  return null;
}

/** The browser to launch: CHROMIUM_PATH / FIREFOX_PATH when set, else the first candidate on PATH; an error says what to install. */
export function findBrowser(browser: DemoBrowser, env: Env): { path: string } | { error: string } {
  const variable = BROWSER_ENV[browser];
  const chosen = env[variable];
  if (chosen) return isExecutable(chosen) ? { path: chosen } : { error: `${variable} is ${chosen}, which is not an executable file.` };
  const found = findExecutable([...BROWSER_CANDIDATES[browser], `/usr/bin/${BROWSER_CANDIDATES[browser][0]}`], env.PATH ?? '');
  if (found) return { path: found };
  const what = browser === 'chromium' ? 'Chromium (or Chrome)' : 'Firefox';
  const apt = browser === 'chromium' ? 'chromium' : 'firefox-esr';
  return {
    error: `No ${what} found (looked for ${BROWSER_CANDIDATES[browser].join(', ')} on PATH). Install it (Debian: apt-get install ${apt}) or set ${variable} to the browser's executable.`,
  };
}
