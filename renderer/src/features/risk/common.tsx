import { useId } from 'react';
import type { ReactNode } from 'react';
import { RpcError } from '../../../../src/contract/index.ts';
import { errorText } from '../../state/index.ts';

/** Failure text of a refused request: the contract code, the domain code from issues, the message. */
export function refusalText(err: unknown): { code: string; detail: string | null; message: string } {
  if (err instanceof RpcError) {
    const first = err.issues?.[0];
    return { code: err.code, detail: first?.path || null, message: first?.message || err.message };
  }
  const e = errorText(err);
  return { code: e.code, detail: null, message: e.message };
}

export function Section({ title, children, tools, className }: { title: string; children: ReactNode; tools?: ReactNode; className?: string }): ReactNode {
  const id = useId();
  return (
    <section className={`rk-sec ${className ?? ''}`} aria-labelledby={id}>
      <header className="rk-sec-head">
        <h3 id={id}>{title}</h3>
        {tools}
      </header>
      {children}
    </section>
  );
}


export function Kv({ label, children }: { label: string; children: ReactNode }): ReactNode {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}
