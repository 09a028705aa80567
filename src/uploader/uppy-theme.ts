/**
 * Uppy's Dashboard in the element's colours: its main surfaces, text, accent and state colours follow the element's
 * custom properties (uploader.styles.ts), in light and dark alike. Loaded with Uppy and adopted after Uppy's own
 * sheet; every selector starts with `:host .uppy-Root` so it outranks Uppy's `[data-uppy-theme=dark] .x` rules.
 *
 * And its motion while bytes go out: Uppy spins a spinner and glides the bar and each file's circle between progress
 * updates (0.3–0.5 s transitions, updates every 250 ms), so the page draws 60 frames a second for the whole upload.
 * Measured on the bench's 256 MiB upload in Chromium: 0.4–1.0 s of the browser's CPU, taken from the upload on 2
 * cores; without it the widget uploads as fast shown as hidden. Progress now steps with each update, the numbers
 * beside it say it moves; the spinner turns only where it is the one sign of work (preparing files).
 *
 * And one layout fix: Uppy lays the status bar's buttons (pause, cancel, retry, done) over the end of its text, which
 * on a phone-wide Dashboard hid "· 16s left" under the cancel button. Beside the text, the text gives way.
 */
import { css } from 'lit';

export const uppyThemeStyles = css`
  :host .uppy-Root {
    --uppy-font-family: var(--signet-font, inherit);
    --uppy-color-primary: var(--signet-accent);
    --uppy-color-primary-hover: var(--signet-accent);
    --uppy-color-danger: var(--signet-danger);
    color: var(--signet-text);
    font-family: var(--signet-font, inherit);
  }
  :host .uppy-Root .uppy-Dashboard-inner {
    background-color: var(--signet-surface);
    border-color: var(--signet-border);
    border-radius: var(--signet-radius);
  }
  :host .uppy-Root [data-uppy-drag-drop-supported='true'] .uppy-Dashboard-AddFiles {
    border-color: var(--signet-border);
    border-radius: calc(var(--signet-radius) * 0.6);
  }
  :host .uppy-Root .uppy-Dashboard-AddFiles-title,
  :host .uppy-Root .uppy-DashboardContent-title,
  :host .uppy-Root .uppy-Dashboard-Item-name,
  :host .uppy-Root .uppy-StatusBar-content,
  :host .uppy-Root .uppy-DashboardTab-btn,
  :host .uppy-Root .uppy-DashboardContent-back,
  :host .uppy-Root .uppy-DashboardContent-addMore {
    color: var(--signet-text);
  }
  :host .uppy-Root .uppy-Dashboard-note,
  :host .uppy-Root .uppy-Dashboard-Item-status,
  :host .uppy-Root .uppy-StatusBar-statusSecondary,
  :host .uppy-Root .uppy-Dashboard-dropFilesHereHint {
    color: var(--signet-muted);
  }
  :host .uppy-Root .uppy-Dashboard-browse,
  :host .uppy-Root .uppy-DashboardContent-back,
  :host .uppy-Root .uppy-DashboardContent-addMore,
  :host .uppy-Root .uppy-StatusBar-actionBtn--done,
  :host .uppy-Root .uppy-StatusBar:not(.is-waiting) .uppy-StatusBar-actionBtn--upload {
    color: var(--signet-accent);
  }
  :host .uppy-Root .uppy-DashboardContent-bar,
  :host .uppy-Root .uppy-StatusBar,
  :host .uppy-Root .uppy-StatusBar.is-waiting .uppy-StatusBar-actions,
  :host .uppy-Root .uppy-DashboardContent-panel,
  :host .uppy-Root .uppy-DashboardContent-panelBody {
    background-color: var(--signet-background);
    border-color: var(--signet-border);
  }
  :host .uppy-Root .uppy-StatusBar:not([aria-hidden='true']).is-waiting {
    background-color: var(--signet-background);
    border-color: var(--signet-border);
  }
  :host .uppy-Root .uppy-StatusBar::before {
    background-color: var(--signet-border);
  }
  :host .uppy-Root .uppy-StatusBar-progress {
    background-color: var(--signet-accent);
  }
  :host .uppy-Root .uppy-StatusBar.is-complete .uppy-StatusBar-progress {
    background-color: var(--signet-success);
  }
  :host .uppy-Root .uppy-StatusBar.is-error .uppy-StatusBar-progress {
    background-color: var(--signet-danger);
  }
  :host .uppy-Root .uppy-StatusBar.is-waiting .uppy-StatusBar-actionBtn--upload,
  :host .uppy-Root .uppy-c-btn-primary {
    color: var(--signet-on-accent);
    background-color: var(--signet-accent);
    border-radius: calc(var(--signet-radius) * 0.7);
  }
  :host .uppy-Root .uppy-StatusBar.is-waiting .uppy-StatusBar-actionBtn--upload:hover,
  :host .uppy-Root .uppy-c-btn-primary:not(:disabled):hover {
    background-color: color-mix(in srgb, var(--signet-accent) 85%, var(--signet-text));
  }
  :host .uppy-Root .uppy-StatusBar-actionBtn--retry {
    color: var(--signet-on-accent);
    background-color: var(--signet-danger);
  }
  :host .uppy-Root .uppy-Url-input,
  :host .uppy-Root .uppy-c-textInput {
    color: var(--signet-text);
    background-color: var(--signet-background);
    border-color: var(--signet-border);
  }
  :host .uppy-Root .uppy-StatusBar.is-uploading .uppy-StatusBar-spinner {
    animation: none;
  }
  :host .uppy-Root .uppy-StatusBar-progress,
  :host .uppy-Root .uppy-Dashboard-Item-progressIcon--progress {
    transition: none;
  }
  :host .uppy-Root .uppy-StatusBar:not(.is-waiting) .uppy-StatusBar-content {
    flex: 1 1 auto;
    min-width: 0;
    overflow: hidden;
  }
  :host .uppy-Root .uppy-StatusBar:not(.is-waiting) .uppy-StatusBar-status {
    min-width: 0;
  }
  :host .uppy-Root .uppy-StatusBar:not(.is-waiting) .uppy-StatusBar-statusSecondary {
    white-space: normal;
  }
  :host .uppy-Root .uppy-StatusBar:not(.is-waiting) .uppy-StatusBar-actions {
    position: static;
    flex: none;
    padding-inline-end: 10px;
  }
  @media (prefers-reduced-motion: reduce) {
    :host .uppy-Root .uppy-StatusBar-spinner,
    :host .uppy-Root .uppy-StatusBar-progress {
      animation: none;
    }
  }
  :host .uppy-Root :focus-visible {
    outline: 2px solid var(--signet-accent);
    outline-offset: 1px;
  }
`;
