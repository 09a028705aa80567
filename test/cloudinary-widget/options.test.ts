// Cloudinary's widget options onto <signet-uploader>: names (camelCase and snake_case), the element's properties,
// formats, colours and texts, and which options are reported as unsupported. Pure functions, table-driven.
import { describe, expect, test } from 'vitest';
import {
  acceptFor,
  elementSettings,
  normalize,
  presetsProvider,
  tagsProvider,
  unsupported,
} from '../../src/cloudinary-widget/options.js';
import { styleProperties, unsupportedStyles } from '../../src/cloudinary-widget/styles.js';
import { mapText } from '../../src/cloudinary-widget/text.js';
import { frameWords } from '../../src/cloudinary-widget/words.js';

describe('normalize', () => {
  test('takes snake_case names as Cloudinary’s loader does, camelCase as they are', () => {
    expect(normalize({ cloud_name: 'demo', upload_preset: 'p1', maxFiles: 3, max_chunk_size: 6e6 })).toEqual({
      cloudName: 'demo',
      uploadPreset: 'p1',
      maxFiles: 3,
      maxChunkSize: 6e6,
    });
    expect(normalize(undefined)).toEqual({});
  });
});

describe('elementSettings', () => {
  test('maps the account, upload and limit options onto the element’s properties', () => {
    const settings = elementSettings(
      normalize({
        cloudName: 'demo',
        apiKey: '1234',
        uploadPreset: 'preset1',
        uploadUrl: 'http://127.0.0.1:8787',
        folder: 'trip',
        tags: ['a', 'b'],
        publicId: 'dog',
        context: { alt: 'A dog' },
        maxFiles: 3,
        maxFileSize: 5000,
        max_image_width: 1600,
        maxImageHeight: 1200,
        minImageWidth: 200,
        validateMaxWidthHeight: true,
        clientAllowedFormats: ['png'],
        resourceType: 'image',
        showAdvancedOptions: true,
        getUploadPresets: () => {},
        language: 'de',
        companionUrl: 'http://127.0.0.1:8787/companion',
      }),
    );
    expect(settings).toEqual({
      cloudName: 'demo',
      apiKey: '1234',
      uploadPreset: 'preset1',
      uploadUrl: 'http://127.0.0.1:8787',
      companionUrl: 'http://127.0.0.1:8787/companion',
      folder: 'trip',
      tags: ['a', 'b'],
      publicId: 'dog',
      context: { alt: 'A dog' },
      maxFiles: 3,
      maxFileSize: 5000,
      maxImageWidth: 1600,
      maxImageHeight: 1200,
      minImageWidth: 200,
      minImageHeight: 0,
      validateDimensions: true,
      crop: false,
      cropAspectRatio: '',
      cropRequired: false,
      accept: '.png',
      resourceType: 'image',
      showAdvancedOptions: true,
      showUploadPreset: true,
      locale: 'de',
      multiple: true,
      existingAsSuccess: true,
      sources: 'local url dropbox',
    });
  });

  test('Cloudinary’s defaults: several files, Cloudinary’s API, only the device there (no Companion of ours)', () => {
    expect(elementSettings({})).toMatchObject({
      multiple: true,
      uploadUrl: 'https://api.cloudinary.com',
      sources: 'local',
      resourceType: 'auto',
      showAdvancedOptions: false,
      showUploadPreset: false,
    });
    expect(elementSettings({ multiple: false }).multiple).toBe(false);
  });

  test('cropping, its aspect ratio and a hidden Skip map onto crop, crop-aspect-ratio and crop-required', () => {
    expect(elementSettings(normalize({ cropping: true, cropping_aspect_ratio: 1.5 }))).toMatchObject({
      crop: true,
      cropAspectRatio: '1.5',
      cropRequired: false,
    });
    expect(elementSettings({ cropping: true, showSkipCropButton: false }).cropRequired).toBe(true);
    // Skip is Cloudinary's only while cropping; no aspect ratio that is not a positive number.
    expect(elementSettings({ showSkipCropButton: false, croppingAspectRatio: -2 })).toMatchObject({
      crop: false,
      cropAspectRatio: '',
      cropRequired: false,
    });
  });

  test('sources keep their order and drop what the element has no tab for', () => {
    const settings = elementSettings({ sources: ['url', 'camera', 'local', 'image_search'], uploadUrl: 'http://x' });
    expect(settings.sources).toBe('url camera local');
  });
});

describe('acceptFor (clientAllowedFormats)', () => {
  test.each([
    [['png', 'gif'], '.png,.gif'],
    [['jpg'], '.jpg,.jpeg'],
    [['JPEG', '.tif'], '.jpeg,.jpg,.tif,.tiff'],
    [['image', 'video', 'pdf'], 'image/*,video/*,.pdf'],
    [[], ''],
    [undefined, ''],
  ])('%j → %j', (formats, accept) => {
    expect(acceptFor(formats)).toBe(accept);
  });
});

