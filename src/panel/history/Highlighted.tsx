import { highlightParts } from './highlight.ts';

/** Text with what the search matched in <mark>. */
export function Highlighted({ text, query }: { text: string; query: string }) {
  if (query.trim() === '') return <>{text}</>;
  return (
    <>
      {highlightParts(text, query).map((part, i) =>
        part.match ? (
          <mark key={i} data-testid="history-match">
            {part.text}
          </mark>
        ) : (
          part.text
        ),
      )}
    </>
  );
}
