/**
 * Connects the panel's state to the background and to storage: one hook, so components
 * only render state and call the returned commands.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { BackgroundMessage, PanelMessage, SettingsInput } from '../messaging/protocol.ts';
import { loadConversation, saveConversation, type StoredTurn } from '../storage/conversation.ts';
import { userError } from '../shared/errors.ts';
import { takeStorageProblems } from '../storage/item.ts';
import { connectToBackground, type BackgroundConnection } from './connection.ts';
import { quickActionQuestion } from './i18n/index.ts';
import { fromStored, toStored } from './saved-conversation.ts';
import {
  askProblem,
  canContinue,
  editProblem,
  initialState,
  reduce,
  resumableRequestIds,
  turnsForRequest,
  type AssistantTurn,
  type PanelAction,
  type PanelState,
} from './state.ts';

export const PAGE_ACCESS_ORIGINS = ['http://*/*', 'https://*/*'];

export interface PanelCommands {
  ask(question: string): void;
  stop(): void;
  /** Retry a failed answer, or Regenerate any last answer: a new answer to the same conversation. */
  retry(requestId: string): void;
  /** Continue a cut-off answer: the model carries on, appended to the same answer. */
  continueAnswer(requestId: string): void;
  /** Edit the user turn at `index` in place (Edit, or Up in an empty composer). */
  startEdit(index: number): void;
  cancelEdit(): void;
  /** Send the edited question: the conversation after it is replaced by a new answer. */
  resendEdit(index: number, question: string): void;
  setDraft(text: string): void;
  readSelection(): void;
  /** Must be called from a click: asks the browser for page access, then reads. */
  grantPageAccessAndRead(): void;
  discardSelection(): void;
  newConversation(): void;
  /**
   * Shows a conversation from history in the panel, to read and continue (the history
   * view's Open). It becomes the panel's current conversation.
   */
  showConversation(turns: readonly StoredTurn[]): void;
  dismissNotice(): void;
  openSettings(open: boolean): void;
  saveSettings(input: SettingsInput): void;
  testConnection(input: SettingsInput): void;
  listModels(input: SettingsInput): void;
}

/** What must be saved at once when it changes: the turns and how each answer stands. */
function conversationShape(state: PanelState): string {
  return state.turns.map((turn) => (turn.role === 'user' ? 'u' : `${turn.requestId}:${turn.status}`)).join('|');
}

function newRequestId(): string {
  return crypto.randomUUID();
}

