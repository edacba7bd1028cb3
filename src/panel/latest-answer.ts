import type { AssistantTurn, Turn } from './state.ts';

/** The conversation's last answer (the one that may be streaming), or null before the first question. */
export function latestAnswer(turns: readonly Turn[]): AssistantTurn | null {
  for (let i = turns.length - 1; i >= 0; i--) {
    const turn = turns[i]!;
    if (turn.role === 'assistant') return turn;
  }
  return null;
}
