// The app mark (same drawing as assets/icon.svg), inline so it needs no extra request.
export function Logo({ size = 32 }: { size?: number }) {
  return (
    <svg viewBox="0 0 512 512" width={size} height={size} aria-hidden="true" focusable="false">
      <defs>
        <linearGradient id="augur-bg" x1="0" y1="0" x2="1" y2="1">
          <stop offset="0" stopColor="#2f6f6a" />
          <stop offset="1" stopColor="#1d4a5c" />
        </linearGradient>
      </defs>
      <rect x="16" y="16" width="480" height="480" rx="108" fill="url(#augur-bg)" />
      <rect x="112" y="300" width="56" height="100" rx="14" fill="#cfe9e3" />
      <rect x="196" y="244" width="56" height="156" rx="14" fill="#cfe9e3" />
      <rect x="280" y="196" width="56" height="204" rx="14" fill="#cfe9e3" />
      <path d="M120 236 C 200 150, 300 120, 384 128" fill="none" stroke="#f6c86b" strokeWidth="22" strokeLinecap="round" strokeDasharray="2 40" />
      <circle cx="392" cy="128" r="34" fill="#f6c86b" />
      <circle cx="392" cy="128" r="14" fill="#1d4a5c" />
    </svg>
  );
}
