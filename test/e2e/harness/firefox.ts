/**
 * Real Firefox (Debian `firefox-esr`) driven over raw WebDriver BiDi, with the built
 * extension installed as a temporary add-on. Recipe: ../shared/docs/toolchain.md §6.
 *
 * ```ts
 * const ff = await launchFirefoxWithExtension(FIREFOX_E2E_BUILD);
 * await ff.navigate(pages.url('/article.html'));
 * await ff.openExtensionPage('sidepanel.html');   // via a loopback page, see below
 * await ff.click('button.primary');
 * console.log(await ff.evaluate('document.title'));
 * await ff.screenshot('panel.png');
 * await ff.close();
 * ```
 *
 * Firefox refuses `browsingContext.navigate` to `moz-extension://` ("not allowed in this
 * context"), so extension pages are opened from a loopback page with `location.href = …`;
 * that needs the e2e build's web_accessible_resources entry for sidepanel.html.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BiDiClient, deserialize, type RemoteValue } from './bidi.ts';
import { startPageServer, type PageServer } from './pages.ts';
import { waitFor } from './paths.ts';
import { FIREFOX_ADDON_ID } from '../../../src/shared/ids.ts';

export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
export { FIREFOX_ADDON_ID };

export interface FirefoxExtension {
  bidi: BiDiClient;
  /** The pinned moz-extension UUID. */
  uuid: string;
  /** `moz-extension://<uuid>` */
  baseUrl: string;
  /** The add-on id (FIREFOX_ADDON_ID, src/shared/ids.ts). */
  addonId: string;
  /** Whether this launch installed the add-on (false: it was already in the kept profile). */
  installedNow: boolean;
  /** The top-level browsing context the helpers act on (see `use`). */
  context: string;
  /** Console messages and JS errors from every page (`log.entryAdded`), for diagnostics. */
  logs: string[];
  /** What Firefox printed on stdout/stderr (last ~200 kB). */
  output(): string;
  /** Switch the helpers to another top-level context (a tab id from `newTab`). */
  use(context: string): void;
  /** Open a new tab (not switching to it) and return its context id. */
  newTab(url?: string): Promise<string>;
  /** Navigate the current context to an http(s) URL and wait for its load event. */
  navigate(url: string): Promise<void>;
  /** Open `moz-extension://<uuid>/<path>` in the current context (from a loopback page) and wait until loaded. */
  openExtensionPage(path: string, options?: { from?: string }): Promise<void>;
  /** `script.evaluate` with awaitPromise; the result deserialized (DOM nodes become `{sharedId}`). */
  evaluate<T = unknown>(expression: string, options?: { context?: string; timeoutMs?: number }): Promise<T>;
  /** Poll `expression` until it returns something other than undefined/null/false. */
  waitFor<T = unknown>(expression: string, options?: { what?: string; timeoutMs?: number; context?: string }): Promise<T>;
  /** A real pointer click (input.performActions) on the centre of the first element matching `selector`. */
  click(selector: string, options?: { context?: string; timeoutMs?: number }): Promise<void>;
  /** Real key presses (input.performActions) into whatever has focus: key names like 'Escape', 'ArrowUp', 'Enter', 'Tab', or single characters. */
  press(keys: string[], options?: { context?: string }): Promise<void>;
  /** PNG of the current context's viewport, written to `file` when given. */
  screenshot(file?: string, options?: { context?: string }): Promise<Buffer>;
  /** Open the real sidebar from a click on an injected button in an extension page (the current one, or sidepanel.html). */
  openSidebar(): Promise<void>;
  /** Close the browser, kill the process if needed, delete the profile. */
  close(): Promise<void>;
}

/** WebDriver's code points for named keys (WebDriver §17.4.2). */
const WEBDRIVER_KEYS: Record<string, string> = {
  Tab: '\uE004',
  Enter: '\uE007',
  Shift: '\uE008',
  Escape: '\uE00C',
  ArrowLeft: '\uE012',
  ArrowUp: '\uE013',
  ArrowRight: '\uE014',
  ArrowDown: '\uE015',
};

