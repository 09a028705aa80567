import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    --signet-accent: #1269cf;
  }
  :host([hidden]) {
    display: none;
  }
  [part='open-button'] {
    font: inherit;
    padding: 0.5em 1em;
    border: 0;
    border-radius: 4px;
    background: var(--signet-accent);
    color: #fff;
    cursor: pointer;
  }
  [part='open-button']:focus-visible {
    outline: 2px solid var(--signet-accent);
    outline-offset: 2px;
  }
  [part='dashboard'] {
    min-height: var(--signet-min-height, 0);
  }
  /* The drop zone's own line: what it accepts. Uppy's default is small and pale; this is what a person must read. */
  [part='dashboard'] .uppy-Dashboard-note {
    font-size: 14px;
    line-height: 1.4;
    color: #3a3f4a;
    max-width: 40em;
  }

  /* The results' own look loads with them (results-view.ts); the live region exists from the start. */
  [part='summary'] {
    margin: 0;
  }
  [part='results'].empty [part='summary'] {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
  }
`;
