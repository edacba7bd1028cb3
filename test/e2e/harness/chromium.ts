/**
 * Real Chromium (Debian `chromium`) with the built extension loaded, via playwright-core.
 * Recipe: ../shared/docs/toolchain.md §5. Never downloads a browser.
 *
 * ```ts
 * const chrome = await launchChromiumWithExtension(CHROME_E2E_BUILD);
 * const panel = await chrome.openExtensionPage('sidepanel.html');   // the panel UI in a tab
 * await chrome.openSidePanel();                                      // the real side panel…
 * const real = await chrome.sidePanel();                             // …reached over CDP
 * console.log(await real.evaluate('document.title'));
 * await chrome.close();
 * ```
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type CDPSession, type Page, type Worker } from 'playwright-core';
import { waitFor } from './paths.ts';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface ChromiumExtension {
  context: BrowserContext;
  extensionId: string;
  /** `chrome-extension://<id>` */
  baseUrl: string;
  serviceWorker: Worker;
  /** Open `chrome-extension://<id>/<path>` in a new tab and wait for its load event. */
  openExtensionPage(path: string): Promise<Page>;
  /**
   * Open the real side panel of the current window, the way a user gesture would: a button is
   * injected into an extension page (`via`, default a new `sidepanel.html` tab) whose click
   * handler calls `chrome.sidePanel.open({ windowId })` synchronously, and Playwright clicks it.
   */
  openSidePanel(options?: { via?: Page; timeoutMs?: number }): Promise<SidePanelTarget>;
  /** The real side panel (not a Playwright Page), reached over raw CDP; waits until it exists. */
  sidePanel(options?: { timeoutMs?: number; path?: string }): Promise<SidePanelTarget>;
  /**
   * Stop the extension's service worker as Chrome stops an idle or updated one (CDP
   * `Target.closeTarget`), and wait until it is gone. Throws when none is running.
   */
  stopServiceWorker(): Promise<void>;
  /**
   * Tick "Allow in Incognito" as a user does on chrome://extensions (developerPrivate, with
   * developer mode on, which an unpacked extension needs to stay enabled through the reload
   * that follows), and wait until the reloaded extension serves its pages again. Pages opened
   * before are gone, and `serviceWorker` is stale.
   */
  allowInIncognito(): Promise<void>;
  /** Close the browser and delete the temporary profile. */
  close(): Promise<void>;
}

/** A CDP target (the side panel) driven with Target.sendMessageToTarget. */
export interface SidePanelTarget {
  targetId: string;
  url: string;
  /** `Runtime.evaluate` with awaitPromise and returnByValue; throws on exceptions. */
  evaluate<T = unknown>(expression: string, timeoutMs?: number): Promise<T>;
  /** `Page.captureScreenshot` → PNG written to `file` (also returned). */
  screenshot(file?: string): Promise<Buffer>;
  detach(): Promise<void>;
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-default-apps',
  '--no-default-browser-check',
  '--disable-features=Translate,MediaRouter,OptimizationHints',
  '--metrics-recording-only',
  '--password-store=basic',
];