/** Prefs for a test machine that must not talk to the network or show first-run UI. */
export function userPrefs(uuid: string): Record<string, string | number | boolean> {
  return {
    'extensions.webextensions.uuids': JSON.stringify({ [FIREFOX_ADDON_ID]: uuid }),
    'xpinstall.signatures.required': false,
    'extensions.autoDisableScopes': 0,
    'extensions.enabledScopes': 5,
    'extensions.update.enabled': false,
    'extensions.update.autoUpdateDefault': false,
    'extensions.getAddons.cache.enabled': false,
    'extensions.blocklist.enabled': false,
    'extensions.systemAddon.update.enabled': false,
    'extensions.webextensions.restrictedDomains': '',
    'app.update.auto': false,
    'app.update.enabled': false,
    'app.update.disabledForTesting': true,
    'app.normandy.enabled': false,
    'app.normandy.api_url': '',
    'app.shield.optoutstudies.enabled': false,
    'datareporting.policy.dataSubmissionEnabled': false,
    'datareporting.healthreport.uploadEnabled': false,
    'datareporting.policy.firstRunURL': '',
    'toolkit.telemetry.enabled': false,
    'toolkit.telemetry.unified': false,
    'toolkit.telemetry.archive.enabled': false,
    'toolkit.telemetry.server': '',
    'toolkit.telemetry.reportingpolicy.firstRun': false,
    'services.settings.server': 'http://127.0.0.1:9/remote-settings-disabled',
    'messaging-system.rsexperimentloader.enabled': false,
    'nimbus.rsexperimentloader.enabled': false,
    'browser.shell.checkDefaultBrowser': false,
    'browser.startup.homepage_override.mstone': 'ignore',
    'browser.startup.page': 0,
    'browser.startup.homepage': 'about:blank',
    'browser.newtabpage.enabled': false,
    'browser.aboutwelcome.enabled': false,
    'browser.tabs.warnOnClose': false,
    'browser.warnOnQuit': false,
    'browser.discovery.enabled': false,
    'browser.search.update': false,
    'browser.region.update.enabled': false,
    'browser.region.network.url': '',
    'browser.safebrowsing.malware.enabled': false,
    'browser.safebrowsing.phishing.enabled': false,
    'browser.safebrowsing.downloads.enabled': false,
    'browser.safebrowsing.provider.google4.updateURL': '',
    'browser.safebrowsing.provider.mozilla.updateURL': '',
    'browser.ping-centre.telemetry': false,
    'browser.newtabpage.activity-stream.feeds.telemetry': false,
    'browser.newtabpage.activity-stream.telemetry': false,
    'network.captive-portal-service.enabled': false,
    'network.connectivity-service.enabled': false,
    'captivedetect.canonicalURL': '',
    'network.dns.disablePrefetch': true,
    'network.prefetch-next': false,
    'network.http.speculative-parallel-limit': 0,
    'geo.provider.network.url': '',
    'media.gmp-manager.updateEnabled': false,
    'media.gmp-manager.url': '',
    'dom.disable_open_during_load': false,
    'security.sandbox.content.level': 2,
  };
}

/** The build as an XPI (a zip of its files) next to the profile, for a permanent install. */
async function packXpi(extDir: string, profileDir: string): Promise<string> {
  const xpi = `${profileDir}.xpi`;
  await rm(xpi, { force: true });
  execFileSync('zip', ['-q', '-r', '-X', xpi, '.'], { cwd: resolve(extDir) });
  return xpi;
}

