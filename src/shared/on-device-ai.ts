/**
 * The browser's own model: Chrome's built-in AI (the Prompt API, `LanguageModel`, and the
 * Summarizer API, `Summarizer`) and Firefox's `browser.trial.ml`. Only the shapes Aside uses,
 * typed from the Prompt API explainer (webmachinelearning/prompt-api) and Chrome's docs, and
 * pure functions over a scope passed in, so tests hand in a fake instead of the real global.
 *
 * Where the API lives: Chromium exposes `LanguageModel` to Window and (for extensions) Worker
 * contexts (its IDL: `Exposed(Window AIPromptAPI, Worker AIPromptAPIForWorkers)`; Chromium's
 * docs/experiments/prompt-api-for-extension.md: "extension window and worker scripts"). So the
 * background service worker runs answers through the Provider like any other provider. The
 * one step the worker cannot do is start a download: that needs a user gesture, which a
 * worker never has, so the panel's Download button calls `create()` itself (downloadModel).
 * Measured in Debian Chromium 156 (test/e2e/builtin-ai.e2e.ts): `LanguageModel` and
 * `Summarizer` are defined in both the side panel and the service worker; `availability()`
 * says "unavailable" and `create()` throws NotSupportedError ("the service is not running"),
 * as there is no model on that machine. Firefox ESR 153 has neither.
 */

export const ON_DEVICE_AVAILABILITIES = ['available', 'downloadable', 'downloading', 'unavailable'] as const;
export type OnDeviceAvailability = (typeof ON_DEVICE_AVAILABILITIES)[number];

/** Chrome made the Prompt API stable for extensions in 138. */
export const MIN_CHROME_FOR_BUILT_IN_AI = 138;

export interface PromptMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** A `downloadprogress` event: `loaded` is a fraction from 0 to 1. */
export interface DownloadProgressEvent extends Event {
  loaded: number;
}

export interface CreateMonitor {
  addEventListener(type: 'downloadprogress', listener: (event: DownloadProgressEvent) => void): void;
}

export interface LanguageModelSession {
  promptStreaming(input: string, options?: { signal?: AbortSignal }): ReadableStream<string>;
  /** Tokens the session's context holds so far (extension contexts; newer Chrome: contextUsage). */
  readonly inputUsage?: number;
  readonly contextUsage?: number;
  destroy(): void;
}

export interface LanguageModelStatic {
  availability(options?: object): Promise<OnDeviceAvailability>;
  create(options?: {
    initialPrompts?: PromptMessage[];
    signal?: AbortSignal;
    monitor?: (monitor: CreateMonitor) => void;
  }): Promise<LanguageModelSession>;
}

export interface SummarizerSession {
  summarizeStreaming(input: string, options?: { signal?: AbortSignal; context?: string }): ReadableStream<string>;
  destroy(): void;
}

export interface SummarizerStatic {
  availability(options?: object): Promise<OnDeviceAvailability>;
  create(options?: {
    type?: 'tldr' | 'key-points' | 'teaser' | 'headline';
    format?: 'markdown' | 'plain-text';
    length?: 'short' | 'medium' | 'long';
    sharedContext?: string;
    signal?: AbortSignal;
  }): Promise<SummarizerSession>;
}

/** Where the globals are looked up: `globalThis` in the browser, a fake in tests. */
export interface OnDeviceScope {
  LanguageModel?: LanguageModelStatic;
  Summarizer?: SummarizerStatic;
  navigator?: { userAgent?: string };
}

/** Why the model cannot run here: no API at all, a Chrome too old for it, or the browser's own "unavailable" (hardware, disk, OS or language). */
export type UnavailableReason = 'no-api' | 'old-chrome' | 'device' | 'error';

export type OnDeviceStatus =
  | { state: 'available' }
  | { state: 'downloadable' }
  | { state: 'downloading' }
  | { state: 'unavailable'; reason: UnavailableReason; detail?: string };

/** Chrome's major version from a user agent string, or null outside Chrome/Chromium. */
export function chromeMajorVersion(userAgent: string | undefined): number | null {
  // "HeadlessChrome/156.0.0.0" in headless runs.
  const match = /(?:HeadlessChrome|Chromium|Chrome)\/(\d+)\./.exec(userAgent ?? '');
  return match ? Number(match[1]) : null;
}

