import { useState } from 'preact/hooks';
import type { PublicSettings, SettingsInput } from '../../messaging/protocol.ts';
import { DEFAULT_CUSTOM_BODY_TEMPLATE } from '../../providers/custom.ts';
import { PRESETS, PROVIDER_IDS, presetFor, type ProviderId } from '../../providers/presets.ts';
import type { CustomEndpoint } from '../../storage/settings.ts';
import { checkSettings, effectiveBaseUrl, originPattern } from '../../storage/validate-settings.ts';
import type { PanelState } from '../state.ts';

/** Origins in the manifest's host_permissions: no prompt needed. */
const BUILT_IN_ORIGINS = ['https://api.anthropic.com'];

/**
 * A provider other than Anthropic needs a host permission, asked for inside this click
 * (the browser allows the prompt only then). Resolves true when not needed or granted.
 */
function requestHostFor(url: string): Promise<boolean> {
  let origin: string;
  try {
    origin = new URL(url).origin;
  } catch {
    return Promise.resolve(true); // the background reports the bad URL
  }
  if (BUILT_IN_ORIGINS.includes(origin)) return Promise.resolve(true);
  return browser.permissions.request({ origins: [originPattern(url)] }).catch(() => false);
}

const EMPTY_CUSTOM: CustomEndpoint = {
  url: '',
  method: 'POST',
  headers: 'Authorization: Bearer {{key}}',
  bodyTemplate: DEFAULT_CUSTOM_BODY_TEMPLATE,
  textPath: 'delta',
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

export function SettingsForm(props: {
  settings: PublicSettings;
  test: PanelState['connectionTest'];
  models: PanelState['models'];
  onSave(input: SettingsInput): void;
  onTest(input: SettingsInput): void;
  onListModels(input: SettingsInput): void;
  onClose?: () => void;
}) {
  const saved = props.settings;
  const [provider, setProvider] = useState<ProviderId>(saved.provider);
  const [apiKey, setApiKey] = useState('');
  const [model, setModel] = useState(saved.model);
  const [baseUrl, setBaseUrl] = useState(saved.baseUrl);
  const [custom, setCustom] = useState<CustomEndpoint>(saved.custom ?? EMPTY_CUSTOM);
  const [problem, setProblem] = useState<string | null>(null);
  const preset = presetFor(provider);
  const isCustom = preset.dialect === 'custom';
  const keyStored = saved.providersWithKey.includes(provider);

  const chooseProvider = (next: ProviderId) => {
    setProvider(next);
    setModel(next === saved.provider ? saved.model : presetFor(next).defaultModel);
    setBaseUrl(next === saved.provider ? saved.baseUrl : '');
    setApiKey('');
    setProblem(null);
  };
  const editCustom = (patch: Partial<CustomEndpoint>) => setCustom({ ...custom, ...patch });

  /** The settings as typed, checked; null (with the problem shown) when they cannot be used. */
  const input = (options: { modelOptional?: boolean } = {}): SettingsInput | null => {
    const typedKey = apiKey.trim();
    const check = checkSettings({
      provider,
      model,
      baseUrl,
      custom: isCustom ? custom : null,
      sendsKey: typedKey !== '' || keyStored,
      ...options,
    });
    if (!check.ok) {
      setProblem(check.message);
      return null;
    }
    setProblem(null);
    return { provider, apiKey: typedKey === '' ? null : typedKey, model: check.model, baseUrl: check.baseUrl, custom: check.custom };
  };

  const withPermission = (action: (value: SettingsInput) => void, options: { modelOptional?: boolean } = {}) => {
    const value = input(options);
    if (!value) return;
    const target = value.custom ? value.custom.url : effectiveBaseUrl({ provider, baseUrl: value.baseUrl });
    void requestHostFor(target).then((granted) => {
      if (granted) action(value);
      else setProblem(`Aside needs your permission to reach ${new URL(target).host}. Allow it when the browser asks.`);
    });
  };

  return (
    <form
      class="settings"
      data-testid="settings-form"
      onSubmit={(event) => {
        event.preventDefault();
        withPermission((value) => {
          props.onSave(value);
          setApiKey('');
        });
      }}
    >
      <h2>Settings</h2>
      {!saved.hasKey && saved.provider === 'anthropic' && provider === 'anthropic' && (
        <p class="muted">Aside answers with the AI provider of your choice, using your own API key. Paste it below to start.</p>
      )}
      <Field label="Provider">
        <select data-testid="provider" value={provider} onChange={(event) => chooseProvider(event.currentTarget.value as ProviderId)}>
          {PROVIDER_IDS.map((id) => (
            <option key={id} value={id}>
              {PRESETS[id].label}
            </option>
          ))}
        </select>
      </Field>
      <Field label="API key" hint={preset.needsKey ? undefined : '(optional)'}>
        <input
          type="password"
          data-testid="api-key"
          autocomplete="off"
          spellcheck={false}
          value={apiKey}
          placeholder={keyStored ? 'Saved (hidden). Type to replace it.' : preset.keyHint ? `From ${preset.keyHint}` : ''}
          onInput={(event) => setApiKey(event.currentTarget.value)}
        />
      </Field>
      {provider === 'ollama' && (
        <p class="muted small" data-testid="ollama-hint">
          Ollama accepts requests from extensions only when started with{' '}
          <code>OLLAMA_ORIGINS=chrome-extension://*,moz-extension://*</code>.
        </p>
      )}
      {!isCustom && (
        <>
          <Field label="Model">
            <div class="row tight">
              <input
                type="text"
                data-testid="model"
                list="aside-models"
                spellcheck={false}
                value={model}
                placeholder={preset.defaultModel || 'Load models, or type a name'}
                onInput={(event) => setModel(event.currentTarget.value)}
              />
              <button
                type="button"
                class="ghost"
                data-testid="load-models"
                disabled={props.models?.status === 'loading'}
                onClick={() => withPermission(props.onListModels, { modelOptional: true })}
              >
                {props.models?.status === 'loading' ? 'Loading…' : 'Load models'}
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
            <p class={props.models.error ? 'error-message small' : 'muted small'} data-testid="models-result">
              {props.models.error ?? `${props.models.list.length} models available: pick one from the list or type a name.`}
            </p>
          )}
          <Field label="Base URL" hint={preset.baseUrl ? '(optional)' : undefined}>
            <input
              type="url"
              data-testid="base-url"
              spellcheck={false}
              value={baseUrl}
              placeholder={preset.baseUrl || 'https://host/v1'}
              onInput={(event) => setBaseUrl(event.currentTarget.value)}
            />
          </Field>
        </>
      )}
      {isCustom && (
        <fieldset class="custom" data-testid="custom-endpoint">
          <legend>Custom SSE endpoint</legend>
          <Field label="URL">
            <input type="url" data-testid="custom-url" value={custom.url} placeholder="https://host/stream" onInput={(e) => editCustom({ url: e.currentTarget.value })} />
          </Field>
          <Field label="Method">
            <select data-testid="custom-method" value={custom.method} onChange={(e) => editCustom({ method: e.currentTarget.value as 'POST' | 'GET' })}>
              <option value="POST">POST</option>
              <option value="GET">GET</option>
            </select>
          </Field>
          <Field label="Headers" hint="(one “Name: value” per line; {{key}} is your API key)">
            <textarea data-testid="custom-headers" rows={2} spellcheck={false} value={custom.headers} onInput={(e) => editCustom({ headers: e.currentTarget.value })} />
          </Field>
          {custom.method === 'POST' && (
            <Field label="Request body" hint="(JSON; {{messages}}, {{prompt}}, {{system}} are filled in)">
              <textarea data-testid="custom-body" rows={3} spellcheck={false} value={custom.bodyTemplate} onInput={(e) => editCustom({ bodyTemplate: e.currentTarget.value })} />
            </Field>
          )}
          <Field label="Text path" hint="(where the text is in each event’s JSON, e.g. delta, token, output.text, choices.0.delta.content)">
            <input type="text" data-testid="custom-text-path" spellcheck={false} value={custom.textPath} onInput={(e) => editCustom({ textPath: e.currentTarget.value })} />
          </Field>
          <Field label="Each event carries">
            <select data-testid="custom-text-mode" value={custom.textMode} onChange={(e) => editCustom({ textMode: e.currentTarget.value as 'delta' | 'cumulative' })}>
              <option value="delta">the new text only</option>
              <option value="cumulative">all the text so far</option>
            </select>
          </Field>
          <Field label="Reasoning path" hint="(optional)">
            <input type="text" data-testid="custom-reasoning-path" spellcheck={false} value={custom.reasoningPath} onInput={(e) => editCustom({ reasoningPath: e.currentTarget.value })} />
          </Field>
          <Field label="End marker" hint="(optional; default [DONE])">
            <input type="text" data-testid="custom-done" spellcheck={false} value={custom.doneData} placeholder="[DONE]" onInput={(e) => editCustom({ doneData: e.currentTarget.value })} />
          </Field>
          <Field label="Event type" hint="(optional; only events of this type carry text, e.g. result)">
            <input type="text" data-testid="custom-event-type" spellcheck={false} value={custom.eventType} onInput={(e) => editCustom({ eventType: e.currentTarget.value })} />
          </Field>
        </fieldset>
      )}
      {problem && (
        <p class="error-message" role="alert" data-testid="settings-problem">
          {problem}
        </p>
      )}
      <div class="row">
        <button type="submit" data-testid="save-settings">
          Save
        </button>
        <button
          type="button"
          class="ghost"
          data-testid="test-connection"
          disabled={props.test?.status === 'running'}
          onClick={() => withPermission(props.onTest)}
        >
          {isCustom ? 'Preview' : 'Test connection'}
        </button>
        <span class="spacer" />
        {props.onClose && (
          <button type="button" class="ghost" onClick={props.onClose}>
            Done
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
          {props.test.message}
        </p>
      )}
      <p class="muted small privacy">
        Keys are kept in this browser’s extension storage (never synced) and are sent only to the provider’s URL. The text
        you select and your questions go to the same place, only when you ask.
      </p>
    </form>
  );
}
