/**
 * The look of the frame around the element (frame.ts) and of Cloudinary's page integrations (page.ts: thumbnails,
 * the applyUploadWidget button, with the class names Cloudinary's loader styles). It follows the element's custom
 * properties, which `styles.palette` sets on the frame too.
 */
export const frameStyles = `
dialog.signet-cld {
  box-sizing: border-box;
  width: min(760px, calc(100vw - 2rem));
  max-height: calc(100vh - 2rem);
  padding: 0;
  overflow: auto;
  border: 1px solid var(--signet-border, #c9ced8);
  border-radius: var(--signet-radius, 6px);
  background: var(--signet-background, #fff);
  color: var(--signet-text, #1d1f23);
  font-family: var(--signet-font, inherit);
}
dialog.signet-cld::backdrop {
  background: var(--signet-backdrop, rgb(15 17 21 / 55%));
}
.signet-cld-bar {
  display: flex;
  align-items: center;
  gap: 0.5rem;
  padding: 0.5rem 0.75rem;
  border-bottom: 1px solid var(--signet-border, #c9ced8);
}
.signet-cld-title {
  flex: 1;
  margin: 0;
  font-size: 1rem;
}
.signet-cld-bar button {
  min-width: 2.25rem;
  min-height: 2.25rem;
  padding: 0 0.6rem;
  font: inherit;
  cursor: pointer;
  color: inherit;
  border: 1px solid var(--signet-border, #c9ced8);
  border-radius: calc(var(--signet-radius, 6px) * 0.7);
  background: var(--signet-background, #fff);
}
.signet-cld-bar button:focus-visible {
  outline: 2px solid var(--signet-accent, #1269cf);
  outline-offset: 2px;
}
.signet-cld-state {
  color: var(--signet-muted, #4f5563);
}
.signet-cld:not(.signet-cld-minimized) .signet-cld-state {
  display: none;
}
.signet-cld-body {
  padding: 0.75rem;
}
.signet-cld-inline .signet-cld-body {
  padding: 0;
}
.signet-cld-inline .signet-cld-bar {
  border: 0;
  justify-content: flex-end;
}
dialog.signet-cld.signet-cld-minimized {
  position: fixed;
  inset: auto var(--signet-cld-offset, 35px) 5px auto;
  width: min(500px, calc(100vw - 10px));
  margin: 0;
  overflow: hidden;
}
dialog.signet-cld.signet-cld-minimized.signet-cld-left {
  inset: auto auto 5px var(--signet-cld-offset, 35px);
}
.signet-cld-minimized .signet-cld-body {
  display: none;
}
signet-uploader::part(result) {
  overflow-wrap: anywhere;
}
.cloudinary-thumbnails { list-style: none; margin: 10px 0; padding: 0; }
.cloudinary-thumbnails::after { clear: both; display: block; content: ''; }
.cloudinary-thumbnail { float: left; padding: 0; margin: 0 15px 5px 0; display: none; }
.cloudinary-thumbnail.active { display: block; }
.cloudinary-thumbnail img { max-width: 90px; max-height: 60px; border: 1px solid #01304d; border-radius: 2px; }
.cloudinary-thumbnail span {
  display: inline-block; max-width: 150px; max-height: 60px; overflow: hidden; padding: 3px;
  font: 11px/14px Arial, sans-serif; color: #595959; border: 1px solid #aaa; word-break: break-all;
}
.cloudinary-delete {
  vertical-align: top; padding-left: 2px; font: 13px/8px Arial, sans-serif; text-decoration: none; color: #01304d;
}
.cloudinary-button {
  display: inline-block; padding: 10px 14px; border-radius: 4px; cursor: pointer;
  font-size: 14px; line-height: 28px; text-decoration: none; color: #fff; background-color: #0067db;
}
.cloudinary-button:hover { box-shadow: 0 2px 4px 0 rgb(0 0 0 / 50%); }
.cloudinary-button:focus-visible { outline: 2px solid #0067db; outline-offset: 2px; }
`;
