/**
 * Ask two models, as the panel sees it: which providers can be the second (those that can
 * answer), what the picker proposes, and what the two answers are labelled. Pure: the
 * commands are in use-panel.ts, the picker in components/ComparePicker.tsx.
 */
import type { PublicSettings, SettingsInput, UserError } from '../messaging/protocol.ts';
import { checkSettings, effectiveBaseUrl, PROVIDER_IDS, presetFor, type ProviderId } from '../providers/catalog.ts';
import type { ModelChoice } from '../shared/compare.ts';

/**
 * Providers that can answer as the second model: any with a saved key, any that needs none
 * (local servers, a custom OpenAI-compatible server), and the one in settings. A custom SSE
 * endpoint and the browser's own model need what only settings hold (the endpoint, a
 * downloaded model), so they are offered only when they are the one in settings.
 */
export function compareProviders(settings: PublicSettings): ProviderId[] {
  return PROVIDER_IDS.filter((id) => {
    if (id === settings.provider || settings.providersWithKey.includes(id)) return true;
    const preset = presetFor(id);
    return !preset.needsKey && preset.dialect !== 'custom' && preset.dialect !== 'builtin';
  });
}

/** The model an answer is labelled with: the one typed, else the settings' (same provider), else the provider's default. */
export function choiceModel(choice: Pick<ModelChoice, 'provider' | 'model'>, settings: PublicSettings): string {
  const typed = choice.model.trim();
  if (typed) return typed;
  if (choice.provider === settings.provider && settings.model) return settings.model;
  return presetFor(choice.provider).defaultModel;
}

/** The first pair: the provider and model in settings. */
export function firstPair(settings: PublicSettings): { provider: ProviderId; model: string } {
  return { provider: settings.provider, model: choiceModel({ provider: settings.provider, model: '' }, settings) };
}

/**
 * The second pair the picker starts with: the last one used while its provider can still
 * answer; otherwise another provider that can, else the one in settings.
 */
export function initialChoice(settings: PublicSettings, saved: ModelChoice | null): ModelChoice {
  const providers = compareProviders(settings);
  if (saved && providers.includes(saved.provider)) return saved;
  const other = providers.find((id) => id !== settings.provider && settings.providersWithKey.includes(id));
  return { provider: other ?? settings.provider, model: '', baseUrl: '' };
}

/** The choice as settings to check or to list models with (the stored key: `apiKey: null`). */
export function choiceAsSettings(choice: ModelChoice, settings: PublicSettings): SettingsInput {
  const same = choice.provider === settings.provider;
  return {
    provider: choice.provider,
    apiKey: null,
    model: choice.model.trim(),
    baseUrl: choice.baseUrl.trim() !== '' ? choice.baseUrl.trim() : same ? settings.baseUrl : '',
    custom: same ? settings.custom : null,
  };
}

/** Where the second answer's request goes (for the host permission asked in the click); null when there is no address. */
export function choiceUrl(choice: ModelChoice, settings: PublicSettings): string | null {
  const input = choiceAsSettings(choice, settings);
  if (input.custom) return input.custom.url;
  return effectiveBaseUrl({ provider: choice.provider, baseUrl: input.baseUrl }) || null;
}

/** Why the second pair cannot be asked as it is (the background checks again), or null. */
export function choiceProblem(choice: ModelChoice, settings: PublicSettings): UserError | null {
  const input = choiceAsSettings(choice, settings);
  const check = checkSettings({
    ...input,
    // The settings' model stands in for an empty one of the same provider.
    model: choiceModel(choice, settings),
    sendsKey: settings.providersWithKey.includes(choice.provider),
  });
  return check.ok ? null : check.error;
}
