import { describe, expect, it } from 'vitest';
import {
  chromeMajorVersion,
  downloadModel,
  hasFirefoxTrialMl,
  onDeviceErrorType,
  prefersOnDevice,
  readOnDeviceStatus,
} from '../../src/shared/on-device-ai.ts';
import { createFakePromptApi } from '../helpers/fake-prompt-api.ts';

const CHROME_137 = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Safari/537.36';
const CHROMIUM_156 =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chromium/156.0.8078.79 Chrome/156.0.8078.79 Safari/537.36';
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0';

describe('readOnDeviceStatus', () => {
  it.each(['available', 'downloadable', 'downloading'] as const)('passes "%s" through', async (availability) => {
    expect(await readOnDeviceStatus({ LanguageModel: createFakePromptApi({ availability }).LanguageModel })).toEqual({
      state: availability,
    });
  });

  it('says why it is unavailable: the device (hardware, disk, OS or language)', async () => {
    const { LanguageModel } = createFakePromptApi({ availability: 'unavailable' });
    expect(await readOnDeviceStatus({ LanguageModel })).toEqual({ state: 'unavailable', reason: 'device' });
  });

  it('without the API: an old Chrome, or a browser without a model (Firefox, this Chromium)', async () => {
    expect(await readOnDeviceStatus({ navigator: { userAgent: CHROME_137 } })).toEqual({ state: 'unavailable', reason: 'old-chrome' });
    expect(await readOnDeviceStatus({ navigator: { userAgent: CHROMIUM_156 } })).toEqual({ state: 'unavailable', reason: 'no-api' });
    expect(await readOnDeviceStatus({ navigator: { userAgent: FIREFOX } })).toEqual({ state: 'unavailable', reason: 'no-api' });
    expect(await readOnDeviceStatus({})).toEqual({ state: 'unavailable', reason: 'no-api' });
  });

  it('never throws: a failing availability() is an unavailable status with the browser’s words', async () => {
    const LanguageModel = { availability: () => Promise.reject(new Error('boom')), create: () => Promise.reject(new Error('no')) };
    expect(await readOnDeviceStatus({ LanguageModel })).toEqual({ state: 'unavailable', reason: 'error', detail: 'boom' });
  });
});

describe('chromeMajorVersion', () => {
  it('reads Chrome and Chromium, and nothing from Firefox', () => {
    expect(chromeMajorVersion(CHROME_137)).toBe(137);
    expect(chromeMajorVersion(CHROMIUM_156)).toBe(156);
    expect(
      chromeMajorVersion(
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36',
      ),
    ).toBe(156);
    expect(chromeMajorVersion('Mozilla/5.0 HeadlessChrome/120.0.0.0 Safari/537.36')).toBe(120);
    expect(chromeMajorVersion(FIREFOX)).toBeNull();
    expect(chromeMajorVersion(undefined)).toBeNull();
  });
});

describe('downloadModel', () => {
  it('refuses without a gesture (NotAllowedError), as Chrome does', async () => {
    const fake = createFakePromptApi({ availability: 'downloadable' });
    await expect(downloadModel({ LanguageModel: fake.LanguageModel }, () => {})).rejects.toMatchObject({ name: 'NotAllowedError' });
  });

  it('with a gesture, reports the download progress and leaves the model available', async () => {
    const fake = createFakePromptApi({ availability: 'downloadable', userActivation: true });
    const progress: number[] = [];
    await downloadModel({ LanguageModel: fake.LanguageModel }, (fraction) => progress.push(fraction));
    expect(progress).toEqual([0, 0.5, 1]);
    expect(await fake.LanguageModel.availability()).toBe('available');
    expect(fake.log.destroyed).toBe(1); // the session made for the download is not kept
  });

  it('without the API, rejects with NotSupportedError', async () => {
    await expect(downloadModel({}, () => {})).rejects.toMatchObject({ name: 'NotSupportedError' });
  });
});

describe('onDeviceErrorType', () => {
  it('maps the Prompt API’s DOMExceptions', () => {
    expect(onDeviceErrorType(new DOMException('', 'NotAllowedError'))).toBe('on_device_needs_download');
    expect(onDeviceErrorType(new DOMException('', 'QuotaExceededError'))).toBe('on_device_too_long');
    expect(onDeviceErrorType(new DOMException('', 'NotSupportedError'))).toBe('on_device_unavailable');
    expect(onDeviceErrorType(new DOMException('', 'UnknownError'))).toBe('on_device_failed');
    expect(onDeviceErrorType('odd')).toBe('on_device_failed');
  });
});

describe('prefersOnDevice (the default rule)', () => {
  it('uses the browser’s model when no provider has a key and it is available', () => {
    expect(prefersOnDevice({ chosenNeedsKey: true, providersWithKey: 0, onDevice: 'available' })).toBe(true);
  });

  it.each([
    ['a provider has a key', { chosenNeedsKey: true, providersWithKey: 1, onDevice: 'available' as const }],
    ['the choice needs no key (a local server)', { chosenNeedsKey: false, providersWithKey: 0, onDevice: 'available' as const }],
    ['the model must be downloaded first', { chosenNeedsKey: true, providersWithKey: 0, onDevice: 'downloadable' as const }],
    ['the model is downloading', { chosenNeedsKey: true, providersWithKey: 0, onDevice: 'downloading' as const }],
    ['the model cannot run here', { chosenNeedsKey: true, providersWithKey: 0, onDevice: 'unavailable' as const }],
  ])('keeps the choice when %s', (_why, input) => {
    expect(prefersOnDevice(input)).toBe(false);
  });
});

describe('hasFirefoxTrialMl', () => {
  it('finds browser.trial.ml only when its engine functions are there', () => {
    expect(hasFirefoxTrialMl({ trial: { ml: { createEngine: () => {}, runEngine: () => {} } } })).toBe(true);
    expect(hasFirefoxTrialMl({ trial: { ml: {} } })).toBe(false);
    expect(hasFirefoxTrialMl({ runtime: {} })).toBe(false);
    expect(hasFirefoxTrialMl(undefined)).toBe(false);
  });
});
