/**
 * A user action may name its own provider and model: the answer to a question asked with
 * it uses them instead of the ones in settings. Another provider is used with its preset
 * address (its stored key, if any, is loaded by the caller for `settings.provider`).
 */
import type { ConversationTurn } from '../messaging/protocol.ts';
import { checkSettings, presetFor } from '../providers/catalog.ts';
import { newKeyOrigin } from '../providers/key-destination.ts';
import type { ModelChoice } from '../shared/compare.ts';
import { userError, type UserError } from '../shared/errors.ts';
import { modelOptionsOf, type StoredSettings } from '../storage/settings.ts';

/** The settings an answer to these turns is asked with. */
export function settingsForTurns(settings: StoredSettings, turns: readonly ConversationTurn[]): StoredSettings {
  const last = turns.findLast((turn) => turn.role === 'user');
  const action = last?.role === 'user' ? last.action : undefined;
  if (!action || (action.provider === undefined && !action.model)) return settings;
  if (action.provider === undefined || action.provider === settings.provider) {
    return action.model ? { ...settings, model: action.model } : settings;
  }
  const preset = presetFor(action.provider);
  // Only a provider with a known address can be used without its own settings.
  if (preset.baseUrl === '' || preset.dialect === 'custom') return settings;
  return { ...settings, provider: action.provider, model: action.model || preset.defaultModel, baseUrl: '', custom: null };
}

/**
 * Compare models: the settings the second answer is asked with. The same provider as in
 * settings keeps its saved address (or custom endpoint) unless another is given; another
 * provider goes to the address given, else its preset. Checked as settings are; a saved
 * key goes only where it was saved for (providers/key-destination.ts).
 */
export function settingsForChoice(
  stored: StoredSettings,
  choice: ModelChoice,
  apiKey: string,
): { ok: true; settings: StoredSettings } | { ok: false; error: UserError } {
  const same = choice.provider === stored.provider;
  const baseUrl = choice.baseUrl.trim() !== '' ? choice.baseUrl : same ? stored.baseUrl : '';
  const check = checkSettings({
    provider: choice.provider,
    model: choice.model.trim() || (same ? stored.model : ''),
    baseUrl,
    custom: same ? stored.custom : null,
    options: modelOptionsOf(stored.modelOptions, choice.provider),
    sendsKey: apiKey !== '',
  });
  if (!check.ok) return { ok: false, error: { ...check.error, fix: 'settings' } };
  const settings: StoredSettings = {
    provider: check.provider,
    model: check.model,
    baseUrl: check.baseUrl,
    custom: check.custom,
    modelOptions: stored.modelOptions,
  };
  const target = apiKey === '' ? null : newKeyOrigin(stored, settings);
  if (target !== null) {
    return {
      ok: false,
      error: userError('compare-key-origin', { params: { provider: choice.provider, host: new URL(target).host }, fix: 'settings' }),
    };
  }
  return { ok: true, settings };
}
