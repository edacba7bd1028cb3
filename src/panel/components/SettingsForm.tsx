import { useState } from 'preact/hooks';
import type { PublicSettings, SettingsInput, UserError } from '../../messaging/protocol.ts';
import {
  checkSettings,
  modelOptionsSupport,
  OLLAMA_ORIGINS_SETTING,
  PROVIDER_IDS,
  presetFor,
  type ProviderId,
} from '../../providers/catalog.ts';
import { newKeyOrigin, requestUrl } from '../../providers/key-destination.ts';
import {
  CUSTOM_DATA_MODES,
  DEFAULT_CUSTOM_BODY_TEMPLATE,
  type CustomDataMode,
  type CustomEndpoint,
} from '../../shared/custom-endpoint.ts';
import { MAX_REGEX_INPUT_CHARS } from '../../shared/limits.ts';
import { userError } from '../../shared/errors.ts';
import { UI_LANGUAGES, type UiLanguage } from '../../shared/ids.ts';
import { MAX_OUTPUT_TOKENS, MIN_THINKING_BUDGET } from '../../shared/limits.ts';
import {
  DEFAULT_MODEL_OPTIONS,
  modelOptionsOf,
  REASONING_EFFORTS,
  type ModelOptions,
  type ModelOptionsByProvider,
  type ReasoningEffort,
} from '../../shared/model-options.ts';
import { connectionTestText, providerKeyHint, providerName, t, tParts } from '../i18n/index.ts';
import { requestHostFor } from '../host-permission.ts';
import type { PanelState } from '../state.ts';
import { AppearanceSettings } from './AppearanceSettings.tsx';
import { BuiltInModelStatus } from './BuiltInModelStatus.tsx';
import { ErrorDetails } from './NoticeBanner.tsx';
import { CustomSamplePreview } from '../custom/Extraction.tsx';
import { LocalModelsFinder, type LocalModelPick } from './LocalModelsFinder.tsx';

/** Examples and wire tokens shown in the form: not words, the same in every language. */
const EXAMPLE_BASE_URL = 'https://host/v1';
const EXAMPLE_ENDPOINT_URL = 'https://host/stream';
const DEFAULT_DONE_DATA = '[DONE]';
const METHODS = ['POST', 'GET'] as const;
const KEY_TOKEN = '{{key}}';
const BODY_TOKENS = '{{messages}}, {{prompt}}, {{system}}';

const EXAMPLE_EXTRA_FIELDS = '{"top_k": 5}';
const EXAMPLE_DOT_PATH = 'choices.0.delta.content';
const EXAMPLE_JSON_PATH = '$.choices[0].delta.content';
const EXAMPLE_PATTERN = '^token: (?<text>.*)$';

const DATA_MODE_LABELS = {
  json: () => t('data_mode_json'),
  text: () => t('data_mode_text'),
  regex: () => t('data_mode_regex'),
} satisfies Record<CustomDataMode, () => string>;

/** The custom endpoint field a settings problem is about: it is shown there, not under the form. */
type ProblemField = 'text-path' | 'reasoning-path' | 'pattern';
function problemField(problem: UserError | null): ProblemField | null {
  if (!problem) return null;
  if (problem.code === 'custom-text-path') return 'text-path';
  if (problem.code === 'custom-path-syntax' || problem.code === 'custom-path-unsupported')
    return problem.params?.field === 'reasoning-path' ? 'reasoning-path' : 'text-path';
  if (problem.code.startsWith('custom-pattern-')) return 'pattern';
  return null;
}

/** A problem shown at its field (the field names it with aria-describedby). */
function FieldProblem({ id, problem }: { id: string; problem: UserError }) {
  return (
    <div id={id} role="alert" data-testid={`${id}-problem`} data-code={problem.code}>
      <ErrorDetails error={problem} />
    </div>
  );
}

/** aria attributes of a control whose field has the problem. */
const invalidIf = (bad: boolean, id: string) => (bad ? { 'aria-invalid': true, 'aria-describedby': id } : {});
/** `.settings label` is a grid (label above control); a checkbox sits beside its words. */
const CHECKBOX_ROW = { display: 'flex', gap: '8px', alignItems: 'flex-start' } as const;
/** Inputs are full width in panel.css; a checkbox keeps its own size. */
const CHECKBOX = { width: 'auto', flex: 'none', margin: '2px 0 0' } as const;

