import { Composer } from './components/Composer.tsx';
import { Conversation } from './components/Conversation.tsx';
import { NoticeBanner } from './components/NoticeBanner.tsx';
import { SelectionCard } from './components/SelectionCard.tsx';
import { SettingsForm } from './components/SettingsForm.tsx';
import { isAnswering, isReady } from './state.ts';
import { usePanel } from './use-panel.ts';

export function App() {
  const { state, commands } = usePanel();
  const answering = isAnswering(state);
  return (
    <div class="panel">
      <header class="panel-header">
        <h1>Aside</h1>
        <div class="header-actions">
          {!state.connected && (
            <span class="status-pill" role="status">
              Reconnecting…
            </span>
          )}
          <button
            type="button"
            class="ghost"
            onClick={commands.newConversation}
            disabled={answering || state.turns.length === 0}
            title="Start a new conversation"
          >
            New chat
          </button>
          <button
            type="button"
            class="ghost"
            data-testid="open-settings"
            aria-pressed={state.settingsOpen}
            onClick={() => commands.openSettings(!state.settingsOpen)}
            title="Settings"
          >
            Settings
          </button>
        </div>
      </header>
      {state.notice && (
        <NoticeBanner
          error={state.notice}
          onDismiss={commands.dismissNotice}
          onFix={(fix) => {
            if (fix === 'settings') commands.openSettings(true);
            else if (fix === 'grant-page-access') commands.grantPageAccessAndRead();
          }}
        />
      )}
      {state.settingsOpen || state.settings === null ? (
        state.settings === null ? (
          <p class="muted loading">Connecting…</p>
        ) : (
          <SettingsForm
            settings={state.settings}
            test={state.connectionTest}
            models={state.models}
            onSave={commands.saveSettings}
            onTest={commands.testConnection}
            onListModels={commands.listModels}
            onClose={isReady(state.settings) ? () => commands.openSettings(false) : undefined}
          />
        )
      ) : (
        <>
          <main class="conversation-scroll">
            <Conversation
              turns={state.turns}
              onRetry={commands.retry}
              onOpenSettings={() => commands.openSettings(true)}
            />
            {state.turns.length === 0 && !state.selection && (
              <p class="muted empty-hint">
                Select text on a page, then right-click → “Summarize with Aside”, press Alt+Shift+A, or click “Use page
                selection” below. You can also just type a question.
              </p>
            )}
          </main>
          <footer class="panel-footer">
            {state.selection && (
              <SelectionCard
                selection={state.selection}
                disabled={answering}
                onAction={(question) => commands.ask(question)}
                onDiscard={commands.discardSelection}
              />
            )}
            <Composer
              draft={state.draft}
              answering={answering}
              hasSelection={state.selection !== null}
              onDraft={commands.setDraft}
              onSend={() => commands.ask(state.draft)}
              onStop={commands.stop}
              onUseSelection={commands.readSelection}
            />
          </footer>
        </>
      )}
    </div>
  );
}
