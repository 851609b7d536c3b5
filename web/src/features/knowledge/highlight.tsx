import type { THighlightPart } from "../../../../contracts/search";

/** A search snippet with the matching words marked (text only: no HTML from the server is rendered). */
export function Highlight({ parts }: { parts: THighlightPart[] }) {
  return (
    <>
      {parts.map((p, i) =>
        p.match ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: parts are positional and never reordered
          <mark key={i}>{p.text}</mark>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: parts are positional and never reordered
          <span key={i}>{p.text}</span>
        ),
      )}
    </>
  );
}