const EFFORT_LABELS = {
  low: () => t('reasoning_effort_low'),
  medium: () => t('reasoning_effort_medium'),
  high: () => t('reasoning_effort_high'),
} satisfies Record<ReasoningEffort, () => string>;

/** Model options as the form holds them: numbers as typed. */
interface OptionsDraft {
  temperature: string;
  maxTokens: string;
  systemPrompt: string;
  thinking: boolean;
  thinkingBudget: string;
  reasoningEffort: ReasoningEffort;
  extraFields: string;
}

function draftOf(byProvider: ModelOptionsByProvider | undefined, provider: ProviderId): OptionsDraft {
  const options = modelOptionsOf(byProvider, provider);
  return {
    ...options,
    temperature: options.temperature === null ? '' : String(options.temperature),
    maxTokens: String(options.maxTokens),
    thinkingBudget: String(options.thinkingBudget),
  };
}

/** What was typed as a number: NaN when it is not one (checkSettings then says so), the fallback when empty. */
function numberOf(text: string, fallback: number): number;
function numberOf(text: string, fallback: null): number | null;
function numberOf(text: string, fallback: number | null): number | null {
  const trimmed = text.trim();
  return trimmed === '' ? fallback : Number(trimmed);
}

function optionsOf(draft: OptionsDraft): ModelOptions {
  return {
    ...draft,
    temperature: numberOf(draft.temperature, null),
    maxTokens: numberOf(draft.maxTokens, DEFAULT_MODEL_OPTIONS.maxTokens),
    thinkingBudget: numberOf(draft.thinkingBudget, DEFAULT_MODEL_OPTIONS.thinkingBudget),
  };
}

const LANGUAGE_LABELS = {
  auto: () => t('language_auto'),
  en: () => t('language_en'),
  zh_CN: () => t('language_zh_CN'),
} satisfies Record<UiLanguage, () => string>;

const EMPTY_CUSTOM: CustomEndpoint = {
  url: '',
  method: 'POST',
  headers: 'Authorization: Bearer {{key}}',
  bodyTemplate: DEFAULT_CUSTOM_BODY_TEMPLATE,
  dataMode: 'json',
  textPath: 'delta',
  pattern: '',
  reasoningPath: '',
  textMode: 'delta',
  doneData: '',
  eventType: '',
};

function Field(props: { label: string; hint?: string; children: preact.ComponentChildren }) {
  return (
    <label>
      <span>
        {props.label} {props.hint && <span class="muted">{props.hint}</span>}
      </span>
      {props.children}
    </label>
  );
}

export interface SettingsFormProps {
  settings: PublicSettings;
  test: PanelState['connectionTest'];
  models: PanelState['models'];
  onSave(input: SettingsInput): void;
  onTest(input: SettingsInput): void;
  onListModels(input: SettingsInput): void;
  /** Find local models (absent: the form shows no finder). */
  localModels?: PanelState['localModels'];
  onFindLocalModels?: (addresses: string[]) => void;
  onClose?: () => void;
  language: UiLanguage;
  onLanguage(language: UiLanguage): void;
}

