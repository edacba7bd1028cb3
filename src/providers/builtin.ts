/**
 * Chrome's built-in AI as a provider: the Prompt API (`LanguageModel`), no key, no network.
 * It implements `stream` itself and maps the model's chunks into ChatDelta, so the sink,
 * metrics, timeline, history and Stop work as for any provider. A Summarize action over a
 * selection goes to the Summarizer API when the browser has it ready; everything else, and
 * Summarize without it, goes to the Prompt API.
 *
 * The call carries no HTTP: `request.body` is the prompt as JSON (shown in stream details as
 * what was sent), under a `builtin:` URL that no fetch ever sees.
 *
 * Chunks: since Chrome 132 `promptStreaming()` yields deltas (it yielded the text so far
 * before). The provider needs Chrome 138, so chunks are taken as deltas, unchecked.
 *
 * Errors never throw before the first batch (which would count as a network failure and be
 * retried): the first batch is empty ("accepted"), and what fails after it is an `error`
 * delta whose type (ON_DEVICE_ERROR_TYPES) the background words. An abort rejects with the
 * signal's reason, as HTTP providers do, so Stop ends the answer "stopped".
 */
import { ON_DEVICE_ERROR_TYPES, onDeviceErrorType, type OnDeviceScope, type PromptMessage } from '../shared/on-device-ai.ts';
import { ProviderSetupError, type ChatRequest, type Provider, type ProviderCall } from './provider.ts';
import type { ChatDelta, ChatMessage } from './types.ts';

export const BUILTIN_URL = 'builtin:chrome-prompt-api';

/** What the call's body holds. */
interface BuiltinPrompt {
  system?: string;
  messages: ChatMessage[];
  summarize?: ChatRequest['summarize'];
}

/** Initial prompts (system, then the earlier turns) and the last user message, prompted. */
export function toPromptApi(prompt: BuiltinPrompt): { initialPrompts: PromptMessage[]; input: string } {
  const initialPrompts: PromptMessage[] = prompt.system ? [{ role: 'system', content: prompt.system }] : [];
  const earlier = prompt.messages.slice(0, -1);
  for (const message of earlier) initialPrompts.push({ role: message.role, content: message.content });
  return { initialPrompts, input: prompt.messages.at(-1)?.content ?? '' };
}

/** The browser's words for a failure (a DOMException's name and message), as the error's detail. */
function causeText(cause: unknown): string {
  if (cause instanceof Error) return `${cause.name}: ${cause.message}`;
  return typeof cause === 'string' ? cause : '';
}

const errorDelta = (type: string, cause?: unknown): ChatDelta => ({ type: 'error', error: { type, message: causeText(cause) } });

async function* readChunks(stream: ReadableStream<string>, signal: AbortSignal): AsyncGenerator<ChatDelta[], void, undefined> {
  const reader = stream.getReader();
  try {
    for (;;) {
      if (signal.aborted) throw signal.reason;
      const { done, value } = await reader.read();
      if (done) return;
      if (value) yield [{ type: 'text', text: value }];
    }
  } finally {
    void reader.cancel().catch(() => {});
  }
}

/** Whether a Summarizer is ready (never starts a download: that needs the user's gesture). */
async function summarizerReady(scope: OnDeviceScope): Promise<boolean> {
  try {
    return scope.Summarizer !== undefined && (await scope.Summarizer.availability()) === 'available';
  } catch {
    return false;
  }
}

export function createBuiltinProvider(scope: () => OnDeviceScope = () => globalThis): Provider {
  return {
    dialect: 'builtin',
    continuesAssistantMessage: false,
    buildCall(_settings, _apiKey, request: ChatRequest): ProviderCall {
      if (request.messages.at(-1)?.role !== 'user') throw new ProviderSetupError('conversation-invalid');
      const body: BuiltinPrompt = {
        ...(request.system ? { system: request.system } : {}),
        messages: request.messages,
        ...(request.summarize ? { summarize: request.summarize } : {}),
      };
      return { request: { url: BUILTIN_URL, method: 'PROMPT', headers: {}, body: JSON.stringify(body) }, format: { kind: 'builtin' } };
    },
    async *stream(call, options) {
      const { signal } = options;
      yield []; // accepted: nothing after this is retried
      const here = scope();
      const api = here.LanguageModel;
      if (!api) {
        yield [errorDelta(ON_DEVICE_ERROR_TYPES.unavailable, 'LanguageModel is not defined here')];
        return;
      }
      const prompt = JSON.parse(call.request.body ?? '{}') as BuiltinPrompt;
      let session: { destroy(): void } | null = null;
      try {
        let chunks: ReadableStream<string>;
        if (prompt.summarize && here.Summarizer && (await summarizerReady(here))) {
          const summarizer = await here.Summarizer.create({ type: 'tldr', format: 'markdown', length: 'medium', signal });
          session = summarizer;
          chunks = summarizer.summarizeStreaming(prompt.summarize.text, {
            signal,
            ...(prompt.summarize.context ? { context: prompt.summarize.context } : {}),
          });
        } else {
          const availability = await api.availability();
          if (availability === 'unavailable') {
            yield [errorDelta(ON_DEVICE_ERROR_TYPES.unavailable, 'availability() is "unavailable"')];
            return;
          }
          const { initialPrompts, input } = toPromptApi(prompt);
          const model = await api.create({ initialPrompts, signal });
          session = model;
          chunks = model.promptStreaming(input, { signal });
        }
        // No usage delta: the session's usage counts the answer too, so the numbers line
        // estimates tokens (marked ≈) as for any provider that reports none.
        yield* readChunks(chunks, signal);
        yield [{ type: 'stop', reason: 'end_turn' }, { type: 'done' }];
      } catch (cause) {
        if (signal.aborted) throw signal.reason;
        yield [errorDelta(onDeviceErrorType(cause), cause)];
      } finally {
        session?.destroy();
      }
    },
    classifyFailure() {
      // Never called: nothing here is HTTP.
      return { kind: 'http-status' };
    },
  };
}

export const builtinProvider = createBuiltinProvider();