describe('unsupported', () => {
  test('names options it does not know, sources it has no tab for, and a hidden “upload more”', () => {
    expect(
      unsupported(
        normalize({
          cloudName: 'demo',
          cropping: true,
          croppingCoordinatesMode: 'face',
          encryption: { key: 'k', iv: 'v' },
          max_image_file_size: 10,
          sources: ['local', 'camera', 'unsplash'],
          showUploadMoreButton: false,
        }),
      ),
    ).toEqual([
      'encryption',
      'maxImageFileSize',
      'sources: unsplash',
      'showUploadMoreButton: false',
      'croppingCoordinatesMode: face',
    ]);
    expect(unsupported({ cropping: true, croppingCoordinatesMode: 'custom' })).toEqual([]);
  });

  test('options without effect here are accepted silently (HTTPS, branding, the iframe’s z-index …)', () => {
    expect(unsupported({ secure: true, showPoweredBy: false, frameZIndex: 5, showUploadMoreButton: true })).toEqual([]);
  });
});

describe('styleProperties (styles.palette)', () => {
  test('maps Cloudinary’s colours onto the element’s custom properties; action wins the accent', () => {
    expect(
      styleProperties({
        palette: {
          window: '#FFF',
          windowBorder: '90A0B3',
          textDark: '#000000',
          textLight: '#FFFFFF',
          link: '#0078FF',
          action: '#FF620C',
          inactiveTabIcon: '#0E2F5A',
          error: '#F44235',
          complete: '#20B832',
          sourceBg: '#E4EBF1',
        },
        frame: { background: '#0E2F5B99' },
        fonts: { "'Cute Font', cursive": 'https://fonts.example/cute' },
      }),
    ).toEqual({
      '--signet-background': '#FFF',
      '--signet-border': '#90A0B3',
      '--signet-text': '#000000',
      '--signet-on-accent': '#FFFFFF',
      '--signet-accent': '#FF620C',
      '--signet-muted': '#0E2F5A',
      '--signet-danger': '#F44235',
      '--signet-success': '#20B832',
      '--signet-surface': '#E4EBF1',
      '--signet-backdrop': '#0E2F5B99',
      '--signet-font': "'Cute Font', cursive",
    });
    expect(styleProperties({ palette: { link: '#0078FF' } })).toEqual({ '--signet-accent': '#0078FF' });
    expect(styleProperties(undefined)).toEqual({});
  });

  test('reports palette names it has no place for, and that font URLs are not loaded', () => {
    expect(unsupportedStyles({ palette: { window: '#fff', glow: '#f0f' } as never, fonts: { Inter: 'x' } })).toEqual([
      'styles.palette.glow',
      'styles.fonts (URLs not loaded: load the font in the page)',
    ]);
  });
});

describe('mapText (text + language)', () => {
  test('the frame’s words and Uppy’s from Cloudinary’s keys, for the language asked', () => {
    const mapped = mapText(
      {
        en: { close: 'Shut', queue: { title: 'Files to upload', show_completed: 'Done so far' } },
        de: {
          or: 'Oder',
          menu: { files: 'Meine Dateien', web: 'Adresse' },
          local: { browse: 'Durchsuchen', dd_title_multi: 'Dateien hierher ziehen' },
          queue: { title: 'Warteschlange', title_uploading_with_counter: '{{num}} Dateien' },
          crop: { title: 'Zuschneiden' },
        },
      },
      'de',
    );
    expect(mapped.frame).toEqual({ ...frameWords, title: 'Warteschlange' });
    expect(mapped.strings).toEqual({
      uppy: {
        myDevice: 'Meine Dateien',
        pluginNameUrl: 'Adresse',
        browseFiles: 'Durchsuchen',
        dropPasteFiles: 'Dateien hierher ziehen oder %{browseFiles}',
      },
    });
    expect(mapped.unmapped).toEqual(['text.de.queue.title_uploading_with_counter', 'text.de.crop.title']);
    expect(mapText({ en: { close: 'Shut' } }).frame.close).toBe('Shut');
  });

  test('no text: the English frame words, nothing for Uppy', () => {
    expect(mapText(undefined)).toEqual({ frame: frameWords, strings: {}, unmapped: [] });
  });
});

describe('callback providers', () => {
  test('getTags(cb, prefix) and getUploadPresets(cb) become the element’s promise-returning properties', async () => {
    const tags = tagsProvider((cb, prefix) => cb(['dog', 'door', 'cat'].filter((t) => t.startsWith(prefix))));
    expect(await tags('do')).toEqual(['dog', 'door']);
    const presets = presetsProvider((cb) => cb(['signed', 'video']));
    expect(await presets()).toEqual(['signed', 'video']);
  });
});
