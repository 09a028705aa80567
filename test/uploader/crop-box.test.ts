// `crop-aspect-ratio` as people write it, and a cropped file's `custom_coordinates`: the whole image as it is sent.
import type { Body, Meta, UppyFile } from '@uppy/core';
import { expect, test } from 'vitest';
import { aspectRatioOf, coordinatesFor } from '../../src/uploader/crop-box.js';

test.each([
  ['1', 1],
  ['1.5', 1.5],
  ['16:9', 16 / 9],
  [' 4 / 3 ', 4 / 3],
  ['', 0],
  ['square', 0],
  ['0', 0],
  ['3:0', 0],
  ['-1', 0],
  ['16:9:1', 0],
])('crop-aspect-ratio %j → %d (0: the person chooses)', (text, ratio) => {
  expect(aspectRatioOf(text)).toBeCloseTo(ratio, 10);
});

const file = (meta: Record<string, unknown>) => ({ meta }) as unknown as UppyFile<Meta, Body>;

test('custom_coordinates name the cropped image as sent: made smaller after the crop, in its new size', () => {
  const crop = { width: 150, height: 90, box: { x: 40, y: 12, width: 150, height: 90 } };
  expect(coordinatesFor(file({ signetCrop: crop }))).toBe('0,0,150,90');
  const resized = { width: 100, height: 60, originalWidth: 150, originalHeight: 90 };
  expect(coordinatesFor(file({ signetCrop: crop, signetResized: resized }))).toBe('0,0,100,60');
  expect(coordinatesFor(file({ signetCrop: { ...crop, box: null } }))).toBe('0,0,150,90');
  expect(coordinatesFor(file({}))).toBeUndefined();
});
