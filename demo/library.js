import { thumbnail } from './thumbnail.js';

// The demo's media library, on the page API the server documents (server/README.md "Media library"): GET /api/me,
// GET /api/folders and GET /api/assets with the same filters (so a folder's count is what it shows, sub-folders
// included), and POST /api/assets/<type>/<public id>/delete|approve|reject. The server says per asset whether it is
// delivered and what the signed-in person may do with it; the page only offers that.
const tree = document.getElementById('tree');
const grid = document.getElementById('grid');
const more = document.getElementById('more');
const message = document.getElementById('message');
const form = document.getElementById('filters');
const confirmDialog = document.getElementById('confirm-delete');
const fields = {
  q: document.getElementById('search'),
  tag: document.getElementById('tag'),
  status: document.getElementById('status'),
  sort: document.getElementById('sort'),
};
const state = { folder: '', q: '', tag: '', status: '', sort: 'newest', cursor: null };
const phone = window.matchMedia('(max-width: 640px)');

async function request(url, init = {}) {
  const response = await fetch(url, { credentials: 'same-origin', ...init });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body?.error?.message ?? `${url}: ${response.status}`);
  return body;
}

/** The filters both listings take, as a query string. */
function filterQuery() {
  const query = new URLSearchParams();
  if (state.q) query.set('q', state.q);
  if (state.tag) query.set('tag_any_case', state.tag);
  if (state.status) query.set('status', state.status);
  return query;
}

function say(text) {
  // Cleared first so that the same words twice are announced twice.
  message.textContent = '';
  requestAnimationFrame(() => {
    message.textContent = text;
  });
}

function formatBytes(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

// --- folders ---------------------------------------------------------------------------------------------------

function folderNode(folder) {
  const li = document.createElement('li');
  const button = document.createElement('button');
  button.type = 'button';
  button.dataset.path = folder.path;
  button.dataset.count = String(folder.total_count);
  const name = document.createElement('span');
  name.className = 'folder-name';
  name.textContent = folder.name;
  const count = document.createElement('span');
  count.className = 'count';
  count.textContent = String(folder.total_count);
  count.setAttribute('aria-label', `${folder.total_count} ${folder.total_count === 1 ? 'asset' : 'assets'}`);
  button.append(name, count);
  button.setAttribute('aria-current', String(folder.path === state.folder));
  button.addEventListener('click', () => selectFolder(folder.path));
  li.append(button);
  if (folder.children?.length) {
    const ul = document.createElement('ul');
    ul.append(...folder.children.map(folderNode));
    li.append(ul);
  }
  return li;
}

async function loadFolders() {
  const listing = await request(`/api/folders?${filterQuery()}`);
  const all = { name: 'All folders', path: '', children: [], total_count: listing.total_count };
  tree.replaceChildren(folderNode(all), ...listing.folders.map(folderNode));
}

function showFolder() {
  const label = state.folder ? `in ${state.folder}` : '';
  document.getElementById('current-folder').textContent = label;
  document.getElementById('folder-summary').textContent = state.folder || 'all';
  for (const button of tree.querySelectorAll('button'))
    button.setAttribute('aria-current', String(button.dataset.path === state.folder));
}

async function selectFolder(path) {
  state.folder = path;
  showFolder();
  // On a phone the list folds away once a folder is chosen, so the assets come into view.
  if (phone.matches) document.getElementById('folders-panel').open = false;
  remember();
  await loadAssets();
}

// --- assets ----------------------------------------------------------------------------------------------------

function picture(asset) {
  if (asset.delivered) return thumbnail(asset);
  const placeholder = document.createElement('span');
  placeholder.className = 'thumb';
  placeholder.textContent = 'not delivered';
  return placeholder;
}

function actionButton(label, className, onClick) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = className;
  button.textContent = label;
  button.addEventListener('click', onClick);
  return button;
}

function tile(asset) {
  const li = document.createElement('li');
  li.dataset.publicId = asset.public_id;
  li.dataset.resourceType = asset.resource_type;
  li.dataset.status = asset.status ?? 'active';
  li.append(picture(asset));
  const meta = document.createElement('div');
  meta.className = 'meta';
  const name = document.createElement('div');
  name.className = 'name';
  name.textContent = asset.display_name || asset.public_id;
  const id = document.createElement('div');
  id.className = 'public-id';
  id.textContent = asset.public_id;
  const facts = document.createElement('div');
  facts.className = 'facts';
  const status = document.createElement('span');
  status.className = 'status';
  status.dataset.status = asset.status ?? 'active';
  status.textContent = asset.status ?? 'active';
  const size = document.createElement('span');
  size.className = 'size';
  size.textContent = `${asset.format || asset.resource_type} · ${formatBytes(asset.bytes)}`;
  facts.append(status, size);
  const tags = document.createElement('div');
  tags.className = 'tags';
  tags.textContent = (asset.tags ?? []).map((t) => `#${t}`).join(' ');
  const actions = document.createElement('div');
  actions.className = 'actions';
  // What is not delivered has no URL worth copying: it would answer 404.
  if (asset.delivered) {
    const copy = actionButton('Copy URL', 'copy', async () => {
      await navigator.clipboard?.writeText(asset.secure_url).catch(() => {});
      copy.textContent = 'Copied';
      say(`Copied the URL of ${asset.public_id}.`);
    });
    copy.dataset.url = asset.secure_url;
    actions.append(copy);
  }
  const allowed = asset.allowed_actions ?? [];
  if (allowed.includes('approve'))
    actions.append(actionButton('Approve', 'approve', () => moderate(li, asset, 'approve')));
  if (allowed.includes('reject')) actions.append(actionButton('Reject', 'reject', () => moderate(li, asset, 'reject')));
  if (allowed.includes('delete')) actions.append(actionButton('Delete', 'delete danger', () => remove(li, asset)));
  meta.append(name, id, facts, tags);
  if (actions.children.length > 0) meta.append(actions);
  li.append(meta);
  return li;
}

