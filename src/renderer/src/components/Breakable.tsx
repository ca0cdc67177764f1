import { Fragment } from 'react';

/**
 * Text that wraps at sensible points when its column is narrow: after "@", ".", "/" and "-"
 * in an email, a web address or a long number, not in the middle of "outlook.com".
 */
export function Breakable({ text }: { text: string }) {
  const parts = text.split(/(?<=[@./-])(?=.)/);
  if (parts.length < 2) return <>{text}</>;
  return (
    <>
      {parts.map((p, i) => (
        <Fragment key={i}>
          {i > 0 && <wbr />}
          {p}
        </Fragment>
      ))}
    </>
  );
}
