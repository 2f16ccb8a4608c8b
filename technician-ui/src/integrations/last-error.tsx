const MAX_SHOWN = 80;

/** A failure reason, cut to one line; the full text is a click (or a hover) away. */
export function LastError({ text }: { text: string | null }) {
  if (!text) return <span className="subtle">None recorded</span>;
  if (text.length <= MAX_SHOWN) return <span className="integrations-error">{text}</span>;
  return (
    <details className="integrations-error">
      <summary title={text}>
        <span className="integrations-error__short">{`${text.slice(0, MAX_SHOWN - 1).trimEnd()}…`}</span>
        <span className="integrations-error__hide">Hide full error</span>
      </summary>
      <p className="integrations-error__full">{text}</p>
    </details>
  );
}
