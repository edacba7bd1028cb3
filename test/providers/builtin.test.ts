/**
 * The built-in provider over a fake Prompt API (test/helpers/fake-prompt-api.ts): messages
 * mapped to initial prompts, chunks to ChatDelta, abort, and the browser's errors as error
 * deltas after the first ("accepted") batch, so nothing is retried as a network failure.
 */
import { describe, expect, it } from 'vitest';
import { BUILTIN_URL, createBuiltinProvider, toPromptApi } from '../../src/providers/builtin.ts';
import { createChatAccumulator } from '../../src/providers/chat-stream.ts';
import type { ChatRequest, ProviderSettings } from '../../src/providers/provider.ts';
import type { ChatDelta } from '../../src/providers/types.ts';
import type { OnDeviceScope } from '../../src/shared/on-device-ai.ts';
import { createFakePromptApi, createFakeSummarizer } from '../helpers/fake-prompt-api.ts';

const settings: ProviderSettings = { provider: 'chrome-builtin', model: 'gemini-nano', baseUrl: '', custom: null };
const request: ChatRequest = {
  system: 'Be brief.',
  messages: [
    { role: 'user', content: 'First question' },
    { role: 'assistant', content: 'First answer' },
    { role: 'user', content: 'Second question' },
  ],
  maxTokens: 100,
  stream: true,
};

async function run(scope: OnDeviceScope, req: ChatRequest = request, signal = new AbortController().signal) {
  const provider = createBuiltinProvider(() => scope);
  const batches: ChatDelta[][] = [];
  for await (const batch of provider.stream(provider.buildCall(settings, '', req), { signal })) batches.push(batch);
  const accumulator = createChatAccumulator();
  for (const delta of batches.flat()) accumulator.apply(delta);
  return { batches, result: accumulator.result() };
}

describe('toPromptApi', () => {
  it('puts the system prompt first, earlier turns as user/assistant, and prompts the last question', () => {
    expect(toPromptApi(request)).toEqual({
      initialPrompts: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'First question' },
        { role: 'assistant', content: 'First answer' },
      ],
      input: 'Second question',
    });
  });
});

describe('the built-in provider', () => {
  it('builds a call without HTTP: a builtin: URL and the prompt as the body', () => {
    const call = createBuiltinProvider(() => ({})).buildCall(settings, '', request);
    expect(call.request.url).toBe(BUILTIN_URL);
    expect(call.format).toEqual({ kind: 'builtin' });
    expect(JSON.parse(call.request.body ?? '')).toMatchObject({ system: 'Be brief.', messages: request.messages });
  });

  it('streams the chunks as text deltas, then a stop and the end marker', async () => {
    const fake = createFakePromptApi({ chunks: ['Hel', 'lo', ' there'] });
    const { batches, result } = await run({ LanguageModel: fake.LanguageModel });
    expect(batches[0]).toEqual([]); // accepted
    expect(batches.slice(1, 4)).toEqual([
      [{ type: 'text', text: 'Hel' }],
      [{ type: 'text', text: 'lo' }],
      [{ type: 'text', text: ' there' }],
    ]);
    expect(result).toMatchObject({ text: 'Hello there', complete: true, stopReason: 'end_turn', error: null });
    expect(fake.log.created[0]?.initialPrompts?.[0]).toEqual({ role: 'system', content: 'Be brief.' });
    expect(fake.log.prompts).toEqual(['Second question']);
    expect(fake.log.destroyed).toBe(1);
  });

  it('reports no LanguageModel as unavailable, after the accepted batch', async () => {
    const { batches, result } = await run({});
    expect(batches[0]).toEqual([]);
    expect(result.error?.type).toBe('on_device_unavailable');
    expect(result.complete).toBe(false);
  });

  it('reports "unavailable" availability as unavailable without creating a session', async () => {
    const fake = createFakePromptApi({ availability: 'unavailable' });
    const { result } = await run({ LanguageModel: fake.LanguageModel });
    expect(result.error?.type).toBe('on_device_unavailable');
    expect(fake.log.created).toHaveLength(0);
  });

  it('maps NotAllowedError (a download without a gesture) to "needs download"', async () => {
    const fake = createFakePromptApi({ availability: 'downloadable', userActivation: false });
    const { result } = await run({ LanguageModel: fake.LanguageModel });
    expect(result.error).toEqual({ type: 'on_device_needs_download', message: expect.stringMatching(/^NotAllowedError: /) });
  });

  it('maps QuotaExceededError (past the input quota) to "too long", keeping nothing as complete', async () => {
    const fake = createFakePromptApi({ inputQuota: 20 });
    const { result } = await run({ LanguageModel: fake.LanguageModel });
    expect(result.error?.type).toBe('on_device_too_long');
    expect(result.complete).toBe(false);
    expect(fake.log.destroyed).toBe(1);
  });

  it('maps any other failure to "failed" with the browser’s words', async () => {
    const fake = createFakePromptApi({ createError: new DOMException('model crashed', 'UnknownError') });
    const { result } = await run({ LanguageModel: fake.LanguageModel });
    expect(result.error).toEqual({ type: 'on_device_failed', message: 'UnknownError: model crashed' });
  });

  it('rejects with the signal’s reason on abort mid-answer, keeping what arrived', async () => {
    const fake = createFakePromptApi({ chunks: ['one ', 'two ', 'three ', 'four'] });
    const provider = createBuiltinProvider(() => ({ LanguageModel: fake.LanguageModel }));
    const controller = new AbortController();
    const seen: ChatDelta[] = [];
    const reason = new DOMException('Stopped', 'AbortError');
    await expect(
      (async () => {
        for await (const batch of provider.stream(provider.buildCall(settings, '', request), { signal: controller.signal })) {
          seen.push(...batch);
          if (seen.some((delta) => delta.type === 'text')) controller.abort(reason);
        }
      })(),
    ).rejects.toBe(reason);
    expect(seen).toEqual([{ type: 'text', text: 'one ' }]);
    expect(fake.log.destroyed).toBe(1);
  });

  it('sends a Summarize task to the Summarizer when it is ready', async () => {
    const fake = createFakePromptApi();
    const summarizer = createFakeSummarizer({ chunks: ['- Short', ' summary'] });
    const { result } = await run(
      { LanguageModel: fake.LanguageModel, Summarizer: summarizer.Summarizer },
      { ...request, summarize: { text: 'The selected text.', context: 'From the page "T".' } },
    );
    expect(result).toMatchObject({ text: '- Short summary', complete: true });
    expect(summarizer.log.inputs).toEqual([{ text: 'The selected text.', context: 'From the page "T".' }]);
    expect(fake.log.prompts).toEqual([]);
    expect(summarizer.log.destroyed).toBe(1);
  });

  it('falls back to the Prompt API for Summarize when the Summarizer is not ready (no download from the worker)', async () => {
    const fake = createFakePromptApi({ chunks: ['Prompted'] });
    const summarizer = createFakeSummarizer({ availability: 'downloadable' });
    const { result } = await run(
      { LanguageModel: fake.LanguageModel, Summarizer: summarizer.Summarizer },
      { ...request, summarize: { text: 'x' } },
    );
    expect(result.text).toBe('Prompted');
    expect(summarizer.log.created).toHaveLength(0);
  });
});
