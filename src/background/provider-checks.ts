/**
 * The settings form's two checks, with the settings as typed: "Test connection" (a real,
 * tiny request) and "Load models" (the provider's model list). Both report codes, never
 * sentences.
 */
import type { ConnectionTestResult } from '../messaging/protocol.ts';
import { effectiveBaseUrl, presetFor } from '../providers/catalog.ts';
import { createChatAccumulator } from '../providers/chat-stream.ts';
import { fetchOk, HttpFailure, NoBodyError, readBoundedText, RedirectRefused } from '../providers/http.ts';
import { ModelListInvalidError } from '../providers/models.ts';
import { isLocalAddress } from '../providers/local-servers.ts';
import { probeError } from './local-discovery.ts';
import { ProviderSetupError, type ModelInfo, type Provider, type ProviderCall, type ProviderSettings } from '../providers/provider.ts';
import { providerForSettings } from '../providers/registry.ts';
import { maskSecret, userError, type UserError } from '../shared/errors.ts';
import { MAX_MODEL_ID_CHARS, MAX_PREVIEW_CHARS, MODELS_TIMEOUT_MS, TEST_CONNECTION_TIMEOUT_MS } from '../shared/limits.ts';
import { failureError, networkError, noPermissionError, streamError } from './answers/errors.ts';
import { missingKey, setupError } from './answers/run-answer.ts';

export interface CheckDeps {
  fetch?: typeof fetch;
  timeoutMs?: number;
  canReach?: (url: string) => Promise<boolean>;
}

const failed = (error: UserError): ConnectionTestResult => ({ kind: 'failed', error });

/** An error thrown while calling the provider, as the user reads it. */
function callError(provider: Provider, cause: unknown, url: string, model: string): UserError {
  if (cause instanceof HttpFailure) {
    return failureError(provider.classifyFailure(cause.status, cause.bodyText, { url }), cause.status, { model });
  }
  // On this machine or the LAN, "could not reach" almost always means the server is not
  // running (or listens elsewhere): say that, not "check your internet connection".
  if (isLocalAddress(url) && !(cause instanceof RedirectRefused)) return probeError(url, cause);
  return networkError(url, cause);
}

/**
 * A real, tiny request. Chat providers get max_tokens 1, not streamed; a custom SSE
 * endpoint gets a short streamed question, and the text extracted from its events is
 * shown (the live preview of the stream format).
 */
async function runConnectionTest(settings: ProviderSettings, apiKey: string, deps: CheckDeps): Promise<ConnectionTestResult> {
  const noKey = missingKey(settings, apiKey);
  if (noKey) return failed(noKey);
  const provider = providerForSettings(settings);
  // A custom endpoint and the browser's own model are tried with a short streamed question.
  const custom = presetFor(settings.provider).dialect === 'custom' || provider.dialect === 'builtin';
  let call: ProviderCall;
  try {
    call = provider.buildCall(settings, apiKey, {
      messages: [{ role: 'user', content: custom ? 'Say hello in five words.' : 'Reply with OK.' }],
      maxTokens: custom ? 64 : 1,
      stream: custom,
    });
  } catch (cause) {
    if (cause instanceof ProviderSetupError) return failed(setupError(cause));
    throw cause;
  }
  const url = call.request.url;
  if (deps.canReach && provider.dialect !== 'builtin' && !(await deps.canReach(url))) return failed(noPermissionError(url));
  const signal = AbortSignal.timeout(deps.timeoutMs ?? TEST_CONNECTION_TIMEOUT_MS);
  const transport = { signal, ...(deps.fetch ? { fetch: deps.fetch } : {}) };
  if (custom) return previewStream(provider, call, transport, settings.model);
  let bodyText: string;
  try {
    bodyText = await readBoundedText(await fetchOk(call.request, transport));
  } catch (cause) {
    return failed(callError(provider, cause, url, settings.model));
  }
  let model = settings.model;
  try {
    const json = JSON.parse(bodyText) as { model?: unknown };
    if (typeof json.model === 'string' && json.model) model = json.model.slice(0, MAX_MODEL_ID_CHARS);
  } catch {
    /* a 200 is success even if the body is odd */
  }
  return { kind: 'connected', model };
}

async function previewStream(
  provider: Provider,
  call: ProviderCall,
  transport: { signal: AbortSignal; fetch?: typeof fetch },
  model: string,
): Promise<ConnectionTestResult> {
  const accumulator = createChatAccumulator();
  try {
    for await (const batch of provider.stream(call, transport)) for (const delta of batch) accumulator.apply(delta);
  } catch (cause) {
    if (cause instanceof NoBodyError) return failed(userError('no-body', { fix: 'retry' }));
    if (
      cause instanceof HttpFailure ||
      cause instanceof RedirectRefused ||
      cause instanceof TypeError ||
      (cause instanceof DOMException && cause.name !== 'SyntaxError')
    ) {
      return failed(callError(provider, cause, call.request.url, model));
    }
    return failed(userError('preview-failed', { detail: cause instanceof Error ? cause.message : String(cause) }));
  }
  const result = accumulator.result();
  if (result.error) return failed(streamError(result.error));
  if (!result.text && !result.thinking) return failed(userError('preview-no-text'));
  const text = result.text.length > MAX_PREVIEW_CHARS ? `${result.text.slice(0, MAX_PREVIEW_CHARS)}…` : result.text;
  return { kind: 'preview', text, complete: result.complete };
}

/** The connection test, with the key masked in any error (a provider's body may echo it). */
export async function testConnection(settings: ProviderSettings, apiKey: string, deps: CheckDeps = {}): Promise<ConnectionTestResult> {
  const result = await runConnectionTest(settings, apiKey, deps);
  return result.kind === 'failed' ? failed(maskSecret(result.error, apiKey)) : result;
}

/** The provider's models for the picker; the model field still accepts a typed name. The key is masked in any error. */
export async function listModels(
  settings: ProviderSettings,
  apiKey: string,
  deps: CheckDeps = {},
): Promise<{ models: ModelInfo[]; error?: UserError }> {
  const result = await loadModelList(settings, apiKey, deps);
  return result.error ? { ...result, error: maskSecret(result.error, apiKey) } : result;
}

async function loadModelList(
  settings: ProviderSettings,
  apiKey: string,
  deps: CheckDeps,
): Promise<{ models: ModelInfo[]; error?: UserError }> {
  const provider = providerForSettings(settings);
  if (!provider.listModels || !presetFor(settings.provider).listsModels) {
    return { models: [], error: userError('models-unsupported', { params: { provider: settings.provider } }) };
  }
  const base = effectiveBaseUrl(settings);
  if (deps.canReach && !(await deps.canReach(base))) return { models: [], error: noPermissionError(base) };
  try {
    const signal = AbortSignal.timeout(deps.timeoutMs ?? MODELS_TIMEOUT_MS);
    return { models: await provider.listModels(settings, apiKey, { signal, ...(deps.fetch ? { fetch: deps.fetch } : {}) }) };
  } catch (cause) {
    if (cause instanceof ModelListInvalidError) return { models: [], error: userError('models-invalid') };
    return { models: [], error: callError(provider, cause, base, settings.model) };
  }
}