export async function launchChromiumWithExtension(
  extDir: string,
  options: {
    headless?: boolean;
    timeoutMs?: number;
    executablePath?: string;
    /** Pages follow the window's size (for a person at a headed browser) instead of a fixed 1280×720. */
    noViewport?: boolean;
    /** Leave Ctrl+C and SIGTERM to the caller, who closes the browser itself (Playwright's default closes it and exits). */
    keepSignals?: boolean;
  } = {},
): Promise<ChromiumExtension> {
  const executablePath = options.executablePath ?? CHROMIUM_PATH;
  const timeoutMs = options.timeoutMs ?? 20_000;
  const profileDir = await mkdtemp(join(tmpdir(), 'aside-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath,
      headless: options.headless ?? true,
      ...(options.noViewport && { viewport: null }),
      ...(options.keepSignals && { handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false }),
      timeout: timeoutMs,
      args: [`--disable-extensions-except=${extDir}`, `--load-extension=${extDir}`, ...CHROMIUM_ARGS],
    });
  } catch (e) {
    await rm(profileDir, { recursive: true, force: true });
    throw new Error(`Could not launch ${executablePath}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const cleanup = async () => {
    await context.close().catch(() => {});
    await rm(profileDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }).catch(() => {});
  };
  let serviceWorker: Worker;
  try {
    serviceWorker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: timeoutMs }));
  } catch (e) {
    await cleanup();
    throw new Error(
      `The extension's service worker did not start within ${timeoutMs} ms (is ${extDir} a Chrome MV3 build?): ${e instanceof Error ? e.message : String(e)}`,
      { cause: e },
    );
  }
  const extensionId = new URL(serviceWorker.url()).host;
  const baseUrl = `chrome-extension://${extensionId}`;

  let cdp: CDPSession | undefined;
  let cdpPage: Page | undefined;
  const browserCdp = async (): Promise<CDPSession> => {
    if (cdp && cdpPage && !cdpPage.isClosed()) return cdp;
    cdpPage = context.pages()[0] ?? (await context.newPage());
    cdp = await context.newCDPSession(cdpPage);
    return cdp;
  };

  const openExtensionPage = async (path: string): Promise<Page> => {
    const page = await context.newPage();
    await page.goto(`${baseUrl}/${path.replace(/^\//, '')}`, { timeout: timeoutMs });
    return page;
  };

  const sidePanel = async (opts: { timeoutMs?: number; path?: string } = {}): Promise<SidePanelTarget> => {
    const path = opts.path ?? 'sidepanel.html';
    const session = await browserCdp();
    const target = await waitFor(
      `the side panel (${path}) to appear among CDP targets`,
      async () => {
        const { targetInfos } = (await session.send('Target.getTargets')) as {
          targetInfos: { targetId: string; type: string; url: string; attached: boolean }[];
        };
        // Tabs that show the same page are Playwright pages (attached); the real panel is not.
        return targetInfos.find((t) => t.type === 'page' && t.url.startsWith(`${baseUrl}/${path}`) && !t.attached);
      },
      { timeoutMs: opts.timeoutMs ?? timeoutMs },
    );
    return attachTarget(session, target.targetId, target.url);
  };

  const openSidePanel = async (opts: { via?: Page; timeoutMs?: number } = {}): Promise<SidePanelTarget> => {
    const page = opts.via ?? (await openExtensionPage('sidepanel.html'));
    await page.evaluate(async () => {
      // Chrome's own namespace, typed with WXT's `browser` types.
      const chrome = (globalThis as unknown as { chrome: typeof browser }).chrome;
      const w = await chrome.windows.getCurrent();
      const button = document.createElement('button');
      button.id = '__e2e_open_side_panel';
      button.textContent = 'open side panel (e2e)';
      button.style.cssText = 'position:fixed;top:0;left:0;z-index:2147483647';
      button.addEventListener('click', () => {
        // Synchronously inside the click: the user-gesture rule.
        chrome.sidePanel.open({ windowId: w.id! }).then(
          () => ((window as unknown as { __e2eSidePanel: string }).__e2eSidePanel = 'opened'),
          (e: unknown) => ((window as unknown as { __e2eSidePanel: string }).__e2eSidePanel = String(e)),
        );
      });
      document.body.append(button);
    });
    await page.click('#__e2e_open_side_panel');
    const outcome = await waitFor('chrome.sidePanel.open() to settle', () =>
      page.evaluate(() => (window as unknown as { __e2eSidePanel?: string }).__e2eSidePanel),
    );
    await page.evaluate(() => document.getElementById('__e2e_open_side_panel')?.remove());
    if (outcome !== 'opened') throw new Error(`chrome.sidePanel.open() failed: ${outcome}`);
    return sidePanel({ timeoutMs: opts.timeoutMs });
  };

  const stopServiceWorker = async (): Promise<void> => {
    const session = await browserCdp();
    const workers = async () => {
      const { targetInfos } = (await session.send('Target.getTargets')) as {
        targetInfos: { targetId: string; type: string; url: string }[];
      };
      return targetInfos.filter((t) => t.type === 'service_worker' && t.url.startsWith(baseUrl));
    };
    const [worker] = await workers();
    if (!worker) throw new Error('stopServiceWorker: the extension has no service worker running');
    const gone = async () => ((await workers()).every((w) => w.targetId !== worker.targetId) ? true : undefined);
    // A worker busy at that moment (a message from the panel, a storage write) may outlive one
    // close, as it may one idle timeout: asked again, as Chrome would again.
    for (let attempt = 1; ; attempt++) {
      await session.send('Target.closeTarget', { targetId: worker.targetId }).catch(() => undefined);
      try {
        await waitFor('the service worker to be gone', gone, { timeoutMs: 3_000 });
        return;
      } catch (error) {
        if (attempt === 4) throw error;
      }
    }
  };

  const allowInIncognito = async (): Promise<void> => {
    const settingsPage = await context.newPage();
    await settingsPage.goto('chrome://extensions/');
    await settingsPage.evaluate(async (id) => {
      const api = (globalThis as unknown as { chrome: { developerPrivate: Record<string, (arg: unknown) => Promise<void>> } }).chrome
        .developerPrivate;
      await api.updateProfileConfiguration!({ inDeveloperMode: true });
      await api.updateExtensionConfiguration!({ extensionId: id, incognitoAccess: true });
    }, extensionId);
    await settingsPage.close();
    await waitFor(
      'the extension to be back after "Allow in Incognito"',
      async () => {
        const page = await context.newPage();
        try {
          await page.goto(`${baseUrl}/sidepanel.html`, { timeout: 2_000 });
          return (await page.evaluate('chrome.extension.isAllowedIncognitoAccess()')) ? true : undefined;
        } catch {
          return undefined;
        } finally {
          await page.close();
        }
      },
      { timeoutMs },
    );
  };

  return {
    context,
    extensionId,
    baseUrl,
    serviceWorker,
    openExtensionPage,
    openSidePanel,
    sidePanel,
    stopServiceWorker,
    allowInIncognito,
    close: cleanup,
  };
}

