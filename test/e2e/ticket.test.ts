// The support-ticket demo (demo/ticket.html) on the built server, with the keyboard only: fill the form, open the
// uploader's dialog, set an option, pick a file with the keyboard-reachable button, upload, read the outcome, close
// (focus back on the opener), send the form by a plain POST (the server echoes it), then go back: the browser restores
// the form and the element its value. Chromium runs without the back/forward cache, so "back" reloads the page and
// restores form state, as it does whenever a page is not kept alive.
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { chromiumArgs, chromiumPath } from '../../scripts/chromium.mjs';
import { makePng } from '../../server/test/fixtures/png.js';
import { en } from '../../src/locales/en.js';
import { type BuiltServer, startBuiltServer } from '../helpers/built-server.js';

let server: BuiltServer;
let browser: Browser;

beforeAll(async () => {
  server = await startBuiltServer();
  browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: [...chromiumArgs, '--disable-features=BackForwardCache'],
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** What has focus, through shadow roots: its part, id, class, name for people, and whether it is in the dialog. */
function focus(page: Page) {
  return page.evaluate(() => {
    let active: Element | null = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    const el = active as HTMLElement | null;
    return {
      part: el?.getAttribute('part') ?? '',
      id: el?.id ?? '',
      className: typeof el?.className === 'string' ? el.className : '',
      label: (el?.getAttribute('aria-label') ?? el?.textContent ?? '').replace(/\s+/g, ' ').trim(),
      inDialog: Boolean(el?.closest('dialog[part="dialog"]')),
    };
  });
}

type Focus = Awaited<ReturnType<typeof focus>>;

/** Presses Tab until `wanted` has focus, as a keyboard user moves through the page (fails after `max` presses). */
async function tabTo(page: Page, wanted: (f: Focus) => boolean, what: string, max = 40): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (wanted(await focus(page))) return;
  }
  throw new Error(`Tab never reached ${what}; focus is on ${JSON.stringify(await focus(page))}`);
}