function userJs(prefs: Record<string, string | number | boolean>): string {
  return (
    Object.entries(prefs)
      .map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});`)
      .join('\n') + '\n'
  );
}

export async function launchFirefoxWithExtension(
  extDir: string,
  options: {
    headless?: boolean;
    timeoutMs?: number;
    extraPrefs?: Record<string, string | number | boolean>;
    executablePath?: string;
    /**
     * A profile that outlives this browser (for a restart): kept at close, and the add-on is
     * installed permanently into it (an unsigned XPI, which ESR allows with
     * xpinstall.signatures.required off) the first time, then found there on later launches.
     * Without it, each launch has a fresh temporary profile and a temporary add-on, which
     * Firefox removes, with its data, when it closes.
     */
    keptProfile?: { dir: string; uuid: string };
    /** Let the add-on run in private windows (Firefox's `moz:allowPrivateBrowsing` of webExtension.install). */
    allowPrivateBrowsing?: boolean;
  } = {},
): Promise<FirefoxExtension> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const kept = options.keptProfile;
  const uuid = kept?.uuid ?? randomUUID();
  const profileDir = kept?.dir ?? (await mkdtemp(join(tmpdir(), 'aside-firefox-')));
  const installedBefore = kept !== undefined && existsSync(join(profileDir, 'extensions.json'));
  await mkdir(profileDir, { recursive: true });
  await writeFile(join(profileDir, 'user.js'), userJs({ ...userPrefs(uuid), ...options.extraPrefs }));

  let output = '';
  const append = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (output.length > 200_000) output = output.slice(-200_000);
  };
  const args = ['--remote-debugging-port=0', '--profile', profileDir, '--no-remote', '--new-instance'];
  if (options.headless ?? true) args.unshift('--headless');
  const proc: ChildProcess = spawn(options.executablePath ?? FIREFOX_PATH, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MOZ_CRASHREPORTER_DISABLE: '1', MOZ_DISABLE_AUTO_SAFE_MODE: '1' },
  });
  proc.stdout?.on('data', append);
  proc.stderr?.on('data', append);
  let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const exitPromise = new Promise<void>((r) =>
    proc.once('exit', (code, signal) => {
      exited = { code, signal };
      r();
    }),
  );
  proc.once('error', (e) => append(Buffer.from(`spawn error: ${e.message}\n`)));
  // If the test process dies without close(), do not leave a browser behind.
  const killOnExit = () => {
    if (!exited) proc.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  void exitPromise.then(() => process.off('exit', killOnExit));

  let bidi: BiDiClient | undefined;
  let pages: PageServer | undefined;
  const kill = async () => {
    bidi?.close();
    if (!exited) {
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 3000);
      await exitPromise;
      clearTimeout(timer);
    }
    await pages?.close();
    if (!kept) await rm(profileDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }).catch(() => {});
  };
  const fail = async (what: string, e: unknown): Promise<never> => {
    await kill();
    const tail = output.split('\n').slice(-30).join('\n');
    throw new Error(`Firefox: ${what}: ${e instanceof Error ? e.message : String(e)}\n--- firefox output (tail) ---\n${tail}`);
  };

  let wsUrl: string;
  try {
    wsUrl = await waitFor(
      'Firefox to print "WebDriver BiDi listening on ws://…"',
      () => {
        if (exited) throw new Error(`firefox exited early (${JSON.stringify(exited)})`);
        return /WebDriver BiDi listening on (ws:\/\/\S+)/.exec(output)?.[1];
      },
      { timeoutMs },
    );
  } catch (e) {
    return fail('start', e);
  }

  try {
    bidi = await BiDiClient.connect(`${wsUrl}/session`, timeoutMs);
    await bidi.send('session.new', { capabilities: { alwaysMatch: { acceptInsecureCerts: true } } }, timeoutMs);
  } catch (e) {
    return fail('session.new', e);
  }
  const client = bidi;

  const logs: string[] = [];
  client.on('log.entryAdded', (p) => {
    const entry = p as { level?: string; text?: string; source?: { context?: string } };
    logs.push(`[${entry.level ?? 'log'}] ${entry.text ?? ''}`);
    if (logs.length > 1000) logs.shift();
  });
  try {
    await client.send('session.subscribe', { events: ['log.entryAdded'] });
  } catch {
    // diagnostics only
  }

  let addonId: string = FIREFOX_ADDON_ID;
  if (!installedBefore) {
    try {
      const r = await client.send<{ extension: string }>(
        'webExtension.install',
        {
          ...(kept
            ? { extensionData: { type: 'archivePath', path: await packXpi(extDir, profileDir) }, 'moz:permanent': true }
            : { extensionData: { type: 'path', path: resolve(extDir) } }),
          ...(options.allowPrivateBrowsing ? { 'moz:allowPrivateBrowsing': true } : {}),
        },
        timeoutMs,
      );
      addonId = r.extension;
    } catch (e) {
      return fail(`webExtension.install of ${extDir}`, e);
    }
  }

  let current: string;
  try {
    const tree = await client.send<{ contexts: { context: string }[] }>('browsingContext.getTree', { maxDepth: 0 });
    const first = tree.contexts[0];
    if (!first) throw new Error('no top-level browsing context');
    current = first.context;
  } catch (e) {
    return fail('browsingContext.getTree', e);
  }

  const baseUrl = `moz-extension://${uuid}`;

  const evaluateRaw = async (expression: string, context: string, timeoutMs = 15_000): Promise<RemoteValue> => {
    const r = await client.send<{
      type: 'success' | 'exception';
      result?: RemoteValue;
      exceptionDetails?: { text: string; exception?: RemoteValue };
    }>('script.evaluate', { expression, target: { context }, awaitPromise: true, resultOwnership: 'none' }, timeoutMs);
    if (r.type === 'exception') {
      throw new Error(`evaluate threw: ${r.exceptionDetails?.text ?? 'unknown exception'}\n  in: ${expression.slice(0, 300)}`);
    }
    return r.result ?? { type: 'undefined' };
  };

  const evaluate = async <T>(expression: string, opts: { context?: string; timeoutMs?: number } = {}): Promise<T> =>
    deserialize(await evaluateRaw(expression, opts.context ?? current, opts.timeoutMs)) as T;

  const waitForExpr = async <T>(expression: string, opts: { what?: string; timeoutMs?: number; context?: string } = {}): Promise<T> =>
    waitFor(
      opts.what ?? `\`${expression.slice(0, 120)}\``,
      async () => {
        const v = await evaluate<T>(expression, { context: opts.context, timeoutMs: 5000 });
        return v === null || v === false || v === undefined ? undefined : v;
      },
      { timeoutMs: opts.timeoutMs ?? 10_000 },
    );

  const navigate = async (url: string): Promise<void> => {
    await client.send('browsingContext.navigate', { context: current, url, wait: 'complete' }, timeoutMs);
  };

  const openExtensionPage = async (path: string, opts: { from?: string } = {}): Promise<void> => {
    const target = `${baseUrl}/${path.replace(/^\//, '')}`;
    const here = await evaluate<string>('location.href').catch(() => '');
    if (!here.startsWith('http://127.0.0.1')) {
      let from = opts.from;
      if (!from) {
        pages ??= await startPageServer();
        from = pages.url('/blank.html');
      }
      await navigate(from);
    }
    try {
      await evaluate(`location.href = ${JSON.stringify(target)}; true`);
    } catch (e) {
      throw new Error(
        `Could not open ${target} from a loopback page; is ${path} web-accessible to http://127.0.0.1/* (the e2e build)? ${e instanceof Error ? e.message : String(e)}`,
        { cause: e },
      );
    }
    await waitFor(
      `${target} to load (needs the e2e build: web_accessible_resources for ${path} on http://127.0.0.1/*)`,
      async () => {
        const state = await evaluate<string>('location.href + " " + document.readyState', { timeoutMs: 3000 });
        return state.startsWith(target) && state.endsWith(' complete') ? true : undefined;
      },
      { timeoutMs },
    );
  };

  const click = async (selector: string, opts: { context?: string; timeoutMs?: number } = {}): Promise<void> => {
    const context = opts.context ?? current;
    const node = await waitFor(
      `an element matching ${selector}`,
      async () => {
        const v = await evaluateRaw(
          `(() => { const el = document.querySelector(${JSON.stringify(selector)}); if (el) el.scrollIntoView({ block: 'center', inline: 'center' }); return el; })()`,
          context,
          5000,
        );
        return v.type === 'node' && v.sharedId ? v.sharedId : undefined;
      },
      { timeoutMs: opts.timeoutMs ?? 10_000 },
    );
    const perform = () =>
      client.send('input.performActions', {
        context,
        actions: [
          {
            type: 'pointer',
            id: 'e2e-mouse',
            parameters: { pointerType: 'mouse' },
            actions: [
              { type: 'pointerMove', x: 0, y: 0, origin: { type: 'element', element: { sharedId: node } } },
              { type: 'pointerDown', button: 0 },
              { type: 'pointerUp', button: 0 },
            ],
          },
        ],
      });
    // The panel can still move under the pointer (a lazily loaded part appearing above the
    // target after it was scrolled into view): scroll it into view again and retry.
    for (let attempt = 0; ; attempt++) {
      try {
        await perform();
        break;
      } catch (error) {
        if (attempt >= 3 || !(error instanceof Error) || !error.message.includes('out of bounds')) throw error;
        await new Promise((resolve) => setTimeout(resolve, 150));
        await evaluateRaw(
          `(() => { document.querySelector(${JSON.stringify(selector)})?.scrollIntoView({ block: 'center', inline: 'center' }); return true; })()`,
          context,
          5000,
        );
      }
    }
    await client.send('input.releaseActions', { context }).catch(() => {});
  };

  const press = async (keys: string[], opts: { context?: string } = {}): Promise<void> => {
    const context = opts.context ?? current;
    const actions = keys.flatMap((key) => {
      const value = WEBDRIVER_KEYS[key] ?? key;
      return [
        { type: 'keyDown', value },
        { type: 'keyUp', value },
      ];
    });
    await client.send('input.performActions', { context, actions: [{ type: 'key', id: 'e2e-keyboard', actions }] });
    await client.send('input.releaseActions', { context }).catch(() => {});
  };

  const screenshot = async (file?: string, opts: { context?: string } = {}): Promise<Buffer> => {
    // Firefox now and then answers "Unable to capture screenshot" while a frame is being
    // painted (seen under load): try again a few times before giving up.
    let data: string;
    for (let attempt = 1; ; attempt++) {
      try {
        ({ data } = await client.send<{ data: string }>('browsingContext.captureScreenshot', { context: opts.context ?? current }));
        break;
      } catch (error) {
        if (attempt >= 4 || !String(error).includes('Unable to capture screenshot')) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
      }
    }
    const png = Buffer.from(data, 'base64');
    if (file) await writeFile(file, png);
    return png;
  };

  const newTab = async (url?: string): Promise<string> => {
    const { context } = await client.send<{ context: string }>('browsingContext.create', { type: 'tab', background: true });
    if (url) await client.send('browsingContext.navigate', { context, url, wait: 'complete' }, timeoutMs);
    return context;
  };

  const openSidebar = async (): Promise<void> => {
    const here = await evaluate<string>('location.href').catch(() => '');
    if (!here.startsWith(baseUrl)) await openExtensionPage('sidepanel.html');
    await evaluate(`(() => {
      const b = document.createElement('button');
      b.id = '__e2e_open_sidebar';
      b.textContent = 'open sidebar (e2e)';
      b.style.cssText = 'position:fixed;top:0;left:0;z-index:2147483647';
      b.addEventListener('click', () => {
        browser.sidebarAction.open().then(() => { window.__e2eSidebar = 'opened'; }, (e) => { window.__e2eSidebar = String(e); });
      });
      document.body.append(b);
      return true;
    })()`);
    await click('#__e2e_open_sidebar');
    const outcome = await waitForExpr<string>('window.__e2eSidebar', { what: 'browser.sidebarAction.open() to settle' });
    await evaluate(`document.getElementById('__e2e_open_sidebar')?.remove(); true`);
    if (outcome !== 'opened') throw new Error(`browser.sidebarAction.open() failed: ${outcome}`);
  };

  return {
    bidi: client,
    uuid,
    baseUrl,
    addonId,
    installedNow: !installedBefore,
    get context() {
      return current;
    },
    logs,
    output: () => output,
    use(context: string) {
      current = context;
    },
    newTab,
    navigate,
    openExtensionPage,
    evaluate,
    waitFor: waitForExpr,
    click,
    press,
    screenshot,
    openSidebar,
    async close() {
      try {
        await client.send('browser.close', {}, 3000);
      } catch {
        // the process is killed below anyway
      }
      await kill();
    },
  };
}
