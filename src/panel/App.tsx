import { KeptInMemoryNote } from './components/KeptInMemoryNote.tsx';
import { LazyActionsSettings } from './components/LazyActionsSettings.tsx';
import { Composer } from './components/Composer.tsx';
import { ComparePicker } from './components/ComparePicker.tsx';
import { Conversation } from './components/Conversation.tsx';
import { ConversationScroll } from './components/ConversationScroll.tsx';
import { LiveAnnouncer } from './components/LiveAnnouncer.tsx';
import { NoticeBanner } from './components/NoticeBanner.tsx';
import { SelectionCard } from './components/SelectionCard.tsx';
import { LazySettingsForm } from './components/LazySettingsForm.tsx';
import { t } from './i18n/index.ts';
import { useLanguage } from './i18n/use-language.ts';
import { useActionKeys } from './actions/use-action-keys.ts';
import { enabledEntries } from '../shared/actions.ts';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { LazyHistoryView } from './history/LazyHistoryView.tsx';
import { LazyStreamDetails } from './details/LazyStreamDetails.tsx';
import { useHistoryStore } from './history/use-history-store.ts';
import { isAnswering, isReady, lastUserTurnIndex } from './state.ts';
import { usePanel } from './use-panel.ts';
import { conversationBudget, selectionBudget } from './budget.ts';
import { LazyConversationBudgetLine } from './components/LazyConversationBudgetLine.tsx';
import { continuesMidSentence } from '../providers/catalog.ts';
import { modelOptionsOf } from '../shared/model-options.ts';

/** The keyboard command's default (manifest commands); a key name, not a word. */
const ASK_SHORTCUT = 'Alt+Shift+A';