export function SettingsForm(props: SettingsFormProps) {
  const saved = props.settings;
  const [provider, setProvider] = useState<ProviderId>(saved.provider);
  const [apiKey, setApiKey] = useState('');
  const [model, setModel] = useState(saved.model);
  const [baseUrl, setBaseUrl] = useState(saved.baseUrl);
  const [custom, setCustom] = useState<CustomEndpoint>(saved.custom ?? EMPTY_CUSTOM);
  const [draft, setDraft] = useState<OptionsDraft>(() => draftOf(saved.modelOptions, saved.provider));
  const [problem, setProblem] = useState<UserError | null>(null);
  /** "Try an event": a sample pasted from the stream (never saved). */
  const [sample, setSample] = useState('');
  /** The origin the user ticked "send my saved key to" for; it counts only while it is still the target. */
  const [keyTo, setKeyTo] = useState<string | null>(null);
  const preset = presetFor(provider);
  const isCustom = preset.dialect === 'custom';
  const atField = isCustom ? problemField(problem) : null;
  /** The browser's own model: no key, model or address to ask for. */
  const isBuiltin = preset.dialect === 'builtin';
  const support = modelOptionsSupport(provider);
  const keyStored = saved.providersWithKey.includes(provider);
  const keyHint = providerKeyHint(provider);
  // The saved key would go to an address it was not saved for: it needs typing again, or a tick.
  const keyWouldMove =
    keyStored && !isBuiltin && apiKey.trim() === ''
      ? newKeyOrigin(saved, { provider, baseUrl, custom: isCustom ? custom : null })
      : null;
  const keyMoveHost = keyWouldMove === null ? '' : new URL(keyWouldMove).host;

  const chooseProvider = (next: ProviderId) => {
    setProvider(next);
    setModel(next === saved.provider ? saved.model : presetFor(next).defaultModel);
    setBaseUrl(next === saved.provider ? saved.baseUrl : '');
    setDraft(draftOf(saved.modelOptions, next));
    setApiKey('');
    setProblem(null);
  };
  /** A model picked in Find local models: its server's preset, address and the model. */
  const pickLocal = (pick: LocalModelPick) => {
    setProvider(pick.provider);
    setModel(pick.model);
    setBaseUrl(pick.baseUrl);
    setDraft(draftOf(saved.modelOptions, pick.provider));
    setApiKey('');
    setProblem(null);
  };
  const editCustom = (patch: Partial<CustomEndpoint>) => setCustom({ ...custom, ...patch });
  const editDraft = (patch: Partial<OptionsDraft>) => setDraft({ ...draft, ...patch });

  /** The settings as typed, checked; null (with the problem shown) when they cannot be used. */
  const input = (options: { modelOptional?: boolean } = {}): SettingsInput | null => {
    const typedKey = apiKey.trim();
    const check = checkSettings({
      provider,
      model,
      baseUrl,
      custom: isCustom ? custom : null,
      options: optionsOf(draft),
      sendsKey: typedKey !== '' || keyStored,
      ...options,
    });
    if (!check.ok) {
      setProblem(check.error);
      return null;
    }
    setProblem(null);
    return {
      provider,
      apiKey: typedKey === '' ? null : typedKey,
      model: check.model,
      baseUrl: check.baseUrl,
      custom: check.custom,
      options: check.options,
      ...(keyWouldMove !== null && keyTo === keyWouldMove ? { keyTo } : {}),
    };
  };

  const withPermission = (action: (value: SettingsInput) => void, options: { modelOptional?: boolean } = {}) => {
    const value = input(options);
    if (!value) return;
    const target = requestUrl({ provider, baseUrl: value.baseUrl, custom: value.custom ?? null });
    void requestHostFor(target).then((granted) => {
      if (granted) action(value);
      else setProblem(userError('permission-denied', { params: { host: new URL(target).host } }));
    });
  };

  return (
    <form
      class="settings"
      data-testid="settings-form"
      onSubmit={(event) => {
        event.preventDefault();
        if (keyWouldMove !== null && keyTo !== keyWouldMove) {
          setProblem(userError('key-new-origin', { params: { host: keyMoveHost } }));
          return;
        }
        withPermission((value) => {
          props.onSave(value);
          setApiKey('');
        });
      }}
    >
      <h2>{t('settings')}</h2>
      {!saved.hasKey && saved.provider === 'anthropic' && provider === 'anthropic' && <p class="muted">{t('settings_intro')}</p>}
      <Field label={t('field_language')}>
        <select
          data-testid="language"
          value={props.language}
          onChange={(event) => props.onLanguage(event.currentTarget.value as UiLanguage)}
        >
          {UI_LANGUAGES.map((id) => (
            <option key={id} value={id}>
              {LANGUAGE_LABELS[id]()}
            </option>
          ))}
        </select>
      </Field>
      <AppearanceSettings />
      <Field label={t('field_provider')}>
        <select data-testid="provider" value={provider} onChange={(event) => chooseProvider(event.currentTarget.value as ProviderId)}>
          {PROVIDER_IDS.map((id) => (
            <option key={id} value={id}>
              {providerName(id)}
            </option>
          ))}
        </select>
      </Field>
      {props.onFindLocalModels && !isBuiltin && (
        <LocalModelsFinder state={props.localModels ?? null} onFind={props.onFindLocalModels} onPick={pickLocal} />
      )}
      {isBuiltin && <BuiltInModelStatus />}
      {!isBuiltin && (
        <Field label={t('field_api_key')} hint={preset.needsKey ? undefined : t('hint_optional')}>
          <input
            type="password"
            data-testid="api-key"
            autocomplete="off"
            spellcheck={false}
            value={apiKey}
            placeholder={keyStored ? t('key_saved_placeholder') : keyHint ? t('key_hint_placeholder', { hint: keyHint }) : ''}
            onInput={(event) => setApiKey(event.currentTarget.value)}
          />
        </Field>
      )}
      {keyWouldMove !== null && (
        <label class="checkbox" style={CHECKBOX_ROW}>
          <input
            type="checkbox"
            style={CHECKBOX}
            data-testid="key-new-origin-confirm"
            checked={keyTo === keyWouldMove}
            onChange={(event) => setKeyTo(event.currentTarget.checked ? keyWouldMove : null)}
          />
          <span>
            {t('key_new_origin_confirm', { host: keyMoveHost })}{' '}
            <span class="muted">{t('key_new_origin_note', { host: keyMoveHost })}</span>
          </span>
        </label>
      )}
      {provider === 'ollama' && (
        <p class="muted small" data-testid="ollama-hint">
          {tParts('ollama_hint', { setting: <code>{OLLAMA_ORIGINS_SETTING}</code> })}
        </p>
      )}
      {!isCustom && !isBuiltin && (
        <>
          <Field label={t('field_model')}>
            <div class="row tight">
              <input
                type="text"
                data-testid="model"
                list="aside-models"
                spellcheck={false}
                value={model}
                placeholder={preset.defaultModel || t('model_placeholder')}
                onInput={(event) => setModel(event.currentTarget.value)}
              />
              <button
                type="button"
                class="ghost"
                data-testid="load-models"
                disabled={props.models?.status === 'loading'}
                onClick={() => withPermission(props.onListModels, { modelOptional: true })}
              >
                {props.models?.status === 'loading' ? t('loading') : t('load_models')}
              </button>
            </div>
            <datalist id="aside-models">
              {props.models?.list.map((entry) => (
                <option key={entry.id} value={entry.id}>
                  {entry.label === entry.id ? undefined : entry.label}
                </option>
              ))}
            </datalist>
          </Field>
          {props.models?.status === 'done' && (
            <div class={props.models.error ? 'small' : 'muted small'} data-testid="models-result">
              {props.models.error ? (
                <ErrorDetails error={props.models.error} />
              ) : (
                t('models_available', { count: props.models.list.length })
              )}
            </div>
          )}
          <Field label={t('field_base_url')} hint={preset.baseUrl ? t('hint_optional') : undefined}>
            <input
              type="url"
              data-testid="base-url"
              spellcheck={false}
              value={baseUrl}
              placeholder={preset.baseUrl || EXAMPLE_BASE_URL}
              onInput={(event) => setBaseUrl(event.currentTarget.value)}
            />
          </Field>
        </>
      )}
      {isCustom && (
        <fieldset class="custom" data-testid="custom-endpoint">
          <legend>{t('custom_legend')}</legend>
          <Field label={t('field_url')}>
            <input
              type="url"
              data-testid="custom-url"
              value={custom.url}
              placeholder={EXAMPLE_ENDPOINT_URL}
              onInput={(e) => editCustom({ url: e.currentTarget.value })}
            />
          </Field>
          <Field label={t('field_method')}>
            <select
              data-testid="custom-method"
              value={custom.method}
              onChange={(e) => editCustom({ method: e.currentTarget.value as 'POST' | 'GET' })}
            >
              {METHODS.map((method) => (
                <option key={method} value={method}>
                  {method}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('field_headers')} hint={t('hint_headers', { token: KEY_TOKEN })}>
            <textarea
              data-testid="custom-headers"
              rows={2}
              spellcheck={false}
              value={custom.headers}
              onInput={(e) => editCustom({ headers: e.currentTarget.value })}
            />
          </Field>
          {custom.method === 'POST' && (
            <Field label={t('field_body')} hint={t('hint_body', { tokens: BODY_TOKENS })}>
              <textarea
                data-testid="custom-body"
                rows={3}
                spellcheck={false}
                value={custom.bodyTemplate}
                onInput={(e) => editCustom({ bodyTemplate: e.currentTarget.value })}
              />
            </Field>
          )}
          <Field label={t('field_data_mode')}>
            <select
              data-testid="custom-data-mode"
              value={custom.dataMode}
              onChange={(e) => {
                editCustom({ dataMode: e.currentTarget.value as CustomDataMode });
                // A problem belongs to a field of the mode it was found in.
                setProblem(null);
              }}
            >
              {CUSTOM_DATA_MODES.map((mode) => (
                <option key={mode} value={mode}>
                  {DATA_MODE_LABELS[mode]()}
                </option>
              ))}
            </select>
          </Field>
          {custom.dataMode === 'json' && (
            <Field label={t('field_text_path')} hint={t('hint_text_path', { dot: EXAMPLE_DOT_PATH, jsonpath: EXAMPLE_JSON_PATH })}>
              <input
                type="text"
                data-testid="custom-text-path"
                spellcheck={false}
                value={custom.textPath}
                placeholder={EXAMPLE_JSON_PATH}
                {...invalidIf(atField === 'text-path', 'custom-text-path')}
                onInput={(e) => editCustom({ textPath: e.currentTarget.value })}
              />
            </Field>
          )}
          {custom.dataMode === 'json' && atField === 'text-path' && problem && <FieldProblem id="custom-text-path" problem={problem} />}
          {custom.dataMode === 'regex' && (
            <Field label={t('field_pattern')} hint={t('hint_pattern', { max: MAX_REGEX_INPUT_CHARS })}>
              <input
                type="text"
                data-testid="custom-pattern"
                spellcheck={false}
                value={custom.pattern}
                placeholder={EXAMPLE_PATTERN}
                {...invalidIf(atField === 'pattern', 'custom-pattern')}
                onInput={(e) => editCustom({ pattern: e.currentTarget.value })}
              />
            </Field>
          )}
          {custom.dataMode === 'regex' && atField === 'pattern' && problem && <FieldProblem id="custom-pattern" problem={problem} />}
          <Field label={t('field_text_mode')}>
            <select
              data-testid="custom-text-mode"
              value={custom.textMode}
              onChange={(e) => editCustom({ textMode: e.currentTarget.value as 'delta' | 'cumulative' })}
            >
              <option value="delta">{t('text_mode_delta')}</option>
              <option value="cumulative">{t('text_mode_cumulative')}</option>
            </select>
          </Field>
          {custom.dataMode === 'json' && (
            <Field label={t('field_reasoning_path')} hint={t('hint_optional')}>
              <input
                type="text"
                data-testid="custom-reasoning-path"
                spellcheck={false}
                value={custom.reasoningPath}
                {...invalidIf(atField === 'reasoning-path', 'custom-reasoning-path')}
                onInput={(e) => editCustom({ reasoningPath: e.currentTarget.value })}
              />
            </Field>
          )}
          {custom.dataMode === 'json' && atField === 'reasoning-path' && problem && (
            <FieldProblem id="custom-reasoning-path" problem={problem} />
          )}
          <Field label={t('field_done')} hint={t('hint_done')}>
            <input
              type="text"
              data-testid="custom-done"
              spellcheck={false}
              value={custom.doneData}
              placeholder={DEFAULT_DONE_DATA}
              onInput={(e) => editCustom({ doneData: e.currentTarget.value })}
            />
          </Field>
          <Field label={t('field_event_type')} hint={t('hint_event_type')}>
            <input
              type="text"
              data-testid="custom-event-type"
              spellcheck={false}
              value={custom.eventType}
              onInput={(e) => editCustom({ eventType: e.currentTarget.value })}
            />
          </Field>
          <CustomSamplePreview format={custom} sample={sample} onSample={setSample} />
        </fieldset>
      )}
      {/* Options of the chosen provider; `custom` gives the bordered look of the endpoint's fieldset. */}
      {support.applies ? (
        <fieldset class="custom model-options" data-testid="model-options">
          <legend>{t('field_model_options')}</legend>
          <Field label={t('field_temperature')} hint={t('hint_temperature', { max: support.maxTemperature })}>
            <input
              type="text"
              inputMode="decimal"
              data-testid="model-temperature"
              spellcheck={false}
              value={draft.temperature}
              placeholder={t('placeholder_provider_default')}
              onInput={(e) => editDraft({ temperature: e.currentTarget.value })}
            />
          </Field>
          <Field label={t('field_max_tokens')} hint={t('hint_max_tokens', { max: MAX_OUTPUT_TOKENS })}>
            <input
              type="text"
              inputMode="numeric"
              data-testid="model-max-tokens"
              spellcheck={false}
              value={draft.maxTokens}
              placeholder={String(DEFAULT_MODEL_OPTIONS.maxTokens)}
              onInput={(e) => editDraft({ maxTokens: e.currentTarget.value })}
            />
          </Field>
          <Field label={t('field_system_prompt')} hint={t('hint_system_prompt')}>
            <textarea
              data-testid="model-system-prompt"
              rows={3}
              value={draft.systemPrompt}
              onInput={(e) => editDraft({ systemPrompt: e.currentTarget.value })}
            />
          </Field>
          {support.thinking && (
            <label class="checkbox" style={CHECKBOX_ROW}>
              <input
                type="checkbox"
                style={CHECKBOX}
                data-testid="model-thinking"
                checked={draft.thinking}
                onChange={(e) => editDraft({ thinking: e.currentTarget.checked })}
              />
              <span>
                {t('field_thinking')}{' '}
                <span class="muted">{support.thinking === 'budget' ? t('hint_thinking_budget') : t('hint_thinking_effort')}</span>
              </span>
            </label>
          )}
          {draft.thinking && support.thinking === 'budget' && (
            <Field label={t('field_thinking_budget')} hint={t('hint_thinking_budget_range', { min: MIN_THINKING_BUDGET })}>
              <input
                type="text"
                inputMode="numeric"
                data-testid="model-thinking-budget"
                spellcheck={false}
                value={draft.thinkingBudget}
                onInput={(e) => editDraft({ thinkingBudget: e.currentTarget.value })}
              />
            </Field>
          )}
          {draft.thinking && support.thinking === 'effort' && (
            <Field label={t('field_reasoning_effort')}>
              <select
                data-testid="model-reasoning-effort"
                value={draft.reasoningEffort}
                onChange={(e) => editDraft({ reasoningEffort: e.currentTarget.value as ReasoningEffort })}
              >
                {REASONING_EFFORTS.map((effort) => (
                  <option key={effort} value={effort}>
                    {EFFORT_LABELS[effort]()}
                  </option>
                ))}
              </select>
            </Field>
          )}
          <Field label={t('field_extra_fields')} hint={t('hint_extra_fields')}>
            <textarea
              data-testid="model-extra-fields"
              rows={2}
              spellcheck={false}
              value={draft.extraFields}
              placeholder={EXAMPLE_EXTRA_FIELDS}
              onInput={(e) => editDraft({ extraFields: e.currentTarget.value })}
            />
          </Field>
        </fieldset>
      ) : isBuiltin ? null : (
        <p class="muted small" data-testid="model-options-template">
          {t('model_options_template')}
        </p>
      )}
      {problem && !atField && (
        <div role="alert" data-testid="settings-problem" data-code={problem.code}>
          <ErrorDetails error={problem} />
        </div>
      )}
      <div class="row">
        <button type="submit" data-testid="save-settings">
          {t('save')}
        </button>
        <button
          type="button"
          class="ghost"
          data-testid="test-connection"
          disabled={props.test?.status === 'running'}
          onClick={() => withPermission(props.onTest)}
        >
          {isCustom ? t('preview') : t('test_connection')}
        </button>
        <span class="spacer" />
        {props.onClose && (
          <button type="button" class="ghost" data-testid="close-settings" onClick={props.onClose}>
            {t('done')}
          </button>
        )}
      </div>
      {props.test && (
        <p
          class={props.test.status === 'failed' ? 'error-message' : 'muted'}
          role="status"
          data-testid="connection-result"
          data-status={props.test.status}
        >
          {props.test.result ? connectionTestText(props.test.result) : t('connection_testing')}
        </p>
      )}
      {props.test?.result?.kind === 'failed' && props.test.result.error.detail && (
        <p class="error-detail">{props.test.result.error.detail}</p>
      )}
      <p class="muted small privacy">{t('privacy')}</p>
    </form>
  );
}
