/**
 * Dropped or picked trees whose sub-folder names the folder rule refuses: which files to hold back, and the one-click
 * fix offered for them (`Day 1` → `Day_1`). Pure; loaded with Uppy (only a tree added to its queue needs it).
 */
import { checkFolder, type RuleResult } from '../protocol/rules.js';
import { folderFor, relativeFolder } from './folders.js';

/** One sub-folder of a tree whose name the rule refuses, with the files under it. */
export interface HeldFolder {
  /** The tree's path down to the first refused name, as the person sees it (`trip/Day 1`). */
  folder: string;
  /** The same path with every refused name under it fixed (`trip/Day_1`), or null when no rename can fix it. */
  suggestion: string | null;
  /** Indexes into the checked list of the files it holds back. */
  files: number[];
  /** Why: the rule's message for the first file. */
  error: RuleResult & { ok: false };
}

export interface TreeCheck {
  /** Indexes of the files that may go ahead. */
  accepted: number[];
  held: HeldFolder[];
}

/**
 * Splits a tree by its folder names: a file under a refused name is held back with every other file under it; the rest
 * goes ahead. The base folder itself is the options' business (checked before any file is added).
 */
export function checkTree(base: string, relativePaths: readonly (string | null | undefined)[]): TreeCheck {
  const accepted: number[] = [];
  const held = new Map<string, HeldFolder>();
  relativePaths.forEach((path, index) => {
    const result = checkFolder(folderFor(base, path));
    if (result.ok) {
      accepted.push(index);
      return;
    }
    // Grouped by the path down to the first refused name, so `Day 1/` and `Day 1/morning/` are one decision.
    const full = folderFor(base, path).split('/');
    const bad = full.findIndex((_, i) => !checkFolder(full.slice(0, i + 1).join('/')).ok);
    const folder = full.slice(0, bad < 0 ? full.length : bad + 1).join('/');
    let group = held.get(folder);
    if (!group) {
      group = { folder, suggestion: null, files: [], error: result };
      held.set(folder, group);
    }
    group.files.push(index);
  });
  for (const group of held.values()) {
    // Offered only when renaming fixes every file it holds (a folder path too long stays refused).
    const fixable = group.files.every((i) => checkFolder(folderFor(base, fixRelativePath(relativePaths[i] ?? ''))).ok);
    group.suggestion = fixable && checkFolder(base).ok ? fixFolder(group.folder) : null;
  }
  return { accepted, held: [...held.values()] };
}

/** A name the folder rule accepts, as close to the given one as it can be: `Day 1` → `Day_1`, `Café` → `Cafe`. */
export function fixFolderName(name: string): string {
  const fixed = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9_-]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return fixed || 'folder';
}

/** Every segment of a folder path fixed (`trip/Day 1` → `trip/Day_1`). */
export function fixFolder(folder: string): string {
  return folder
    .split('/')
    .map((segment) => (checkFolder(segment).ok ? segment : fixFolderName(segment)))
    .join('/');
}

/** A relative file path with its folders fixed and its file name kept (`trip/Day 1/a b.jpg` → `trip/Day_1/a b.jpg`). */
export function fixRelativePath(relativePath: string): string {
  const folder = relativeFolder(relativePath);
  if (!folder) return relativePath;
  const name = relativePath.split('/').at(-1) ?? '';
  return `${fixFolder(folder)}/${name}`;
}
