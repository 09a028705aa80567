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

  [part='results'] {
    margin-top: 0.6em;
    font-size: 15px;
    line-height: 1.4;
  }
  [part='results'].empty {
    margin: 0;
  }
  .results-head {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    justify-content: space-between;
    gap: 0.3em 1em;
  }
  [part='summary'] {
    margin: 0;
    font-weight: 600;
  }
  [part='results'].empty [part='summary'] {
    /* Kept in the page (a live region must exist before it speaks), with no box of its own while empty. */
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
  }
  [part='results-list'] {
    list-style: none;
    margin: 0.4em 0 0;
    padding: 0;
    display: grid;
    gap: 0.4em;
  }
  [part='results-list'] li {
    display: grid;
    grid-template-columns: auto minmax(0, 1fr) auto;
    align-items: baseline;
    gap: 0.15em 0.6em;
    padding: 0.5em 0.7em;
    border: 1px solid #dde0e6;
    border-left: 4px solid #1d8a3b;
    border-radius: 5px;
    background: #fff;
  }
  [part='results-list'] li[data-status='existing'],
  [part='results-list'] li[data-status='held'] {
    border-left-color: #b26a00;
  }
  [part='results-list'] li[data-status='refused'],
  [part='results-list'] li[data-status='failed'] {
    border-left-color: #c62828;
  }
  .state {
    font-weight: 600;
    white-space: nowrap;
  }
  li[data-status='success'] .state {
    color: #1a6d31;
  }
  li[data-status='existing'] .state,
  li[data-status='held'] .state {
    color: #8a5200;
  }
  li[data-status='refused'] .state,
  li[data-status='failed'] .state {
    color: #b71c1c;
  }
  .name {
    overflow-wrap: anywhere;
    font-weight: 500;
  }
  .detail {
    color: #5b6170;
    font-size: 0.85em;
    overflow-wrap: anywhere;
    text-align: end;
  }
  .message {
    grid-column: 1 / -1;
    margin: 0;
    color: #2b2f38;
  }
  .advice {
    color: #3a3f4a;
  }
  .action,
  [part='clear-results'] {
    font: inherit;
    font-size: 0.9em;
    border-radius: 4px;
    cursor: pointer;
    padding: 0.3em 0.8em;
  }
  .action {
    grid-column: 1 / -1;
    justify-self: start;
    border: 0;
    background: var(--signet-accent);
    color: #fff;
  }
  [part='clear-results'] {
    border: 1px solid #b9bfca;
    background: #fff;
    color: inherit;
  }
  .action:focus-visible,
  [part='clear-results']:focus-visible {
    outline: 2px solid var(--signet-accent);
    outline-offset: 2px;
  }
  @media (max-width: 480px) {
    [part='results-list'] li {
      grid-template-columns: auto minmax(0, 1fr);
    }
    .detail {
      grid-column: 1 / -1;
      text-align: start;
    }
  }
`;
