// @vitest-environment happy-dom
/**
 * The settings section for the browser's own model, over the fake Prompt API: each
 * availability shown honestly, and Download (from the click) showing progress until ready.
 */
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { BuiltInModelStatus } from '../../src/panel/components/BuiltInModelStatus.tsx';
import type { OnDeviceScope } from '../../src/shared/on-device-ai.ts';
import { createFakePromptApi } from '../helpers/fake-prompt-api.ts';
import { browserSpeaks } from '../i18n/catalogs.ts';

let root: HTMLElement;
const $ = (testId: string) => root.querySelector<HTMLElement>(`[data-testid="${testId}"]`);
const flush = () => act(() => new Promise<void>((resolve) => setTimeout(resolve, 0)));

async function show(scope: OnDeviceScope) {
  await act(() => {
    render(<BuiltInModelStatus scope={scope} />, root);
  });
  await flush();
}

beforeEach(async () => {
  fakeBrowser.reset();
  await browserSpeaks('en');
  document.body.innerHTML = '<div id="root"></div>';
  root = document.getElementById('root')!;
});

describe('BuiltInModelStatus', () => {
  it('says the model is ready when it is available', async () => {
    await show({ LanguageModel: createFakePromptApi({ availability: 'available' }).LanguageModel });
    expect($('builtin-status')?.dataset.state).toBe('available');
    expect($('builtin-status')?.textContent).toContain('runs on this device');
    expect($('builtin-download')).toBeNull();
  });

  it('offers Download when downloadable, and shows progress until the model is ready', async () => {
    const fake = createFakePromptApi({ availability: 'downloadable', userActivation: true });
    await show({ LanguageModel: fake.LanguageModel });
    expect($('builtin-status')?.dataset.state).toBe('downloadable');
    expect($('builtin-status')?.textContent).toContain('22 GB');
    await act(() => {
      $('builtin-download')!.click();
    });
    expect($('builtin-status')?.dataset.state).toBe('downloading');
    expect($('builtin-progress')).not.toBeNull();
    await flush();
    await flush();
    expect(fake.log.progress).toEqual([0, 0.5, 1]);
    expect($('builtin-status')?.dataset.state).toBe('available');
    expect($('builtin-progress')).toBeNull();
  });

  it('says why a download failed (no gesture: NotAllowedError) and offers it again', async () => {
    const fake = createFakePromptApi({ availability: 'downloadable', userActivation: false });
    await show({ LanguageModel: fake.LanguageModel });
    await act(() => {
      $('builtin-download')!.click();
    });
    await flush();
    expect($('builtin-download-failed')?.textContent).toContain('NotAllowedError');
    expect($('builtin-status')?.dataset.state).toBe('downloadable');
    expect($('builtin-download')).not.toBeNull();
  });

  it('shows a download in progress elsewhere with an indeterminate bar', async () => {
    await show({ LanguageModel: createFakePromptApi({ availability: 'downloading' }).LanguageModel });
    expect($('builtin-status')?.dataset.state).toBe('downloading');
    expect($('builtin-progress')?.hasAttribute('value')).toBe(false);
  });

  it.each([
    [{ LanguageModel: createFakePromptApi({ availability: 'unavailable' }).LanguageModel }, 'device', 'Unavailable on this device'],
    [{}, 'no-api', 'this browser has no on-device model'],
    [{ navigator: { userAgent: 'Mozilla/5.0 Chrome/130.0.0.0 Safari/537.36' } }, 'old-chrome', 'Chrome (130) is too old'],
  ] as [OnDeviceScope, string, string][])('says why it is unavailable (%#: %s)', async (scope, reason, words) => {
    await show(scope);
    expect($('builtin-status')?.dataset).toMatchObject({ state: 'unavailable', reason });
    expect($('builtin-status')?.textContent).toContain(words);
  });
});
