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
`;
