// <signet-uploader> as a form control: what `new FormData(form)` holds, validity and its messages, disabled (also
// from a <fieldset>), reset, submitting while files are pending, and restoring a saved value. Real server, real form.
import { describe, expect, test } from 'vitest';
import { de } from '../../src/locales/de.js';
import { en } from '../../src/locales/en.js';
import { FormValue } from '../../src/uploader/form-value.js';
import type { SignetUploader } from '../../src/uploader/uploader.js';
import {
  bytes,
  choose,
  gate,
  heldSigner,
  mount,
  next,
  pressUpload,
  results,
  uploadButton,
} from '../helpers/browser.js';

/** A form with a text field and the element in it. */
async function inForm(attrs: Record<string, string> = {}): Promise<{ form: HTMLFormElement; el: SignetUploader }> {
  const form = document.createElement('form');
  form.innerHTML = '<input name="subject" value="Printer on fire">';
  const el = await mount({ name: 'attachments', ...attrs }, form);
  return { form, el };
}

/** Uploads `files` and resolves with the run's outcomes. */
async function upload(el: SignetUploader, files: File[]) {
  choose(el, files);
  const done = next(el, 'signet-queue-complete');
  await pressUpload(el);
  return (await done).outcomes;
}

const file = (name: string, seed: number) => new File([bytes(400, seed)], name);
type Outcomes = Awaited<ReturnType<typeof upload>>;
/** The delivery URLs of a run, in the order the files were added (uploads finish in any order). */
const urls = (outcomes: Outcomes, names = outcomes.map((o) => o.file.name).sort()) =>
  names.map((name) => {
    const outcome = outcomes.find((o) => o.file.name === name);
    return outcome?.status === 'success' ? outcome.response.secure_url : `no upload of ${name}`;
  });

describe('the form value', () => {
  test('each uploaded file is one entry under the name in new FormData(form): its delivery URL', async () => {
    const { form, el } = await inForm({ multiple: '' });
    expect(new FormData(form).getAll('attachments')).toEqual([]);
    const outcomes = await upload(el, [file('a.bin', 1), file('b.bin', 2)]);
    const data = new FormData(form);
    expect(data.get('subject')).toBe('Printer on fire');
    expect(data.getAll('attachments')).toEqual(urls(outcomes, ['a.bin', 'b.bin']));
    expect(data.getAll('attachments')).toHaveLength(2);
    expect(el.value).toEqual(data.getAll('attachments'));
    // The URLs deliver the files.
    const delivered = await fetch(data.getAll('attachments')[0] as string);
    expect(delivered.status).toBe(200);
  });

  test('value-format="json" sends each upload’s JSON result', async () => {
    const { form, el } = await inForm({ 'value-format': 'json' });
    const [outcome] = await upload(el, [file('report.bin', 3)]);
    const [entry] = new FormData(form).getAll('attachments');
    expect(JSON.parse(entry as string)).toEqual(outcome?.status === 'success' ? outcome.response : null);
  });

  test('with multiple, a second batch adds to the value; Remove takes one file out of it and out of the list', async () => {
    const { form, el } = await inForm({ multiple: '' });
    const first = await upload(el, [file('one.bin', 4)]);
    const second = await upload(el, [file('two.bin', 5), file('three.bin', 6)]);
    const [one, two, three] = [...urls(first), ...urls(second, ['two.bin', 'three.bin'])];
    expect(new FormData(form).getAll('attachments')).toEqual([one, two, three]);
    expect(results(el).map((r) => [r.state, r.name])).toEqual([
      ['Uploaded', 'one.bin'],
      ['Uploaded', 'two.bin'],
      ['Uploaded', 'three.bin'],
    ]);
    const remove = el.shadowRoot?.querySelector<HTMLButtonElement>('button[aria-label="Remove two.bin"]');
    expect(remove?.textContent?.trim()).toBe(en.outcomes.remove);
    remove?.click();
    await expect.poll(() => new FormData(form).getAll('attachments')).toEqual([one, three]);
    expect(results(el).map((r) => r.name)).toEqual(['one.bin', 'three.bin']);
  });

  test('without multiple, a new upload replaces the value', async () => {
    const { form, el } = await inForm();
    await upload(el, [file('old.bin', 7)]);
    const [latest] = await upload(el, [file('new.bin', 8)]);
    expect(latest?.status).toBe('success');
    expect(new FormData(form).getAll('attachments')).toEqual(urls(latest ? [latest] : []));
  });

  test('without a name the element sends nothing, as a nameless input', async () => {
    const { form, el } = await inForm({ name: '' });
    await upload(el, [file('x.bin', 9)]);
    expect([...new FormData(form).keys()]).toEqual(['subject']);
  });
});

