import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findBrowser, findExecutable, hasDisplay, parseStartArgs } from '../../scripts/demo/args.ts';

const noDisplay = {};
const x11 = { DISPLAY: ':0' };

describe('parseStartArgs', () => {
  it('runs Chromium headed with a display and headless without one', () => {
    expect(parseStartArgs([], x11, 'linux')).toEqual({
      kind: 'run',
      options: { browser: 'chromium', headless: false, screenshot: null },
    });
    expect(parseStartArgs([], noDisplay, 'linux')).toEqual({
      kind: 'run',
      options: { browser: 'chromium', headless: true, screenshot: null },
    });
    expect(parseStartArgs([], { WAYLAND_DISPLAY: 'wayland-0' }, 'linux')).toMatchObject({ options: { headless: false } });
  });

  it('takes --firefox, --headless, --headed and --screenshot (spaced or with =)', () => {
    expect(parseStartArgs(['--firefox', '--headless', '--screenshot', 'a.png'], x11, 'linux')).toEqual({
      kind: 'run',
      options: { browser: 'firefox', headless: true, screenshot: 'a.png' },
    });
    expect(parseStartArgs(['--headed', '--screenshot=b.png'], noDisplay, 'linux')).toEqual({
      kind: 'run',
      options: { browser: 'chromium', headless: false, screenshot: 'b.png' },
    });
  });

  it('refuses what it does not understand, with the reason', () => {
    expect(parseStartArgs(['--fierfox'], x11, 'linux')).toEqual({ kind: 'error', message: 'unknown option --fierfox' });
    expect(parseStartArgs(['--headless', '--headed'], x11, 'linux')).toEqual({
      kind: 'error',
      message: '--headless and --headed cannot both be given',
    });
    expect(parseStartArgs(['--screenshot'], x11, 'linux')).toMatchObject({
      kind: 'error',
      message: expect.stringContaining('needs a file name'),
    });
    expect(parseStartArgs(['--screenshot', '--firefox'], x11, 'linux')).toMatchObject({ kind: 'error' });
    expect(parseStartArgs(['--help'], x11, 'linux')).toEqual({ kind: 'help' });
  });
});

describe('hasDisplay', () => {
  it('trusts DISPLAY / WAYLAND_DISPLAY on Linux and always says yes on macOS and Windows', () => {
    expect(hasDisplay({}, 'linux')).toBe(false);
    expect(hasDisplay({ DISPLAY: '' }, 'linux')).toBe(false);
    expect(hasDisplay(x11, 'linux')).toBe(true);
    expect(hasDisplay({}, 'darwin')).toBe(true);
    expect(hasDisplay({}, 'win32')).toBe(true);
  });
});

describe('finding the browser', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aside-find-browser-'));
  const bin = (name: string, mode = 0o755) => {
    writeFileSync(join(dir, name), '#!/bin/sh\n');
    chmodSync(join(dir, name), mode);
    return join(dir, name);
  };
  const chrome = bin('google-chrome');
  bin('chromium', 0o644); // not executable: skipped
  const firefox = bin('firefox');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('takes the first executable candidate on PATH', () => {
    expect(findExecutable(['chromium', 'google-chrome'], ['/nonexistent', dir].join(delimiter))).toBe(chrome);
    expect(findExecutable(['nothing-here'], dir)).toBeNull();
  });

  it('prefers CHROMIUM_PATH / FIREFOX_PATH, and says what to install when there is none', () => {
    expect(findBrowser('firefox', { PATH: dir })).toEqual({ path: firefox });
    expect(findBrowser('chromium', { PATH: '', CHROMIUM_PATH: chrome })).toEqual({ path: chrome });
    expect(findBrowser('chromium', { PATH: '', CHROMIUM_PATH: join(dir, 'chromium') })).toEqual({
      error: `CHROMIUM_PATH is ${join(dir, 'chromium')}, which is not an executable file.`,
    });
    const none = findBrowser('firefox', { PATH: '/nonexistent' });
    // /usr/bin/firefox-esr is a last resort outside PATH; only check the message where it is absent.
    if ('error' in none) expect(none.error).toMatch(/No Firefox found .*apt-get install firefox-esr.*FIREFOX_PATH/);
  });
});