/** Attach to a target without flattening and drive it with Target.sendMessageToTarget. */
async function attachTarget(session: CDPSession, targetId: string, url: string): Promise<SidePanelTarget> {
  const { sessionId } = await session.send('Target.attachToTarget', { targetId, flatten: false });
  let nextId = 1;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  const onMessage = (event: { sessionId?: string; message: string }) => {
    if (event.sessionId !== sessionId) return;
    const msg = JSON.parse(event.message) as { id?: number; result?: unknown; error?: { message: string } };
    if (msg.id === undefined) return;
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (msg.error) p.reject(new Error(`CDP: ${msg.error.message}`));
    else p.resolve(msg.result);
  };
  session.on('Target.receivedMessageFromTarget', onMessage);
  const send = async <T>(method: string, params: object, timeoutMs = 15_000): Promise<T> => {
    const id = nextId++;
    const result = new Promise<unknown>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      setTimeout(() => {
        if (pending.delete(id)) reject(new Error(`CDP ${method} on the side panel timed out after ${timeoutMs} ms`));
      }, timeoutMs);
    });
    await session.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) });
    return (await result) as T;
  };
  return {
    targetId,
    url,
    async evaluate<T>(expression: string, timeoutMs?: number): Promise<T> {
      const r = await send<{ result: { value?: unknown }; exceptionDetails?: { text: string; exception?: { description?: string } } }>(
        'Runtime.evaluate',
        { expression, awaitPromise: true, returnByValue: true },
        timeoutMs,
      );
      if (r.exceptionDetails) {
        throw new Error(`side panel evaluate failed: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
      }
      return r.result.value as T;
    },
    async screenshot(file?: string): Promise<Buffer> {
      const { data } = await send<{ data: string }>('Page.captureScreenshot', { format: 'png' });
      const png = Buffer.from(data, 'base64');
      if (file) {
        const { writeFile } = await import('node:fs/promises');
        await writeFile(file, png);
      }
      return png;
    },
    async detach() {
      session.off('Target.receivedMessageFromTarget', onMessage);
      await session.send('Target.detachFromTarget', { sessionId }).catch(() => {});
    },
  };
}
