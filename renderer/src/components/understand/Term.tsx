import { useId, useState } from 'react';

// A term a non-statistician may not know, with a "what is this?" that opens one plain sentence.
export function Term({ children, what }: { children: React.ReactNode; what: string }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  return (
    <span className="term">
      {children}
      <button type="button" className="term__q" aria-expanded={open} aria-controls={id} onClick={() => setOpen(!open)} title="What is this?">
        ?<span className="visually-hidden">What is this?</span>
      </button>
      {open && (
        <span id={id} role="note" className="term__what">
          {what}
        </span>
      )}
    </span>
  );
}
