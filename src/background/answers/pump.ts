/**
 * Drains an open answer stream into its sink, then ends the answer: complete when the
 * provider's end marker came, truncated when the body just stopped, stopped on the user's
 * Stop, failed on a stream error, a silence, or a dropped connection (the text so far is
 * kept in every case). Nothing here is retried: the answer has started.
 */
import { userError, type UserError } from '../../shared/errors.ts';
import type { ChatDelta } from '../../providers/index.ts';
import { streamError } from './errors.ts';
import type { Opened } from './open-with-retries.ts';
import type { AnswerSink } from './sink.ts';

export async function pump(
  opened: Extract<Opened, { kind: 'open' }>,
  sink: AnswerSink,
  context: { signal: AbortSignal; idleTimeoutMs: number },
): Promise<void> {
  const { stream, watchdog } = opened;
  let complete = false;
  let error: { type: string; message: string } | null = null;
  const apply = (batch: ChatDelta[]) => {
    for (const delta of batch) {
      if (delta.type === 'done') complete = true;
      else if (delta.type === 'error') error = delta.error;
      sink.push(delta);
    }
  };
  /** Whether any of the answer reached the sink: a reset can lose every byte inside the browser. */
  const nothingArrived = () => {
    const snap = sink.snapshot();
    return snap.text === '' && snap.thinking === '' && snap.toolCalls.length === 0;
  };
  const withPartial = (error: UserError): UserError =>
    nothingArrived() ? { ...error, params: { ...error.params, partial: 'none' } } : error;
  try {
    apply(opened.first);
    for (;;) {
      const next = await stream.next();
      if (next.done) break;
      watchdog.touch();
      apply(next.value);
    }
  } catch (cause) {
    if (context.signal.aborted) return sink.end('stopped');
    if (watchdog.idled) {
      return sink.fail(
        withPartial(userError('stalled', { params: { seconds: Math.round(context.idleTimeoutMs / 1000) }, fix: 'retry' })),
      );
    }
    return sink.fail(
      withPartial(userError('connection-dropped', { detail: cause instanceof Error ? cause.message : String(cause), fix: 'retry' })),
    );
  } finally {
    watchdog.dispose();
    void stream.return(undefined).catch(() => {});
  }
  if (context.signal.aborted) return sink.end('stopped');
  if (error) return sink.fail(withPartial(streamError(error)));
  return sink.end(complete ? 'complete' : 'truncated');
}
