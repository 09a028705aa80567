import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    font: inherit;
    margin-bottom: 0.75em;
  }
  fieldset {
    border: 1px solid #dde0e6;
    border-radius: 6px;
    padding: 0.5em 0.9em 0.8em;
    margin: 0;
  }
  fieldset[disabled] .field {
    opacity: 0.75;
  }
  legend {
    font-weight: 600;
    padding: 0 0.3em;
  }
  [part='toggle'] {
    font: inherit;
    font-weight: 600;
    color: inherit;
    background: none;
    border: 0;
    padding: 0.15em 0.2em;
    cursor: pointer;
    display: inline-flex;
    align-items: center;
    gap: 0.35em;
  }
  [part='toggle']::before {
    content: '';
    width: 0.45em;
    height: 0.45em;
    border: solid currentColor;
    border-width: 0 2px 2px 0;
    transform: rotate(45deg) translate(-0.1em, -0.1em);
  }
  [part='toggle'][aria-expanded='false']::before {
    transform: rotate(-45deg);
  }
  [part='toggle']:focus-visible {
    outline: 2px solid #1269cf;
    outline-offset: 2px;
    border-radius: 3px;
  }
  [part='digest'] {
    margin: 0.2em 0 0;
    font-size: 0.9em;
    color: #3a3f4a;
    overflow-wrap: anywhere;
  }
  [hidden] {
    display: none !important;
  }
  .field {
    display: grid;
    gap: 0.2em;
    margin-top: 0.5em;
  }
  label {
    font-size: 0.9em;
  }
  input,
  select {
    font: inherit;
    padding: 0.3em 0.45em;
    border: 1px solid #b9bfca;
    border-radius: 4px;
  }
  input[aria-invalid='true'] {
    border-color: #c62828;
  }
  .error,
  [part='lock-reason'] {
    color: #c62828;
    font-size: 0.85em;
  }
  [part='lock-reason'] {
    color: #5b6170;
  }
  .chips {
    display: flex;
    flex-wrap: wrap;
    gap: 0.3em;
    list-style: none;
    padding: 0;
    margin: 0;
  }
  .chips li {
    display: inline-flex;
    align-items: center;
    gap: 0.2em;
    background: #e7eefb;
    border-radius: 999px;
    padding: 0.05em 0.3em 0.05em 0.6em;
    font-size: 0.9em;
  }
  .chips button {
    border: 0;
    background: none;
    cursor: pointer;
    font: inherit;
    line-height: 1;
    padding: 0.1em 0.3em;
  }
`;
