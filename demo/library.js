import { thumbnail } from './thumbnail.js';

// The demo's media library: folder tree, asset grid with thumbnails, tags, moderation status and the delivery URL
// to copy, filtered by folder and tag. It shows what the server lets the current demo user see.
const tree = document.getElementById('tree');
const grid = document.getElementById('grid');
const more = document.getElementById('more');
const state = { folder: '', tag: '', cursor: null };

async function json(url) {
  const response = await fetch(url, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

function folderNode(folder) {
  const li = document.createElement('li');
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = `${folder.name} (${folder.total_count ?? folder.asset_count ?? 0})`;
  button.dataset.path = folder.path;
  button.addEventListener('click', () => select(folder.path));
  li.append(button);
  if (folder.children?.length) {
    const ul = document.createElement('ul');
    ul.append(...folder.children.map(folderNode));
    li.append(ul);
  }
  return li;
}

function tile(asset) {
  const li = document.createElement('li');
  li.dataset.publicId = asset.public_id;
  li.append(thumbnail(asset));
  const meta = document.createElement('div');
  meta.className = 'meta';
  const name = document.createElement('div');
  name.textContent = asset.public_id;
  const status = document.createElement('span');
  status.className = 'status';
  status.dataset.status = asset.status ?? 'active';
  status.textContent = asset.status ?? 'active';
  const tags = document.createElement('div');
  tags.className = 'tags';
  tags.textContent = (asset.tags ?? []).map((t) => `#${t}`).join(' ');
  const copy = document.createElement('button');
  copy.type = 'button';
  copy.className = 'copy';
  copy.textContent = 'Copy URL';
  copy.dataset.url = asset.secure_url;
  copy.addEventListener('click', async () => {
    await navigator.clipboard?.writeText(asset.secure_url).catch(() => {});
    copy.textContent = 'Copied';
  });
  meta.append(name, status, tags, copy);
  li.append(meta);
  return li;
}

async function loadAssets(append = false) {
  const query = new URLSearchParams({ limit: '50' });
  if (state.folder) query.set('folder', state.folder);
  if (state.tag) query.set('tag', state.tag);
  if (append && state.cursor) query.set('cursor', state.cursor);
  const page = await json(`/api/assets?${query}`);
  const tiles = page.resources.map(tile);
  if (append) grid.append(...tiles);
  else grid.replaceChildren(...tiles);
  state.cursor = page.next_cursor ?? null;
  more.hidden = !state.cursor;
  document.getElementById('empty').hidden = grid.children.length > 0;
}

function select(folder) {
  state.folder = folder;
  document.getElementById('current-folder').textContent = folder ? `in ${folder}` : '';
  for (const button of tree.querySelectorAll('button')) {
    button.setAttribute('aria-current', String(button.dataset.path === folder));
  }
  return loadAssets();
}

document.getElementById('filters').addEventListener('submit', (event) => {
  event.preventDefault();
  state.tag = document.getElementById('tag').value.trim();
  loadAssets();
});
document.getElementById('filters').addEventListener('reset', () => {
  state.tag = '';
  queueMicrotask(() => loadAssets());
});
more.addEventListener('click', () => loadAssets(true));

const me = await json('/api/me').catch(() => ({ id: 'anonymous', role: 'none' }));
document.getElementById('who').textContent = `${me.id} (${me.role})`;
const listing = await json('/api/folders').catch(() => ({ folders: [], total_count: 0, denied: true }));
if (listing.denied) document.getElementById('empty').textContent = 'Sign in to see the library.';
const { folders } = listing;
const all = { name: 'All folders', path: '', children: [], total_count: listing.total_count };
tree.replaceChildren(folderNode(all), ...folders.map(folderNode));
await select('');
