import { diffParts } from '../lib/fields';

/** `value`, with the parts that differ from `against` highlighted. */
export function Diff({ value, against, kind }: { value: string; against: string; kind: 'add' | 'del' | 'mark' }) {
  if (!value) return <span className="muted">—</span>;
  return (
    <>
      {diffParts(against, value).map((p, i) =>
        p.changed ? (
          <mark key={i} className={`diff-${kind}`}>
            {p.text}
          </mark>
        ) : (
          <span key={i}>{p.text}</span>
        ),
      )}
    </>
  );
}
