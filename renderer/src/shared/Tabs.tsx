import type { ReactNode } from 'react';

export interface TabDef<T extends string> {
  id: T;
  label: ReactNode;
  title?: string;
}

/**
 * An ARIA tablist: each tab controls `tabpanel-<id>` (the panels are the caller's, so a hidden one
 * keeps its state). `idPrefix` keeps ids unique when two tab sets share ids.
 */
export function Tabs<T extends string>({
  label,
  tabs,
  active,
  onSelect,
  idPrefix = '',
}: {
  label: string;
  tabs: readonly TabDef<T>[];
  active: T;
  onSelect: (id: T) => void;
  idPrefix?: string;
}): ReactNode {
  return (
    <div role="tablist" aria-label={label} className="tabs">
      {tabs.map((t) => (
        <button
          key={t.id}
          type="button"
          role="tab"
          id={`tab-${idPrefix}${t.id}`}
          aria-selected={active === t.id}
          aria-controls={`tabpanel-${idPrefix}${t.id}`}
          className={`tab ${active === t.id ? 'active' : ''}`}
          onClick={() => onSelect(t.id)}
          title={t.title}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}
