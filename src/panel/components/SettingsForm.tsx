import { useState } from 'preact/hooks';
import type { PublicSettings, SettingsInput } from '../../messaging/protocol.ts';
import { ANTHROPIC_BASE_URL, DEFAULT_MODEL } from '../../storage/settings-defaults.ts';
import { checkSettings, originPattern } from '../../storage/validate-settings.ts';
import type { PanelState } from '../state.ts';

/**
 * A custom base URL needs a host permission, asked for inside this click (the browser
 * allows the prompt only then). Resolves true when it is not needed or was granted.
 */
function requestHostFor(baseUrl: string): Promise<boolean> {
  const check = checkSettings({ model: DEFAULT_MODEL, baseUrl });
  if (!check.ok || check.baseUrl === '' || check.baseUrl.startsWith(ANTHROPIC_BASE_URL)) return Promise.resolve(true);
  return browser.permissions.request({ origins: [originPattern(check.baseUrl)] }).catch(() => false);
}

export function SettingsForm(props: {
  settings: PublicSettings;
  test: PanelState['connectionTest'];
  onSave(input: SettingsInput): void;
  onTest(input: SettingsInput): void;
  onClose?: () => void;
}) {
  const [apiKey, setApiKey] = useState('');
  const [model, setModel] = useState(props.settings.model);
  const [baseUrl, setBaseUrl] = useState(props.settings.baseUrl);
  const [problem, setProblem] = useState<string | null>(null);

  const input = (): SettingsInput | null => {
    const check = checkSettings({ model, baseUrl });
    if (!check.ok) {
      setProblem(check.message);
      return null;
    }
    setProblem(null);
    return { apiKey: apiKey.trim() === '' ? null : apiKey.trim(), model: check.model, baseUrl: check.baseUrl };
  };

  const withPermission = (action: (value: SettingsInput) => void) => {
    const value = input();
    if (!value) return;
    void requestHostFor(value.baseUrl).then((granted) => {
      if (granted) action(value);
      else setProblem(`Aside needs permission to reach ${value.baseUrl}. Allow it when the browser asks.`);
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
      {!props.settings.hasKey && (
        <p class="muted">Aside answers with Anthropic’s Claude using your own API key. Paste it below to start.</p>
      )}
      <label>
        Anthropic API key
        <input
          type="password"
          data-testid="api-key"
          autocomplete="off"
          spellcheck={false}
          value={apiKey}
          placeholder={props.settings.hasKey ? 'Saved (hidden). Type to replace it.' : 'sk-ant-…'}
          onInput={(event) => setApiKey(event.currentTarget.value)}
        />
      </label>
      <label>
        Model
        <input
          type="text"
          data-testid="model"
          spellcheck={false}
          value={model}
          placeholder={DEFAULT_MODEL}
          onInput={(event) => setModel(event.currentTarget.value)}
        />
      </label>
      <label>
        <span>
          Base URL <span class="muted">(optional)</span>
        </span>
        <input
          type="url"
          data-testid="base-url"
          spellcheck={false}
          value={baseUrl}
          placeholder={ANTHROPIC_BASE_URL}
          onInput={(event) => setBaseUrl(event.currentTarget.value)}
        />
      </label>
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
          Test connection
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
        Your key is kept in this browser’s extension storage (never synced) and is sent only to the base URL above. The
        text you select and your questions go to the same place, only when you ask.
      </p>
    </form>
  );
}
