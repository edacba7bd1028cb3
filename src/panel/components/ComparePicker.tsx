/**
 * Ask two models: above the composer, the two pairs the question goes to. The first is the
 * one in settings; the second is picked here among the providers that can answer, with a
 * model from its list (once loaded) or typed, and an address where the provider needs one.
 * The composer's button then asks both.
 */
import type { PublicSettings } from '../../messaging/protocol.ts';
import { presetFor, type ProviderId } from '../../providers/catalog.ts';
import type { ModelChoice } from '../../shared/compare.ts';
import { choiceUrl, compareProviders, firstPair } from '../compare.ts';
import { requestHostFor } from '../host-permission.ts';
import { providerName, t } from '../i18n/index.ts';
import type { PanelState } from '../state.ts';
import { ErrorDetails } from './NoticeBanner.tsx';

/** "Provider · model", as a comparison's answers are labelled. */
export function pairLabel(pair: { provider: ProviderId; model: string }): string {
  return pair.model ? t('compare_pair', { provider: providerName(pair.provider), model: pair.model }) : providerName(pair.provider);
}

export function ComparePicker(props: {
  settings: PublicSettings;
  choice: ModelChoice;
  models: PanelState['compare']['models'];
  onChoice(choice: ModelChoice): void;
  onListModels(): void;
  onClose(): void;
}) {
  const { choice, settings } = props;
  const preset = presetFor(choice.provider);
  const same = choice.provider === settings.provider;
  const modelPlaceholder = (same && settings.model) || preset.defaultModel || t('model_placeholder');
  const urlPlaceholder = (same && (settings.custom?.url || settings.baseUrl)) || preset.baseUrl || 'http://localhost:8080/v1';
  const change = (patch: Partial<ModelChoice>) => props.onChoice({ ...choice, ...patch });
  return (
    <section id="compare-picker" class="compare-picker" data-testid="compare-picker" aria-labelledby="compare-picker-title">
      <div class="row compare-picker-head">
        <h2 id="compare-picker-title">{t('compare_title')}</h2>
        <span class="spacer" />
        <button type="button" class="ghost small-button" data-testid="compare-close" onClick={props.onClose}>
          {t('compare_close')}
        </button>
      </div>
      <p class="muted small" data-testid="compare-first">
        {t('compare_first', { pair: pairLabel(firstPair(settings)) })}
      </p>
      <div class="compare-fields">
        <label>
          <span>{t('compare_provider')}</span>
          <select
            data-testid="compare-provider"
            value={choice.provider}
            onChange={(event) => change({ provider: event.currentTarget.value as ProviderId, model: '', baseUrl: '' })}
          >
            {compareProviders(settings).map((id) => (
              <option key={id} value={id}>
                {providerName(id)}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>{t('compare_model')}</span>
          <span class="row tight">
            <input
              type="text"
              data-testid="compare-model"
              list="aside-compare-models"
              spellcheck={false}
              value={choice.model}
              placeholder={modelPlaceholder}
              onInput={(event) => change({ model: event.currentTarget.value })}
            />
            {preset.listsModels && (
              <button
                type="button"
                class="ghost"
                data-testid="compare-load-models"
                disabled={props.models?.status === 'loading'}
                onClick={() => {
                  const url = choiceUrl(choice, settings);
                  // Asked inside the click; the background reports an address it may not reach.
                  void (url ? requestHostFor(url) : Promise.resolve(true)).then(props.onListModels);
                }}
              >
                {props.models?.status === 'loading' ? t('loading') : t('load_models')}
              </button>
            )}
          </span>
          <datalist id="aside-compare-models">
            {props.models?.list.map((entry) => (
              <option key={entry.id} value={entry.id}>
                {entry.label === entry.id ? undefined : entry.label}
              </option>
            ))}
          </datalist>
        </label>
        {props.models?.status === 'done' && (
          <div class={props.models.error ? 'small' : 'muted small'} data-testid="compare-models-result">
            {props.models.error ? (
              <ErrorDetails error={props.models.error} />
            ) : (
              t('models_available', { count: props.models.list.length })
            )}
          </div>
        )}
        {preset.dialect !== 'builtin' && !(same && settings.custom) && (
          <label>
            <span>
              {t('compare_base_url')} {(preset.baseUrl || same) && <span class="muted">{t('hint_optional')}</span>}
            </span>
            <input
              type="url"
              data-testid="compare-base-url"
              spellcheck={false}
              value={choice.baseUrl}
              placeholder={urlPlaceholder}
              onInput={(event) => change({ baseUrl: event.currentTarget.value })}
            />
          </label>
        )}
      </div>
    </section>
  );
}
