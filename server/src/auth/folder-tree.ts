/**
 * The folder tree of `GET /api/folders`, built from asset counts per folder. Pure.
 *
 * Folders are not stored on their own: a folder exists while an asset is in it or below it, so an empty folder can
 * never appear, and nothing can drift out of step with the assets. The counts come from the catalogue already
 * restricted to what the caller may view; ancestors of a visible folder appear (with their visible counts, often 0)
 * so the tree stays a tree.
 */
import type { FolderCount } from '../catalog/catalog.js';

export interface FolderNode {
  /** The last segment. */
  name: string;
  /** The whole path, as `?folder=` takes it. */
  path: string;
  /** Assets directly in this folder. */
  asset_count: number;
  /** Assets in this folder and every folder below it. */
  total_count: number;
  /** By name. */
  children: FolderNode[];
}

/** The top-level folders, each with its subtree; the top level's own assets ('' folder) are not a node. */
export function folderTree(counts: readonly FolderCount[]): FolderNode[] {
  const root: FolderNode = { name: '', path: '', asset_count: 0, total_count: 0, children: [] };
  const nodes = new Map<string, FolderNode>([['', root]]);
  const nodeAt = (path: string): FolderNode => {
    const existing = nodes.get(path);
    if (existing) return existing;
    const slash = path.lastIndexOf('/');
    const parent = nodeAt(slash < 0 ? '' : path.slice(0, slash));
    const node: FolderNode = { name: path.slice(slash + 1), path, asset_count: 0, total_count: 0, children: [] };
    parent.children.push(node);
    nodes.set(path, node);
    return node;
  };
  for (const { folder, count } of counts) {
    if (count <= 0 || folder === '') continue;
    nodeAt(folder).asset_count += count;
    for (let path: string | null = folder; path !== null; path = parentOf(path)) nodeAt(path).total_count += count;
  }
  sortTree(root);
  return root.children;
}

function parentOf(path: string): string | null {
  if (path === '') return null;
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

function sortTree(node: FolderNode): void {
  node.children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const child of node.children) sortTree(child);
}
