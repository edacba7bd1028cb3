import { t } from '../i18n/index.ts';
import type { ToolCall } from '../state.ts';

/** The input as pretty JSON once it parses; as streamed until then (or when it never does). */
export function toolInputText(json: string): string {
  if (json.trim() === '') return '';
  try {
    return JSON.stringify(JSON.parse(json), null, 2);
  } catch {
    return json;
  }
}

/** A tool call the model made: its name, and its input, folded. */
export function ToolCallCard({ call }: { call: ToolCall }) {
  const input = toolInputText(call.json);
  const name = call.name || '?';
  return (
    <details class="tool-call" data-testid="tool-call" data-name={call.name}>
      <summary>
        <span class="tool-call-label">{t('tool_call')}</span> <code class="tool-call-name">{name}</code>
      </summary>
      {input !== '' && (
        <pre class="tool-call-input" data-testid="tool-call-input" aria-label={t('tool_call_input', { name })}>
          {input}
        </pre>
      )}
    </details>
  );
}