/** `appearanceReady`: on a first open, the saved theme and size being read (nothing shows before them). */
export function App(props: { appearanceReady?: Promise<void> } = {}) {
  const { state, commands, actions } = usePanel();
  const { ready, language, choose } = useLanguage(props.appearanceReady);
  const answering = isAnswering(state);
  // A follow-up's budget (none while an answer streams: it is measured again once it ends).
  const followUpBudget = answering ? null : conversationBudget(state);
  // Esc stops a streaming answer from anywhere in the panel (an editor's Esc cancels the edit first).
  useEffect(() => {
    if (!answering) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && !event.defaultPrevented && !event.isComposing) commands.stop();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [answering, commands]);
  const enabled = enabledEntries(actions);
  // 1 to 9 run the actions while a selection waits and the conversation shows.
  useActionKeys(
    state.selection !== null && !answering && !state.settingsOpen,
    enabled.map((entry) => entry.id),
    commands.runAction,
  );
  const lastQuestion = lastUserTurnIndex(state.turns);
  const openSettings = useCallback(() => commands.openSettings(true), [commands]);
  const [historyOpen, setHistoryOpen] = useState(false);
  const history = useHistoryStore(historyOpen);
  const historyButton = useRef<HTMLButtonElement>(null);
  const closeHistory = () => {
    setHistoryOpen(false);
    historyButton.current?.focus();
  };
  // Open: the background loads it into this tab's panel (conversation.open), so it is
  // continued in place and later answers are written back to it.
  const openFromHistory = (id: string) => {
    commands.openConversation(id);
    setHistoryOpen(false);
  };
  const showHistory = historyOpen && state.settings !== null;
  // Until the saved language is in place: nothing, rather than a flash of the other one.
  if (!ready) return null;
  return (
    <div class="panel">
      <header class="panel-header">
        <h1>{t('extension_name')}</h1>
        <div class="header-actions">
          {/* Not on the first open: no conversation was shown yet, nothing to reconnect to. */}
          {!state.connected && state.conversationId !== null && (
            <span class="status-pill" role="status">
              {t('status_reconnecting')}
            </span>
          )}
          <button
            type="button"
            class="ghost"
            data-testid="new-chat"
            onClick={commands.newConversation}
            disabled={answering || state.turns.length === 0}
            title={t('new_chat_title')}
          >
            {t('new_chat')}
          </button>
          <button
            ref={historyButton}
            type="button"
            class="ghost"
            data-testid="open-history"
            aria-pressed={showHistory}
            onClick={() => (historyOpen ? closeHistory() : setHistoryOpen(true))}
            title={t('history_title')}
          >
            {t('history')}
          </button>
          <button
            type="button"
            class="ghost"
            data-testid="open-settings"
            aria-pressed={state.settingsOpen && !showHistory}
            onClick={() => {
              setHistoryOpen(false);
              commands.openSettings(!state.settingsOpen || showHistory);
            }}
            title={t('settings')}
          >
            {t('settings')}
          </button>
        </div>
      </header>
      {(state.storage === 'private' || state.storage === 'memory' || browser.extension?.inIncognitoContext === true) && (
        <KeptInMemoryNote reason={state.storage === 'memory' ? 'memory' : 'private'} />
      )}
      {state.storage === 'full' && (
        <p class="storage-note" role="alert" data-testid="storage-full">
          {t('storage_full_note')}
        </p>
      )}
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
      {showHistory ? (
        <LazyHistoryView
          store={history.store}
          failed={history.failed}
          inMemory={state.storage === 'private' || state.storage === 'memory' || browser.extension?.inIncognitoContext === true}
          busy={answering}
          onOpen={openFromHistory}
          onDeleted={commands.historyDeleted}
          onNew={() => {
            commands.newConversation();
            setHistoryOpen(false);
          }}
          onClose={closeHistory}
        />
      ) : state.streamDetails && !state.settingsOpen ? (
        <main class="details-main">
          <LazyStreamDetails
            turn={
              state.turns.find(
                (turn): turn is Extract<typeof turn, { role: 'assistant' }> =>
                  turn.role === 'assistant' && turn.requestId === state.streamDetails?.requestId,
              ) ?? null
            }
            status={state.streamDetails.status}
            details={state.streamDetails.details}
            onClose={commands.closeDetails}
          />
        </main>
      ) : state.settingsOpen || state.settings === null ? (
        // The page's one main landmark, as the conversation is when it shows.
        <main class="settings-main">
          {state.settings === null ? (
            <p class="muted loading">{t('connecting')}</p>
          ) : (
            <>
              <LazySettingsForm
                settings={state.settings}
                test={state.connectionTest}
                models={state.models}
                onSave={commands.saveSettings}
                onTest={commands.testConnection}
                onListModels={commands.listModels}
                localModels={state.localModels}
                onFindLocalModels={commands.findLocalModels}
                onClose={isReady(state.settings) ? () => commands.openSettings(false) : undefined}
                language={language}
                onLanguage={choose}
              />
              <LazyActionsSettings />
            </>
          )}
        </main>
      ) : (
        <>
          <ConversationScroll turns={state.turns}>
            <Conversation
              turns={state.turns}
              language={language}
              editing={state.editing}
              answering={answering}
              continuesMidSentence={
                state.settings === null ||
                continuesMidSentence(state.settings.provider, modelOptionsOf(state.settings.modelOptions, state.settings.provider))
              }
              onEdit={commands.startEdit}
              onCancelEdit={commands.cancelEdit}
              onResend={commands.resendEdit}
              onRetry={commands.retry}
              onContinue={commands.continueAnswer}
              onOpenSettings={openSettings}
              onDetails={commands.openDetails}
              onStop={commands.stopAnswer}
              onPick={commands.pickAnswer}
              leftOut={state.leftOut}
              onSendAll={answering ? undefined : () => commands.leaveOut(0)}
            />
            {state.turns.length === 0 && !state.selection && (
              <p class="muted empty-hint">
                {t('empty_hint', { menu: t('menu_summarize'), shortcut: ASK_SHORTCUT, button: t('use_selection') })}
              </p>
            )}
          </ConversationScroll>
          <footer class="panel-footer">
            {state.selection && (
              <SelectionCard
                selection={state.selection}
                measured={selectionBudget(state.selection, state.tokenCount)}
                budget={{ onFirstPart: commands.useFirstPart, onParts: commands.sendParts, onSections: commands.useSections }}
                actions={enabled}
                disabled={answering}
                onRun={commands.runAction}
                onDiscard={commands.discardSelection}
              />
            )}
            {followUpBudget && (
              <LazyConversationBudgetLine
                measured={followUpBudget}
                disabled={answering}
                onLeaveOut={commands.leaveOut}
                onNewChat={commands.newConversation}
              />
            )}
            {state.compare.open && state.settings && state.compare.choice && (
              <ComparePicker
                settings={state.settings}
                choice={state.compare.choice}
                models={state.compare.models}
                onChoice={commands.setCompareChoice}
                onListModels={commands.listCompareModels}
                onClose={() => commands.openCompare(false)}
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
              onUsePage={commands.readPage}
              onEditLast={lastQuestion >= 0 && !answering ? () => commands.startEdit(lastQuestion) : undefined}
              comparing={state.compare.open && state.compare.choice !== null}
              onCompare={commands.openCompare}
              onSendBoth={commands.askCompare}
            />
          </footer>
        </>
      )}
      <LiveAnnouncer turns={state.turns} />
    </div>
  );
}
