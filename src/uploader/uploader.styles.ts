import { css } from 'lit';

/**
 * The element's own look, eager (Uppy's Dashboard follows the same properties through uppy-theme.ts once it loads).
 * Every colour is a custom property a page can set on the element; the dark values apply with `theme="dark"`, and
 * with `theme="auto"` when the system prefers dark. A page's own declarations win over both (outer styles beat
 * `:host`), so `signet-uploader { --signet-accent: … }` holds in every theme (or give it a light-dark() pair too).
 */
export const styles = css`
  :host {
    display: block;
    /* Each colour is light-dark(light, dark): \`theme\` only sets the color-scheme they are resolved in. */
    --signet-accent: light-dark(#1269cf, #7ab8ff);
    --signet-on-accent: light-dark(#ffffff, #0b1a2b);
    --signet-background: light-dark(#ffffff, #1e1f22);
    --signet-surface: light-dark(#f4f5f7, #2a2c31);
    --signet-text: light-dark(#1d1f23, #eceff4);
    --signet-muted: light-dark(#4f5563, #b7bcc6);
    --signet-border: light-dark(#c9ced8, #4a4e57);
    --signet-success: light-dark(#1a6d31, #7ad592);
    --signet-warning: light-dark(#8a5200, #f2b45a);
    --signet-danger: light-dark(#b71c1c, #ff8f87);
    --signet-backdrop: light-dark(rgb(15 17 21 / 55%), rgb(0 0 0 / 65%));
    --signet-radius: 6px;
    --signet-spacing: 12px;
    color-scheme: light;
    color: var(--signet-text);
    font-family: var(--signet-font, inherit);
  }
  :host([theme='dark']) {
    color-scheme: dark;
  }
  :host([theme='auto']) {
    color-scheme: light dark;
  }
  :host([hidden]) {
    display: none;
  }
  /* Disabled, by its attribute or a disabled <fieldset> (the custom state covers both). */
  :host(:state(disabled)) .base {
    opacity: 0.55;
  }
  .base {
    display: block;
  }
  button {
    font: inherit;
  }
  [part='open-button'] {
    padding: calc(var(--signet-spacing) * 0.5) calc(var(--signet-spacing) * 1.1);
    border: 0;
    border-radius: var(--signet-radius);
    background: var(--signet-accent);
    color: var(--signet-on-accent);
    cursor: pointer;
  }
  [part='open-button']:disabled {
    cursor: not-allowed;
  }
  :focus-visible {
    outline: 2px solid var(--signet-accent);
    outline-offset: 2px;
  }
  [part='dashboard'] {
    min-height: var(--signet-min-height, 0);
  }
  /* drop-zone.ts: what shows until Uppy's Dashboard has loaded, laid out like its empty state. */
  [part='drop-zone'] {
    box-sizing: border-box;
    display: flex;
    flex-direction: column;
    align-items: center;
    justify-content: center;
    gap: var(--signet-spacing);
    padding: var(--signet-spacing);
    text-align: center;
    background: var(--signet-surface);
    border: 1px dashed var(--signet-border);
    border-radius: var(--signet-radius);
    font-size: 17px;
  }
  [part='drop-zone'] p {
    margin: 0;
  }
  [part='drop-zone'] button {
    padding: 0;
    border: 0;
    background: none;
    font: inherit;
    color: var(--signet-accent);
    cursor: pointer;
  }
  [part='drop-zone'] .note {
    font-size: 14px;
    color: var(--signet-muted);
    max-width: 40em;
  }
  /* The drop zone's own line: what it accepts. Uppy's default is small and pale; this is what a person must read. */
  [part='dashboard'] .uppy-Dashboard-note {
    font-size: 14px;
    line-height: 1.4;
    color: var(--signet-muted);
    max-width: 40em;
  }

  /* mode="modal": a native dialog in the top layer; the page's <body> is never touched. */
  [part='dialog'] {
    box-sizing: border-box;
    width: min(56rem, calc(100vw - 2 * var(--signet-spacing)));
    max-height: calc(100dvh - 2 * var(--signet-spacing));
    padding: var(--signet-spacing);
    border: 1px solid var(--signet-border);
    border-radius: calc(var(--signet-radius) * 1.5);
    background: var(--signet-background);
    color: var(--signet-text);
    font-family: var(--signet-font, inherit);
    box-shadow: 0 12px 40px rgb(0 0 0 / 30%);
  }
  [part='dialog'][open] {
    display: grid;
    gap: var(--signet-spacing);
  }
  [part='dialog']::backdrop {
    background: var(--signet-backdrop);
  }
  [part='dialog-header'] {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: var(--signet-spacing);
  }
  [part='dialog-title'],
  [part='confirm'] h2 {
    margin: 0;
    font-size: 1.15em;
    font-weight: 600;
  }
  [part='close-button'] {
    inline-size: 2.2em;
    block-size: 2.2em;
    border: 1px solid var(--signet-border);
    border-radius: 50%;
    background: var(--signet-background);
    color: var(--signet-text);
    font-size: 1.1em;
    line-height: 1;
    cursor: pointer;
  }
  [part='confirm'] {
    box-sizing: border-box;
    width: min(30rem, calc(100vw - 2 * var(--signet-spacing)));
    padding: calc(var(--signet-spacing) * 1.3);
    border: 1px solid var(--signet-border);
    border-radius: calc(var(--signet-radius) * 1.5);
    background: var(--signet-background);
    color: var(--signet-text);
  }
  [part='confirm']::backdrop {
    background: rgb(0 0 0 / 25%);
  }
  [part='confirm'] p {
    margin: calc(var(--signet-spacing) * 0.6) 0 var(--signet-spacing);
  }
  /* The confirm dialog's buttons, and the resume offer's (resume-offer.ts, whose own look loads with it). */
  .confirm-actions,
  .resume-actions {
    display: flex;
    flex-wrap: wrap;
    gap: calc(var(--signet-spacing) * 0.5);
  }
  .confirm-actions button,
  .resume-actions button {
    padding: 0.4em 0.9em;
    border: 1px solid var(--signet-border);
    border-radius: calc(var(--signet-radius) * 0.7);
    background: var(--signet-background);
    color: var(--signet-text);
    cursor: pointer;
  }
  .confirm-actions .primary,
  .resume-actions .primary {
    border-color: var(--signet-accent);
    background: var(--signet-accent);
    color: var(--signet-on-accent);
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
