/**
 * The background's side of the browser's own model: the default rule applied to stored
 * settings, the on-device errors worded by code, and Summarize handed over as its text.
 */
import { describe, expect, it } from 'vitest';
import { streamError } from '../../src/background/answers/errors.ts';
import { summarizeTask } from '../../src/background/answers/run-answer.ts';
import { withOnDeviceDefault } from '../../src/background/on-device-default.ts';
import type { ConversationTurn } from '../../src/messaging/protocol.ts';
import { DEFAULT_SETTINGS, type StoredSettings } from '../../src/storage/settings.ts';
import { createFakePromptApi } from '../helpers/fake-prompt-api.ts';

const stored: StoredSettings = { ...DEFAULT_SETTINGS, modelOptions: {} };
const available = { LanguageModel: createFakePromptApi({ availability: 'available' }).LanguageModel };

describe('withOnDeviceDefault', () => {
  it('answers with the browser’s model when no provider has a key and it is available', async () => {
    expect(await withOnDeviceDefault(stored, [], available)).toMatchObject({ provider: 'chrome-builtin', baseUrl: '', custom: null });
  });

  it('keeps the stored choice when a key exists, the choice needs none, or the model is not ready', async () => {
    expect(await withOnDeviceDefault(stored, ['openai'], available)).toBe(stored);
    const ollama: StoredSettings = { ...stored, provider: 'ollama', model: 'llama3.2' };
    expect(await withOnDeviceDefault(ollama, [], available)).toBe(ollama);
    const downloadable = { LanguageModel: createFakePromptApi({ availability: 'downloadable' }).LanguageModel };
    expect(await withOnDeviceDefault(stored, [], downloadable)).toBe(stored);
    expect(await withOnDeviceDefault(stored, [], {})).toBe(stored);
  });
});

describe('streamError for the on-device model', () => {
  it.each([
    ['on_device_unavailable', 'builtin-unavailable', 'settings'],
    ['on_device_needs_download', 'builtin-needs-download', 'settings'],
    ['on_device_too_long', 'builtin-too-long', 'retry'],
    ['on_device_failed', 'builtin-failed', 'retry'],
  ])('%s → %s', (type, code, fix) => {
    expect(streamError({ type, message: 'NotAllowedError: no gesture' })).toEqual({ code, fix, detail: 'NotAllowedError: no gesture' });
  });
});

describe('summarizeTask', () => {
  const selection = { text: 'Selected words.', url: 'https://example.test/', title: 'A page', originalLength: 15, truncated: false };
  const summarize = { id: 'summarize', template: 'Summarize {{selection}}', language: 'English' };
  const turn = (action?: typeof summarize): ConversationTurn => ({
    role: 'user',
    text: 'Summarize',
    selection,
    ...(action ? { action } : {}),
  });

  it('hands a first Summarize over a selection as its text, with the page title as context', () => {
    expect(summarizeTask({ turns: [turn(summarize)] })).toEqual({
      summarize: { text: 'Selected words.', context: 'From the page "A page".' },
    });
  });

  it('gives nothing for another action, a follow-up, or Continue', () => {
    expect(summarizeTask({ turns: [turn({ ...summarize, id: 'explain' })] })).toEqual({});
    expect(summarizeTask({ turns: [turn()] })).toEqual({});
    expect(summarizeTask({ turns: [turn(summarize), { role: 'assistant', text: 'x' }, turn(summarize)] })).toEqual({});
    expect(summarizeTask({ turns: [turn(summarize)], continue: true })).toEqual({});
  });
});
