/**
 * Folders from a dropped or picked directory tree: each file goes into `<base folder>/<its relative folder>`.
 * Pure functions; the folder rule itself is `checkFolder` (letters, digits, `-` and `_` per segment).
 */

/** The folder part of a relative path (`trip/day-1/a.jpg` → `trip/day-1`); '' for a file at the top. */
export function relativeFolder(relativePath: string | null | undefined): string {
  if (!relativePath) return '';
  const segments = relativePath.split('/').filter((s, i, all) => s !== '' || (i > 0 && i < all.length - 1));
  return segments.slice(0, -1).join('/');
}

/** The folder a file is stored in: the chosen base folder, then the file's own folders. */
export function folderFor(base: string, relativePath: string | null | undefined): string {
  return [base, relativeFolder(relativePath)].filter(Boolean).join('/');
}
