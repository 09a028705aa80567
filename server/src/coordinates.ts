/**
 * Cloudinary's `custom_coordinates`: regions of interest of an image (the widget sends the crop box of a cropped
 * photo), each "x,y,w,h" in pixels from the top-left corner, several joined by "|" — how the SDKs encode an array of
 * boxes. The one parser and the one fit check for every place that reads them: uploads (every path), the signing
 * endpoint, `explicit` and the Admin API's `update`. Pure.
 */
import { UploadError } from 'signet-upload/protocol';

/** x, y of the top-left corner, then width and height, in pixels. */
export type Box = readonly [x: number, y: number, width: number, height: number];

/** Cloudinary names no limit; a crop box is one, and a few focus areas are plenty. */
export const MAX_BOXES = 10;

// Up to 7 digits: beyond any image this server accepts, and never near the loss of integer precision.
const BOX = /^(\d{1,7}),(\d{1,7}),(\d{1,7}),(\d{1,7})$/;

/** The boxes of a `custom_coordinates` value; anything else → 400 PARAM_INVALID. */
export function parseCustomCoordinates(text: string): Box[] {
  const parts = text.split('|');
  if (parts.length > MAX_BOXES)
    throw new UploadError('PARAM_INVALID', `custom_coordinates holds at most ${MAX_BOXES} boxes.`);
  return parts.map((part) => {
    const match = BOX.exec(part);
    if (!match)
      throw new UploadError(
        'PARAM_INVALID',
        'custom_coordinates must be "x,y,width,height" in whole pixels (boxes joined by "|"), e.g. "10,20,300,200".',
      );
    const [x, y, width, height] = match.slice(1).map(Number) as [number, number, number, number];
    if (width < 1 || height < 1)
      throw new UploadError('PARAM_INVALID', 'custom_coordinates: a box’s width and height are at least 1 pixel.');
    return [x, y, width, height] as const;
  });
}

/**
 * The boxes belong on this asset: an image (Cloudinary reads them for images only), each box inside it when its size
 * is known. Cloudinary does not document what it does with a box beyond the image; a crop box outside the photo is
 * a client's mistake, so it is refused (400 PARAM_INVALID) rather than stored.
 */
export function assertCoordinatesFit(
  boxes: readonly Box[],
  asset: { resourceType: string; width: number | null; height: number | null },
): void {
  if (asset.resourceType !== 'image')
    throw new UploadError('PARAM_INVALID', 'custom_coordinates apply to images only.');
  const { width, height } = asset;
  if (width === null || height === null) return;
  for (const [x, y, w, h] of boxes)
    if (x + w > width || y + h > height)
      throw new UploadError(
        'PARAM_INVALID',
        `custom_coordinates: the box ${x},${y},${w},${h} reaches outside the ${width}×${height} image.`,
      );
}
