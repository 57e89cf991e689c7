import { Component } from 'react';
import type { ErrorInfo, ReactNode } from 'react';
import { toast } from '../state/index.ts';

interface BoundaryProps {
  name: string;
  children: ReactNode;
}
interface BoundaryState {
  error: Error | null;
}

/** One per panel: a bug in one view shows a message there instead of blanking the terminal. */
export class PanelBoundary extends Component<BoundaryProps, BoundaryState> {
  override state: BoundaryState = { error: null };

  static getDerivedStateFromError(error: Error): BoundaryState {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(`strata: ${this.props.name} crashed`, error, info.componentStack);
    toast('error', `${this.props.name} hit an error: ${error.message}`);
  }

  override render(): ReactNode {
    if (this.state.error) {
      return (
        <div className="panel crashed" role="alert">
          <p>
            <strong>{this.props.name}</strong> failed: {this.state.error.message}
          </p>
          <button type="button" className="btn" onClick={() => this.setState({ error: null })}>
            Reload panel
          </button>
        </div>
      );
    }
    return this.props.children;
  }
}
