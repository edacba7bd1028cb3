/**
 * "Find local models" in settings: from one click, asks the browser for access to the usual
 * local addresses (Ollama, LM Studio, llama.cpp, vLLM) and any address typed here, then has
 * the background probe them. What answers is listed with its models and their context
 * windows; picking one fills in the provider, base URL and model.
 */
import { useState } from 'preact/hooks';
import type { LocalProbeResult, UserError } from '../../messaging/protocol.ts';
import { originPattern, type ProviderId } from '../../providers/catalog.ts';
import { localOrigin, settingsForServer, USUAL_LOCAL_ADDRESSES, type LocalServerKind } from '../../shared/local-addresses.ts';
import { hostOf, userError } from '../../shared/errors.ts';
import { formatNumber, t } from '../i18n/index.ts';
import type { PanelState } from '../state.ts';
import { ErrorDetails } from './NoticeBanner.tsx';

/** An example address, not a word. */
const EXAMPLE_ADDRESS = '192.168.1.20:11434';

const SERVER_LABELS = {
  ollama: (host: string) => t('local_server_ollama', { host }),
  lmstudio: (host: string) => t('local_server_lmstudio', { host }),
  llamacpp: (host: string) => t('local_server_llamacpp', { host }),
  vllm: (host: string) => t('local_server_vllm', { host }),
  'openai-compatible': (host: string) => t('local_server_openai_compatible', { host }),
} satisfies Record<LocalServerKind, (host: string) => string>;

export interface LocalModelPick {
  provider: ProviderId;
  baseUrl: string;
  model: string;
}

export interface LocalModelsFinderProps {
  state: PanelState['localModels'];
  onFind(addresses: string[]): void;
  onPick(pick: LocalModelPick): void;
}

export function LocalModelsFinder(props: LocalModelsFinderProps) {
  const [address, setAddress] = useState('');
  const [problem, setProblem] = useState<UserError | null>(null);
  const probing = props.state?.status === 'probing';

  const find = () => {
    const typed = address.trim();
    const typedOrigin = typed === '' ? null : localOrigin(typed);
    if (typed !== '' && typedOrigin === null) {
      setProblem(userError('url-invalid', { params: { value: typed.slice(0, 200) } }));
      return;
    }
    setProblem(null);
    const addresses = [...new Set([...USUAL_LOCAL_ADDRESSES, ...(typedOrigin ? [typedOrigin] : [])])];
    const origins = [...new Set(addresses.map((origin) => originPattern(origin)))];
    // Asked here, in the click itself: browsers show the prompt only from a user gesture,
    // and an await before it would lose the gesture. Exactly these addresses are asked for.
    void browser.permissions
      .request({ origins })
      .catch(() => false)
      .then((granted) => {
        if (granted) props.onFind(addresses);
        else setProblem(userError('permission-denied', { params: { host: addresses.map(hostOf).join(', ') } }));
      });
  };

  const results = props.state?.status === 'done' ? props.state.results : [];
  const found = results.flatMap((result) => ('server' in result ? [result.server] : []));
  const typedOrigin = localOrigin(address);
  // A usual address where nothing listens is expected; a typed one's failure is explained.
  const explained = results.filter(
    (result): result is Extract<LocalProbeResult, { error: UserError }> =>
      'error' in result && (result.origin === typedOrigin || result.error.code !== 'local-unreachable'),
  );
  const silent = results.filter((result) => 'error' in result && !explained.includes(result));

  return (
    <fieldset class="custom" data-testid="local-models">
      <legend>{t('local_legend')}</legend>
      <p class="muted small">{t('local_intro')}</p>
      <label>
        <span>
          {t('local_address_label')} <span class="muted">{t('hint_optional')}</span>
        </span>
        <input
          type="text"
          data-testid="local-address"
          spellcheck={false}
          value={address}
          placeholder={EXAMPLE_ADDRESS}
          onInput={(event) => setAddress(event.currentTarget.value)}
        />
      </label>
      <div class="row">
        <button type="button" class="ghost" data-testid="find-local-models" disabled={probing} onClick={find}>
          {probing ? t('local_probing') : t('local_find')}
        </button>
      </div>
      {problem && (
        <div role="alert" data-testid="local-problem" data-code={problem.code}>
          <ErrorDetails error={problem} />
        </div>
      )}
      {props.state?.status === 'done' && (
        <div data-testid="local-results">
          {found.length === 0 && <p class="muted small">{t('local_none')}</p>}
          {found.map((server) => (
            <div key={server.origin} data-testid="local-server" data-origin={server.origin} data-kind={server.kind}>
              <p class="small">{SERVER_LABELS[server.kind](hostOf(server.origin))}</p>
              {server.models.length === 0 && <p class="muted small">{t('local_no_models')}</p>}
              <ul class="local-models">
                {server.models.map((model) => (
                  <li key={model.id}>
                    <button
                      type="button"
                      class="ghost"
                      data-testid="local-model"
                      data-model={model.id}
                      data-context-window={model.contextWindow ?? ''}
                      onClick={() => props.onPick({ ...settingsForServer(server), model: model.id })}
                    >
                      {model.label}
                      {model.contextWindow !== undefined && (
                        <span class="muted"> · {t('local_window', { tokens: formatNumber(model.contextWindow) })}</span>
                      )}
                    </button>
                  </li>
                ))}
              </ul>
            </div>
          ))}
          {explained.map((result) => (
            <div key={result.origin} class="small" data-testid="local-error" data-origin={result.origin} data-code={result.error.code}>
              <ErrorDetails error={result.error} />
            </div>
          ))}
          {silent.length > 0 && (
            <p class="muted small" data-testid="local-silent">
              {t('local_silent', { hosts: silent.map((result) => hostOf(result.origin)).join(', ') })}
            </p>
          )}
        </div>
      )}
    </fieldset>
  );
}