describe('validity', () => {
  test('required: invalid with a message until a file is uploaded; the message follows the locale', async () => {
    const { form, el } = await inForm({ required: '' });
    expect(form.checkValidity()).toBe(false);
    expect(el.validity.valueMissing).toBe(true);
    expect(el.validationMessage).toBe(en.form.required);
    el.locale = 'de';
    await expect.poll(() => el.validationMessage).toBe(de.form.required);
    await upload(el, [file('proof.bin', 10)]);
    expect(el.validity.valid).toBe(true);
    expect(form.checkValidity()).toBe(true);
  });

  test('chosen but not uploaded: the form is not sent, and the message says to upload or remove them', async () => {
    const { form, el } = await inForm();
    let submits = 0;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      submits++;
    });
    choose(el, [file('waiting.bin', 11)]);
    await expect.poll(() => uploadButton(el)).not.toBeNull();
    expect(el.validity.customError).toBe(true);
    expect(el.validationMessage).toBe(en.form.pending);
    form.requestSubmit();
    expect(submits).toBe(0);
  });

  test('while files upload, submitting is blocked with a message; once they are done it goes through with them', async () => {
    const { form, el } = await inForm({ required: '' });
    const held = gate();
    el.signUpload = heldSigner(held.wait);
    const sent: FormData[] = [];
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      sent.push(new FormData(form));
    });
    choose(el, [file('slow.bin', 12)]);
    const done = next(el, 'signet-upload-success');
    await pressUpload(el);
    await expect.poll(() => el.status).toBe('uploading');
    expect(el.validationMessage).toBe(en.form.uploading);
    form.requestSubmit();
    expect(sent).toHaveLength(0);
    held.open();
    const { response } = await done;
    await expect.poll(() => el.validity.valid).toBe(true);
    form.requestSubmit();
    expect(sent).toHaveLength(1);
    expect(sent[0]?.getAll('attachments')).toEqual([response.secure_url]);
  });
});

describe('disabled', () => {
  test('the disabled attribute: nothing is sent, no file can be added, the form does not check it', async () => {
    const { form, el } = await inForm({ multiple: '' });
    await upload(el, [file('before.bin', 13)]);
    el.disabled = true;
    await el.updateComplete;
    expect(new FormData(form).getAll('attachments')).toEqual([]);
    expect(el.willValidate).toBe(false);
    expect(el.shadowRoot?.querySelector('[part="base"]')?.hasAttribute('inert')).toBe(true);
    choose(el, [file('during.bin', 14)]);
    expect(el.uppy?.getFiles()).toHaveLength(0);
    el.disabled = false;
    await el.updateComplete;
    expect(new FormData(form).getAll('attachments')).toHaveLength(1);
  });

  test('inside a disabled fieldset it is disabled too, and its open button cannot be used', async () => {
    const form = document.createElement('form');
    const fieldset = document.createElement('fieldset');
    form.append(fieldset);
    const el = await mount({ name: 'attachments', mode: 'modal', required: '' }, fieldset);
    fieldset.disabled = true;
    await expect.poll(() => el.shadowRoot?.querySelector('[part="base"]')?.hasAttribute('inert')).toBe(true);
    const button = el.shadowRoot?.querySelector<HTMLButtonElement>('[part="open-button"]');
    expect(button?.disabled).toBe(true);
    expect(el.matches(':state(disabled)')).toBe(true);
    // A disabled control is not validated: the required element no longer blocks the form.
    expect(form.checkValidity()).toBe(true);
    await el.open();
    expect(el.shadowRoot?.querySelector('dialog[part="dialog"]')?.hasAttribute('open')).toBe(false);
    fieldset.disabled = false;
    await expect.poll(() => button?.disabled).toBe(false);
    expect(form.checkValidity()).toBe(false);
  });
});

test('form reset clears the value, the results and the chosen files', async () => {
  const { form, el } = await inForm({ multiple: '' });
  await upload(el, [file('gone.bin', 15)]);
  choose(el, [file('queued.bin', 16)]);
  await expect.poll(() => el.uppy?.getFiles().length).toBe(1);
  form.reset();
  await el.updateComplete;
  expect(new FormData(form).getAll('attachments')).toEqual([]);
  expect(results(el)).toEqual([]);
  expect(el.uppy?.getFiles()).toHaveLength(0);
  expect(el.validity.valid).toBe(true);
});

test('a value the browser restores (back/forward, a restored session) is the value again, and listed', async () => {
  const { form, el } = await inForm({ multiple: '' });
  const [first] = await upload(el, [file('kept.bin', 17)]);
  if (first?.status !== 'success') throw new Error('upload failed');
  // What the element saved with the page; the browser hands the same string back on restore (e2e: ticket form).
  const state = FormValue.state([{ file: first.file, response: first.response }]);
  form.reset();
  await el.updateComplete;
  el.formStateRestoreCallback(state);
  await el.updateComplete;
  expect(new FormData(form).getAll('attachments')).toEqual([first.response.secure_url]);
  expect(results(el).map((r) => [r.state, r.name])).toEqual([['Uploaded', 'kept.bin']]);
  // Strangers' states are ignored.
  el.formStateRestoreCallback('{"v":99}');
  await el.updateComplete;
  expect(new FormData(form).getAll('attachments')).toEqual([]);
});
