/**
 * A faithful fake of Chrome's built-in AI (Prompt API `LanguageModel`, Summarizer API), after
 * the explainer (webmachinelearning/prompt-api) and the WPT tests in testing/web-platform/
 * tests/ai/: availability states; `create()` refuses a download without user activation
 * (NotAllowedError), reports `downloadprogress` to its monitor (loaded 0…1) and rejects when
 * unavailable (NotSupportedError); `promptStreaming()` is a ReadableStream of string deltas
 * that errors with QuotaExceededError past the input quota and with the signal's reason on
 * abort. Chunks are delivered one per macrotask, so an abort can land mid-answer.
 */
import type { LanguageModelStatic, OnDeviceAvailability, PromptMessage, SummarizerStatic } from '../../src/shared/on-device-ai.ts';

export interface FakePromptApiOptions {
  availability?: OnDeviceAvailability;
  chunks?: string[];
  /** Characters the session accepts (stands for tokens). */
  inputQuota?: number;
  /** Whether the caller has a user gesture (in Chrome: navigator.userActivation.isActive). */
  userActivation?: boolean;
  /** An error `create()` rejects with, as the browser would. */
  createError?: DOMException;
}

const abortError = () => new DOMException('The operation was aborted.', 'AbortError');

function chunkStream(chunks: readonly string[], signal: AbortSignal | undefined, error?: DOMException): ReadableStream<string> {
  let i = 0;
  return new ReadableStream<string>({
    async pull(controller) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (signal?.aborted) return controller.error(signal.reason ?? abortError());
      if (error) return controller.error(error);
      if (i < chunks.length) controller.enqueue(chunks[i++]);
      else controller.close();
    },
  });
}

export function createFakePromptApi(options: FakePromptApiOptions = {}) {
  let availability: OnDeviceAvailability = options.availability ?? 'available';
  const log = {
    created: [] as { initialPrompts: PromptMessage[] | undefined }[],
    prompts: [] as string[],
    destroyed: 0,
    progress: [] as number[],
  };
  let userActivation = options.userActivation ?? false;

  const LanguageModel: LanguageModelStatic = {
    availability: () => Promise.resolve(availability),
    async create(createOptions = {}) {
      if (createOptions.signal?.aborted) throw createOptions.signal.reason ?? abortError();
      if (options.createError) throw options.createError;
      if (availability === 'unavailable') throw new DOMException('The model is not available.', 'NotSupportedError');
      if (availability === 'downloadable' || availability === 'downloading') {
        if (!userActivation) throw new DOMException('Requires a user gesture when availability is "downloadable".', 'NotAllowedError');
        const target = new EventTarget();
        createOptions.monitor?.(target as never);
        availability = 'downloading';
        for (const loaded of [0, 0.5, 1]) {
          await Promise.resolve();
          target.dispatchEvent(Object.assign(new Event('downloadprogress'), { loaded }));
          log.progress.push(loaded);
        }
        availability = 'available';
      }
      log.created.push({ initialPrompts: createOptions.initialPrompts });
      const quota = options.inputQuota ?? Infinity;
      const used = (createOptions.initialPrompts ?? []).reduce((sum, message) => sum + message.content.length, 0);
      return {
        inputUsage: used,
        promptStreaming(input: string, promptOptions: { signal?: AbortSignal } = {}) {
          log.prompts.push(input);
          const over = used + input.length > quota ? new DOMException('The input is too large.', 'QuotaExceededError') : undefined;
          return chunkStream(options.chunks ?? ['Hello', ', ', 'world.'], promptOptions.signal, over);
        },
        destroy() {
          log.destroyed++;
        },
      };
    },
  };

  return {
    LanguageModel,
    log,
    setUserActivation(active: boolean) {
      userActivation = active;
    },
    setAvailability(next: OnDeviceAvailability) {
      availability = next;
    },
  };
}

export function createFakeSummarizer(options: { availability?: OnDeviceAvailability; chunks?: string[] } = {}) {
  const log = { inputs: [] as { text: string; context: string | undefined }[], created: [] as object[], destroyed: 0 };
  const Summarizer: SummarizerStatic = {
    availability: () => Promise.resolve(options.availability ?? 'available'),
    create(createOptions = {}) {
      log.created.push(createOptions);
      return Promise.resolve({
        summarizeStreaming(text: string, streamOptions: { signal?: AbortSignal; context?: string } = {}) {
          log.inputs.push({ text, context: streamOptions.context });
          return chunkStream(options.chunks ?? ['- A ', 'summary.'], streamOptions.signal);
        },
        destroy() {
          log.destroyed++;
        },
      });
    },
  };
  return { Summarizer, log };
}
