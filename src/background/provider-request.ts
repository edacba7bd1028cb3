/**
 * Turns the stored settings into a concrete request for the chosen provider: which URL,
 * which headers and body, and how to read the stream that comes back.
 */
import { buildAnthropicRequest } from '../providers/anthropic.ts';
import { buildCustomRequest } from '../providers/custom.ts';
import type { StreamFormat } from '../providers/index.ts';
import { modelsRequest } from '../providers/models.ts';
import { buildOpenAIRequest } from '../providers/openai.ts';
import { presetFor } from '../providers/presets.ts';
import type { ChatMessage } from '../providers/types.ts';
import type { StoredSettings } from '../storage/settings.ts';
import { effectiveBaseUrl, parseHeaderLines } from '../storage/validate-settings.ts';

export interface ChatRequestSpec {
  system?: string;
  messages: ChatMessage[];
  maxTokens: number;
  stream: boolean;
}

export interface ProviderCall {
  url: string;
  init: RequestInit;
  format: StreamFormat;
}

/** `{{key}}` in custom headers is the provider's API key (kept out of settings). */
function customHeaders(text: string, apiKey: string): Record<string, string> {
  const headers = parseHeaderLines(text);
  if (typeof headers === 'string') throw new Error(headers);
  for (const name of Object.keys(headers)) headers[name] = headers[name]!.replace(/\{\{\s*key\s*\}\}/g, apiKey);
  return headers;
}

/** Throws an Error with a user-readable message when the settings cannot make a request. */
export function buildProviderCall(settings: StoredSettings, apiKey: string, spec: ChatRequestSpec): ProviderCall {
  const preset = presetFor(settings.provider);
  switch (preset.dialect) {
    case 'anthropic':
      return {
        ...buildAnthropicRequest({ baseUrl: effectiveBaseUrl(settings), apiKey, model: settings.model, ...spec }),
        format: { kind: 'anthropic' },
      };
    case 'openai':
      return {
        ...buildOpenAIRequest({ baseUrl: effectiveBaseUrl(settings), apiKey, model: settings.model, ...spec }),
        format: { kind: 'openai' },
      };
    case 'custom': {
      const custom = settings.custom;
      if (!custom) throw new Error('The custom endpoint is not set up yet. Open settings to describe it.');
      const request = buildCustomRequest({
        url: custom.url,
        method: custom.method,
        headers: customHeaders(custom.headers, apiKey),
        bodyTemplate: custom.method === 'GET' ? undefined : custom.bodyTemplate,
        messages: spec.messages,
        system: spec.system,
      });
      return {
        ...request,
        format: {
          kind: 'custom',
          textPath: custom.textPath,
          ...(custom.reasoningPath ? { reasoningPath: custom.reasoningPath } : {}),
          textMode: custom.textMode,
          ...(custom.doneData ? { doneData: custom.doneData } : {}),
          ...(custom.eventType ? { eventType: custom.eventType } : {}),
        },
      };
    }
  }
}

/** The model listing call, or null for providers that have none. */
export function buildModelsCall(settings: StoredSettings, apiKey: string): { url: string; init: RequestInit } | null {
  const preset = presetFor(settings.provider);
  if (!preset.listsModels || preset.dialect === 'custom') return null;
  return modelsRequest(preset.dialect, effectiveBaseUrl(settings), apiKey);
}

/** Where a key is needed but missing, the message that says so. */
export function missingKeyMessage(settings: StoredSettings, apiKey: string): string | null {
  const preset = presetFor(settings.provider);
  if (!preset.needsKey || apiKey) return null;
  return `Add your ${preset.label} API key in settings to get answers.`;
}
