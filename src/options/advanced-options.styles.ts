import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    font: inherit;
    margin-bottom: var(--signet-spacing, 0.75em);
  }
  fieldset {
    border: 1px solid var(--signet-border, #c9ced8);
    border-radius: var(--signet-radius, 6px);
    padding: 0.5em 0.9em 0.8em;
    margin: 0;
    background: var(--signet-surface, transparent);
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
    outline: 2px solid var(--signet-accent, #1269cf);
    outline-offset: 2px;
    border-radius: 3px;
  }
  [part='digest'] {
    margin: 0.2em 0 0;
    font-size: 0.9em;
    color: var(--signet-muted, #4f5563);
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
    border: 1px solid var(--signet-border, #c9ced8);
    border-radius: calc(var(--signet-radius, 6px) * 0.7);
    background: var(--signet-background, #fff);
    color: var(--signet-text, inherit);
  }
  input:focus-visible,
  select:focus-visible {
    outline: 2px solid var(--signet-accent, #1269cf);
    outline-offset: 1px;
  }
  input[aria-invalid='true'] {
    border-color: var(--signet-danger, #b71c1c);
  }
  .error,
  [part='lock-reason'] {
    color: var(--signet-danger, #b71c1c);
    font-size: 0.85em;
  }
  [part='lock-reason'] {
    color: var(--signet-muted, #4f5563);
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
    background: color-mix(in srgb, var(--signet-accent, #1269cf) 14%, var(--signet-background, #fff));
    border-radius: 999px;
    padding: 0.05em 0.3em 0.05em 0.6em;
    font-size: 0.9em;
  }
  .chips button {
    border: 0;
    background: none;
    color: inherit;
    cursor: pointer;
    font: inherit;
    line-height: 1;
    padding: 0.1em 0.3em;
  }
`;