export function usePanel(): { state: PanelState; commands: PanelCommands } {
  // The reducer runs here, not in useReducer, so commands always read the state as of
  // the last action (a render may not have happened yet: a context-menu "Summarize" asks
  // right after its selection arrives).
  const stateRef = useRef<PanelState>(initialState);
  const [state, setState] = useState<PanelState>(initialState);
  const dispatch = (action: PanelAction) => {
    stateRef.current = reduce(stateRef.current, action);
    setState(stateRef.current);
  };
  const connectionRef = useRef<BackgroundConnection | null>(null);
  const windowIdRef = useRef<number | undefined>(undefined);
  const restoredRef = useRef(false);

  const send = (message: PanelMessage): boolean => connectionRef.current?.send(message) ?? false;

  const commands = useMemo<PanelCommands>(() => {
    const notice = (error: NonNullable<PanelState['notice']>) => dispatch({ type: 'background', message: { type: 'notice', error } });
    const ask = (question: string) => {
      const current = stateRef.current;
      const problem = askProblem(current, question);
      if (problem) return notice(problem);
      const requestId = newRequestId();
      dispatch({ type: 'ask', requestId, question });
      const { turns } = stateRef.current;
      send({ type: 'ask', requestId, turns: turnsForRequest(turns, turns.length - 1) });
    };
    return {
      ask,
      stop() {
        for (const turn of stateRef.current.turns) {
          if (turn.role === 'assistant' && (turn.status === 'streaming' || turn.status === 'retrying')) {
            send({ type: 'stop', requestId: turn.requestId });
          }
        }
      },
      retry(requestId) {
        const current = stateRef.current;
        const index = current.turns.findIndex((turn) => turn.role === 'assistant' && turn.requestId === requestId);
        if (index < 0 || !current.connected) return;
        const newRequestId_ = newRequestId();
        dispatch({ type: 'retry', requestId, newRequestId: newRequestId_ });
        send({ type: 'ask', requestId: newRequestId_, turns: turnsForRequest(current.turns, index) });
      },
      continueAnswer(requestId) {
        const current = stateRef.current;
        const index = current.turns.findIndex((turn) => turn.role === 'assistant' && turn.requestId === requestId);
        const turn = current.turns[index] as AssistantTurn | undefined;
        if (!turn || !canContinue(turn)) return;
        if (!current.connected) return notice(userError('reconnecting'));
        const newRequestId_ = newRequestId();
        dispatch({ type: 'continue', requestId, newRequestId: newRequestId_ });
        // The turns up to and including the partial answer (now its trimmed prefix).
        send({ type: 'ask', requestId: newRequestId_, turns: turnsForRequest(stateRef.current.turns, index + 1), continue: true });
      },
      startEdit: (index) => dispatch({ type: 'edit-start', index }),
      cancelEdit: () => dispatch({ type: 'edit-cancel' }),
      resendEdit(index, question) {
        const problem = editProblem(stateRef.current, index, question);
        if (problem) return notice(problem);
        const requestId = newRequestId();
        dispatch({ type: 'edit-resend', index, question, requestId });
        const { turns } = stateRef.current;
        send({ type: 'ask', requestId, turns: turnsForRequest(turns, turns.length - 1) });
      },
      setDraft: (text) => dispatch({ type: 'draft', text }),
      readSelection: () => send({ type: 'read-selection', windowId: windowIdRef.current }),
      grantPageAccessAndRead() {
        // No await before request(): the browser allows it only inside the click.
        void browser.permissions
          .request({ origins: PAGE_ACCESS_ORIGINS })
          .then((granted) => {
            if (granted) send({ type: 'read-selection', windowId: windowIdRef.current });
          })
          .catch(() => {});
      },
      discardSelection: () => dispatch({ type: 'discard-selection' }),
      newConversation: () => dispatch({ type: 'new-conversation' }),
      showConversation(turns) {
        dispatch({ type: 'new-conversation' });
        dispatch({ type: 'restore', saved: fromStored({ turns: [...turns], selection: null, draft: '' }) });
      },
      dismissNotice: () => dispatch({ type: 'dismiss-notice' }),
      openSettings: (open) => dispatch({ type: 'open-settings', open }),
      saveSettings: (input) => send({ type: 'save-settings', settings: input }),
      testConnection(input) {
        const requestId = newRequestId();
        dispatch({ type: 'test-connection', requestId });
        send({ type: 'test-connection', requestId, settings: input });
      },
      listModels(input) {
        const requestId = newRequestId();
        dispatch({ type: 'list-models', requestId });
        send({ type: 'list-models', requestId, settings: input });
      },
    };
  }, []);

  useEffect(() => {
    let disposed = false;
    const onMessage = (message: BackgroundMessage) => {
      dispatch({ type: 'background', message, at: Date.now() });
      // A quick action from the context menu asks at once, once the state has the selection.
      if (message.type === 'selection') {
        const question = quickActionQuestion(message.action);
        if (question) commands.ask(question);
      }
    };
    const start = async () => {
      const saved = await loadConversation();
      if (disposed) return;
      if (saved) dispatch({ type: 'restore', saved: fromStored(saved) });
      // A stored conversation that could not be read was reset: say so rather than show nothing.
      for (const problem of takeStorageProblems()) dispatch({ type: 'background', message: { type: 'notice', error: problem } });
      restoredRef.current = true;
      try {
        windowIdRef.current = (await browser.windows.getCurrent()).id;
      } catch {
        windowIdRef.current = undefined;
      }
      if (disposed) return;
      connectionRef.current = connectToBackground(
        {
          onMessage,
          onConnected: () => {
            dispatch({ type: 'connected' });
            // Answers cut off on this side may still be running in the background: ask
            // for them (after this call returns, once the connection object exists).
            queueMicrotask(() => {
              for (const requestId of resumableRequestIds(stateRef.current)) send({ type: 'attach', requestId });
            });
          },
          onDisconnected: () => dispatch({ type: 'disconnected' }),
        },
        () => ({ type: 'hello', windowId: windowIdRef.current }),
      );
    };
    void start();
    return () => {
      disposed = true;
      connectionRef.current?.close();
    };
  }, [commands]);

  // Save the conversation so a closed panel loses nothing: at once when its shape changes
  // (a turn added, an answer's status), otherwise at most every 250 ms while text streams
  // (a throttle: a debounce would never fire while deltas keep coming), and on pagehide.
  const saveTimerRef = useRef<ReturnType<typeof setTimeout> | null>(null);
  const shapeRef = useRef('');
  useEffect(() => {
    if (!restoredRef.current) return;
    const save = () => {
      if (saveTimerRef.current !== null) clearTimeout(saveTimerRef.current);
      saveTimerRef.current = null;
      void saveConversation(toStored(stateRef.current)).catch(() => {});
    };
    const shape = conversationShape(state);
    if (shape !== shapeRef.current) {
      shapeRef.current = shape;
      save();
    } else if (saveTimerRef.current === null) {
      saveTimerRef.current = setTimeout(save, 250);
    }
  }, [state.turns, state.selection, state.draft]);
  useEffect(() => {
    const flush = () => void saveConversation(toStored(stateRef.current)).catch(() => {});
    addEventListener('pagehide', flush);
    return () => removeEventListener('pagehide', flush);
  }, []);

  return { state, commands };
}