test('keyboard only: fill, attach through the dialog, upload, read the outcome, close, send; back restores the value', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  // File chooser interception is switched on now, not by the wait below: that wait's subscription travels beside the
  // key press, and a chooser that opens before Chromium intercepts it is cancelled unseen in headless mode.
  page.on('filechooser', () => {});
  // What the Space press reached, for the failure message: key targets and clicks on a file input (through shadow roots).
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { seen: string[] }).seen = seen;
    const name = (event: Event) => {
      const el = event.composedPath()[0] as HTMLElement;
      return `${event.type}:${el.tagName ?? 'window'}.${typeof el.className === 'string' ? el.className.split(' ')[0] : ''}${el instanceof HTMLInputElement ? `[${el.type}]` : ''}`;
    };
    for (const type of ['keydown', 'keyup'])
      addEventListener(type, (event) => (event as KeyboardEvent).key === ' ' && seen.push(name(event)), true);
    addEventListener('click', (event) => seen.push(name(event)), true);
  });
  await page.goto(`${server.url}/ticket.html`);
  // A closed modal is only its button: Uppy loads when focus reaches the widget.
  await page.locator('signet-uploader [part="open-button"]').waitFor();
  expect(await page.locator('signet-uploader .uppy-Dashboard-inner').count()).toBe(0);

  await tabTo(page, (f) => f.id === 'email', 'the email field');
  await page.keyboard.type('ada@example.com');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Printer on fire');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Smoke since Tuesday.');

  await tabTo(page, (f) => f.part === 'open-button', 'the Attach files button');
  await page.keyboard.press('Enter');
  expect((await focus(page)).inDialog).toBe(true);
  await expect
    .poll(() => page.locator('signet-uploader dialog[part="dialog"]').evaluate((d) => d.matches(':modal')))
    .toBe(true);

  // An advanced option, typed: a tag.
  await tabTo(page, (f) => f.id === 'tags', 'the tags field');
  await page.keyboard.type('printer');
  await page.keyboard.press('Enter');

  // The keyboard-reachable picker: "browse files" opens the system's file chooser. Space, not Enter: both activate a
  // button, but headless Chromium driven over CDP opens no file chooser from Enter's click (on a plain page too).
  await tabTo(page, (f) => f.className.includes('uppy-Dashboard-browse'), 'browse files');
  const chooser = page.waitForEvent('filechooser', { timeout: 20_000 }).catch(async (error: Error) => {
    // Seen twice in CI, never on this machine under load: say where focus was and what the press reached.
    const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen.slice(-8));
    throw new Error(`${error.message}; focus then: ${JSON.stringify(await focus(page))}; events: ${seen.join(' ')}`);
  });
  await page.keyboard.press(' ');
  await (await chooser).setFiles({ name: 'smoke.png', mimeType: 'image/png', buffer: makePng(24, 16) });

  await tabTo(page, (f) => f.className.includes('uppy-StatusBar-actionBtn--upload'), 'the Upload button');
  await page.keyboard.press('Enter');
  // The outcome, read inside the dialog: the live region's summary and the file's line.
  const summary = page.locator('signet-uploader dialog[part="dialog"] [part="summary"]');
  await expect.poll(() => summary.textContent()).toBe('1 uploaded');
  const line = page.locator('signet-uploader dialog[part="dialog"] [part~="result"]');
  expect((await line.textContent())?.replace(/\s+/g, ' ')).toContain(`${en.outcomes.uploaded} smoke.png`);

  await page.keyboard.press('Escape');
  await expect
    .poll(() => page.locator('signet-uploader dialog[part="dialog"]').evaluate((d) => (d as HTMLDialogElement).open))
    .toBe(false);
  expect((await focus(page)).part).toBe('open-button');

  await tabTo(page, (f) => f.label === 'Send ticket', 'Send ticket');
  await Promise.all([page.waitForURL('**/demo/echo'), page.keyboard.press('Enter')]);
  const echoed = JSON.parse((await page.locator('body').textContent()) ?? '{}');
  expect(echoed.fields.email).toEqual(['ada@example.com']);
  expect(echoed.fields.subject).toEqual(['Printer on fire']);
  expect(echoed.fields.attachments).toHaveLength(1);
  const [url] = echoed.fields.attachments as string[];
  // The URL delivers the file, which was stored with the tag set in the dialog.
  expect((await page.request.get(url as string)).status()).toBe(200);
  const assets = await page.evaluate(async () => (await (await fetch('/api/assets?limit=100')).json()).resources);
  const stored = assets.find((a: { secure_url: string }) => a.secure_url === url);
  expect(stored?.tags).toEqual(['printer']);

  // Back: the page loads again and the browser restores its form, the element's value included.
  await page.goBack();
  await page.locator('signet-uploader .uppy-Dashboard-inner').waitFor({ state: 'attached' });
  await expect.poll(() => page.locator('#email').inputValue()).toBe('ada@example.com');
  await expect
    .poll(() =>
      page.evaluate(() => new FormData(document.getElementById('ticket') as HTMLFormElement).getAll('attachments')),
    )
    .toEqual([url]);
  await expect
    .poll(() => page.locator('signet-uploader [part~="result-success"] .name').textContent())
    .toBe('smoke.png');
  expect(errors).toEqual([]);
});

test('the form is not sent without an attachment: the browser says why, in the widget’s words', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.url}/ticket.html`);
  await page.locator('signet-uploader [part="open-button"]').waitFor();
  await page.locator('#email').fill('ada@example.com');
  await page.locator('#subject').fill('No file');
  await page.getByRole('button', { name: 'Send ticket' }).click();
  expect(page.url()).toMatch(/ticket\.html$/);
  expect(await page.locator('signet-uploader').evaluate((el) => (el as HTMLInputElement).validationMessage)).toBe(
    en.form.required,
  );
  // In German, the same rule in German.
  await page.locator('#language').selectOption('de');
  await expect
    .poll(() => page.locator('signet-uploader').evaluate((el) => (el as HTMLInputElement).validationMessage))
    .toBe('Laden Sie mindestens eine Datei hoch.');
});