const messageOf = (cause: unknown) => (cause instanceof Error ? cause.message : String(cause));

/** What the browser says about its model, with a reason when it cannot run. Never throws. */
export async function readOnDeviceStatus(scope: OnDeviceScope): Promise<OnDeviceStatus> {
  const api = scope.LanguageModel;
  if (!api || typeof api.availability !== 'function') {
    const chrome = chromeMajorVersion(scope.navigator?.userAgent);
    return { state: 'unavailable', reason: chrome !== null && chrome < MIN_CHROME_FOR_BUILT_IN_AI ? 'old-chrome' : 'no-api' };
  }
  try {
    const availability = await api.availability();
    if (availability === 'unavailable') return { state: 'unavailable', reason: 'device' };
    if ((ON_DEVICE_AVAILABILITIES as readonly string[]).includes(availability)) return { state: availability };
    return { state: 'unavailable', reason: 'error', detail: String(availability).slice(0, 200) };
  } catch (cause) {
    return { state: 'unavailable', reason: 'error', detail: messageOf(cause).slice(0, 200) };
  }
}

/**
 * Starts (or joins) the model download: must be called inside the user's click, because
 * Chrome refuses `create()` without a gesture while the model is downloadable
 * (`NotAllowedError`). Progress is a fraction from 0 to 1. Resolves when the model is ready.
 */
export async function downloadModel(scope: OnDeviceScope, onProgress: (fraction: number) => void, signal?: AbortSignal): Promise<void> {
  const api = scope.LanguageModel;
  if (!api) throw new DOMException('LanguageModel is not defined in this browser', 'NotSupportedError');
  const session = await api.create({
    ...(signal ? { signal } : {}),
    monitor(monitor) {
      monitor.addEventListener('downloadprogress', (event) => onProgress(Math.min(1, Math.max(0, event.loaded))));
    },
  });
  session.destroy();
}

/**
 * The error types an on-device answer reports (as `error` deltas; the background words them
 * by code). From the DOMException names the Prompt API throws.
 */
export const ON_DEVICE_ERROR_TYPES = {
  unavailable: 'on_device_unavailable',
  needsDownload: 'on_device_needs_download',
  tooLong: 'on_device_too_long',
  failed: 'on_device_failed',
} as const;

export function onDeviceErrorType(cause: unknown): (typeof ON_DEVICE_ERROR_TYPES)[keyof typeof ON_DEVICE_ERROR_TYPES] {
  const name = cause instanceof Error || cause instanceof DOMException ? cause.name : '';
  if (name === 'NotAllowedError') return ON_DEVICE_ERROR_TYPES.needsDownload;
  if (name === 'QuotaExceededError') return ON_DEVICE_ERROR_TYPES.tooLong;
  if (name === 'NotSupportedError') return ON_DEVICE_ERROR_TYPES.unavailable;
  return ON_DEVICE_ERROR_TYPES.failed;
}

/**
 * Firefox's trial ML API (`browser.trial.ml`, Nightly, behind prefs and the optional
 * `trialML` permission). Aside does not request that permission in its production manifest,
 * so there this is always false; the check is here so a build that adds it finds it.
 */
export function hasFirefoxTrialMl(browserLike: unknown): boolean {
  const ml = (browserLike as { trial?: { ml?: { createEngine?: unknown; runEngine?: unknown } } } | undefined)?.trial?.ml;
  return typeof ml?.createEngine === 'function' && typeof ml.runEngine === 'function';
}

/**
 * The default rule: when no provider has a key and the browser's model is ready, it answers
 * (a provider that needs a key could not). A provider that needs no key (a local server, a
 * custom endpoint) stays the choice, and so does any choice once a key is saved.
 */
export function prefersOnDevice(input: {
  chosenNeedsKey: boolean;
  providersWithKey: number;
  onDevice: OnDeviceStatus['state'];
}): boolean {
  return input.chosenNeedsKey && input.providersWithKey === 0 && input.onDevice === 'available';
}