function actionUrl(asset, action) {
  const path = asset.public_id.split('/').map(encodeURIComponent).join('/');
  return `/api/assets/${asset.resource_type}/${path}/${action}`;
}

async function moderate(li, asset, action) {
  try {
    const updated = await request(actionUrl(asset, action), { method: 'POST' });
    if (state.status && updated.status !== state.status) li.remove();
    else li.replaceWith(tile(updated));
    say(`${asset.public_id} ${updated.status === 'approved' ? 'approved' : 'rejected'}.`);
    await loadFolders();
    updateEmpty();
  } catch (error) {
    say(`Could not ${action} ${asset.public_id}: ${error.message}`);
  }
}

function confirmDelete(asset) {
  return new Promise((resolve) => {
    document.getElementById('confirm-name').textContent = asset.public_id;
    confirmDialog.returnValue = '';
    confirmDialog.addEventListener('close', () => resolve(confirmDialog.returnValue === 'delete'), { once: true });
    confirmDialog.showModal();
  });
}

async function remove(li, asset) {
  if (!(await confirmDelete(asset))) return;
  const next = li.nextElementSibling ?? li.previousElementSibling;
  try {
    await request(actionUrl(asset, 'delete'), { method: 'POST' });
    li.remove();
    say(`Deleted ${asset.public_id}.`);
    // Keep the keyboard where it was: on the next asset's first action, else the heading.
    (next?.querySelector('button') ?? document.getElementById('assets-heading')).focus();
    await loadFolders();
    updateEmpty();
  } catch (error) {
    say(`Could not delete ${asset.public_id}: ${error.message}`);
  }
}

function updateEmpty() {
  document.getElementById('empty').hidden = grid.children.length > 0;
}

async function loadAssets(append = false) {
  const query = filterQuery();
  query.set('limit', '50');
  query.set('sort', state.sort);
  // A folder shows everything in it and below it, as its count says.
  if (state.folder) {
    query.set('folder', state.folder);
    query.set('recursive', '1');
  }
  if (append && state.cursor) query.set('cursor', state.cursor);
  const page = await request(`/api/assets?${query}`);
  const tiles = page.resources.map(tile);
  if (append) grid.append(...tiles);
  else grid.replaceChildren(...tiles);
  state.cursor = page.next_cursor ?? null;
  more.hidden = !state.cursor;
  updateEmpty();
}

// --- filters and the address bar -------------------------------------------------------------------------------

/** The view in the address, so a reload or a shared link shows the same. */
function remember() {
  const query = new URLSearchParams();
  for (const key of ['folder', 'q', 'tag', 'status']) if (state[key]) query.set(key, state[key]);
  if (state.sort !== 'newest') query.set('sort', state.sort);
  history.replaceState(null, '', `${location.pathname}${query.size ? `?${query}` : ''}`);
}

function readFilters() {
  state.q = fields.q.value.trim();
  state.tag = fields.tag.value.trim();
  state.status = fields.status.value;
  state.sort = fields.sort.value;
}

async function refresh() {
  remember();
  try {
    await Promise.all([loadFolders().then(showFolder), loadAssets()]);
  } catch (error) {
    say(error.message);
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  readFilters();
  refresh();
});
form.addEventListener('reset', () => {
  // The fields hold their defaults only once the event is over (a microtask would still see the old values).
  setTimeout(() => {
    readFilters();
    refresh();
  });
});
// Sorting needs no extra click.
fields.sort.addEventListener('change', () => {
  readFilters();
  refresh();
});
more.addEventListener('click', () => loadAssets(true));

const initial = new URLSearchParams(location.search);
for (const key of ['folder', 'q', 'tag', 'status', 'sort']) if (initial.get(key)) state[key] = initial.get(key);
fields.q.value = state.q;
fields.tag.value = state.tag;
fields.status.value = state.status;
fields.sort.value = state.sort;
if (phone.matches) document.getElementById('folders-panel').open = false;

const me = await request('/api/me').catch(() => ({ id: 'anonymous', role: 'none' }));
document.getElementById('who').textContent = `${me.id} (${me.role})`;
// Contributors see only delivered assets; filtering by status is for admins moderating.
document.getElementById('status-field').hidden = me.role !== 'admin';
try {
  await loadFolders();
  showFolder();
  await loadAssets();
} catch (error) {
  document.getElementById('empty').textContent =
    me.role === 'none' ? 'Sign in to see the library.' : `The library could not be loaded: ${error.message}`;
  document.getElementById('empty').hidden = false;
}
