// What Cloudinary's widget does to the page, done here the same way: a hidden input per uploaded file in the form,
// a thumbnails list (with delete links when a delete token came back), and applyUploadWidget's button.
import { describe, expect, test } from 'vitest';
import type { SuccessInfo } from '../../src/cloudinary-widget/events.js';
import { addThumbnail } from '../../src/cloudinary-widget/page.js';
import { account, create, file, png, upload } from './widget-helpers.js';

function page(html: string): HTMLElement {
  const root = document.createElement('div');
  root.innerHTML = html;
  document.body.append(root);
  return root;
}

describe('form, fieldName and thumbnails', () => {
  test('each uploaded file adds a hidden input to the form, valued as the SDKs’ preloaded-file helpers read it', async () => {
    const root = page('<form id="f"><input name="title" value="Trip"></form><div id="thumbs"></div>');
    const heard = create({ ...account(), form: '#f', fieldName: 'photos[]', thumbnails: '#thumbs' });
    await upload(heard, [await png('a.png', 30, 20), await png('b.png', 40, 10)]);
    const form = root.querySelector('form') as HTMLFormElement;
    const infos = heard.infos<SuccessInfo>('success');
    // `<resource_type>/<type>/<what follows /upload/ in the delivery URL>#<signature>`.
    const expected = infos.map(
      (i) => `${i.resource_type}/${i.type}/${i.secure_url.split('/upload/')[1]}#${i.signature}`,
    );
    expect(infos.map((i) => i.resource_type)).toEqual(['image', 'image']);
    expect(new FormData(form).getAll('photos[]').sort()).toEqual(expected.sort());
    const inputs = [...form.querySelectorAll<HTMLInputElement>('input[type=hidden]')];
    for (const input of inputs) {
      const info = JSON.parse(input.dataset.cloudinary ?? '{}') as SuccessInfo;
      expect(input.dataset.cloudinaryPublicId).toBe(info.public_id);
      expect(infos.map((i) => i.public_id)).toContain(info.public_id);
    }
    // Thumbnails: one item per file in the list Cloudinary's page styles know.
    const items = [...root.querySelectorAll('#thumbs > ul.cloudinary-thumbnails > li.cloudinary-thumbnail')];
    expect(items.map((li) => li.querySelector('img')?.getAttribute('src')).sort()).toEqual(
      infos.map((i) => i.secure_url).sort(),
    );
    await expect.poll(() => items.every((li) => li.classList.contains('active'))).toBe(true);
    root.remove();
  });

  test('fieldName defaults to "image"; thumbnails: false adds no list', async () => {
    const root = page('<form id="g"></form>');
    const heard = create({ ...account(), form: '#g', thumbnails: false });
    await upload(heard, [file('c.bin', 40, 43)]);
    expect(new FormData(root.querySelector('form') as HTMLFormElement).getAll('image')).toHaveLength(1);
    expect(document.querySelector('ul.cloudinary-thumbnails')).toBeNull();
    root.remove();
  });

  test('an image thumbnail shows the delivered image; a delete link deletes by token and takes its input out', async () => {
    const root = page(
      '<form><input type="hidden" name="image" data-cloudinary-public-id="x1" value="v"></form><div id="t"></div>',
    );
    const tokens: string[] = [];
    const deleted: string[] = [];
    const info = {
      public_id: 'x1',
      original_filename: 'x1',
      thumbnail_url: 'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7',
      delete_token: 'tok-1',
    } as unknown as SuccessInfo;
    const item = addThumbnail(info, {
      container: root.querySelector('#t'),
      after: null,
      deleteByToken: async (token) => {
        tokens.push(token);
        return true;
      },
      onDeleted: (gone) => deleted.push(gone.public_id),
    });
    expect(item?.querySelector('img')?.getAttribute('src')).toBe(info.thumbnail_url);
    await expect.poll(() => item?.classList.contains('active')).toBe(true);
    item?.querySelector<HTMLAnchorElement>('a.cloudinary-delete')?.click();
    await expect.poll(() => item?.isConnected).toBe(false);
    expect(tokens).toEqual(['tok-1']);
    expect(deleted).toEqual(['x1']);
    root.remove();
  });
});

describe('applyUploadWidget', () => {
  test('the element gives way to an “Upload image” button that opens the widget; its form and name are the defaults', async () => {
    const root = page('<form><input type="file" name="avatar" id="picker"></form>');
    const picker = root.querySelector<HTMLInputElement>('#picker') as HTMLInputElement;
    const heard = create({ ...account(), buttonClass: 'cloudinary-button my-button' }, { apply: picker });
    const link = root.querySelector<HTMLAnchorElement>('a.cloudinary-button') as HTMLAnchorElement;
    expect(link.textContent).toBe('Upload image');
    expect(link.classList.contains('my-button')).toBe(true);
    expect(getComputedStyle(picker).display).toBe('none');
    expect(getComputedStyle(link).backgroundColor).toBe('rgb(0, 103, 219)');
    link.click();
    expect(heard.widget.isShowing()).toBe(true);
    await upload(heard, [await png('avatar.png')]);
    const form = root.querySelector('form') as HTMLFormElement;
    // The file input keeps its place in the form (hidden), as with Cloudinary's widget; the upload is the hidden input.
    expect(form.querySelectorAll('input[type=hidden][name=avatar]')).toHaveLength(1);
    expect(new FormData(form).getAll('avatar').filter((v) => typeof v === 'string')).toHaveLength(1);
    // Thumbnails go right after the element by default.
    expect(picker.nextElementSibling?.matches('ul.cloudinary-thumbnails')).toBe(true);
    await heard.widget.destroy({ removeThumbnails: true });
    expect(link.isConnected).toBe(false);
    expect(getComputedStyle(picker).display).not.toBe('none');
    expect(document.querySelector('ul.cloudinary-thumbnails')).toBeNull();
    root.remove();
  });

  test('buttonCaption names the button; an element that resolves to nothing throws', async () => {
    const root = page('<span id="here"></span>');
    create({ ...account(), buttonCaption: 'Add a photo' }, { apply: root.querySelector('#here') as HTMLElement });
    expect(root.querySelector('a.cloudinary-button')?.textContent).toBe('Add a photo');
    const { api } = await import('./widget-helpers.js');
    expect(() => api.applyUploadWidget('#missing', account())).toThrow(/element/);
    root.remove();
  });
});
