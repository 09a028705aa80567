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
  fieldset[disabled] {
    opacity: 0.75;
  }
  legend {
    font-weight: 600;
    padding: 0 0.3em;
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
