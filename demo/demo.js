import { thumbnail } from './thumbnail.js';

// The demo page's own script: configures the widget from the server and keeps a live grid of stored assets.
const uploader = document.getElementById('uploader');
const grid = document.getElementById('grid');

const config = await (await fetch('/api/config')).json();
uploader.setAttribute('cloud-name', config.cloud_name);
uploader.setAttribute('api-key', config.api_key);
uploader.setAttribute('upload-url', config.upload_url);
document.getElementById('cloud-name').textContent = config.cloud_name;
// The presets this demo user may choose, from the server's /api/presets.
uploader.getUploadPresets = async () => {
  const response = await fetch('/api/presets', { credentials: 'same-origin' });
  return response.ok ? (await response.json()).map((p) => p.name) : [];
};

function tile(asset) {
  const li = document.createElement('li');
  li.dataset.publicId = asset.public_id;
  const link = document.createElement('a');
  link.href = asset.secure_url;
  link.append(thumbnail(asset));
  const meta = document.createElement('div');
  meta.className = 'meta';
  meta.textContent = `${asset.public_id} · ${asset.bytes.toLocaleString()} B`;
  li.append(link, meta);
  return li;
}

async function refresh() {
  const { resources } = await (await fetch('/api/assets?limit=100')).json();
  grid.replaceChildren(...resources.map(tile));
  document.getElementById('empty').hidden = resources.length > 0;
}

uploader.addEventListener('signet-upload-success', (event) => {
  document.getElementById('last-event').textContent = `Stored ${event.response.public_id}`;
  refresh();
});
// The public ID was taken: the server kept the stored asset, and this file was not stored.
uploader.addEventListener('signet-upload-existing', (event) => {
  document.getElementById('last-event').textContent =
    `${event.response.public_id} already existed: kept the stored file`;
});
uploader.addEventListener('signet-upload-error', (event) => {
  document.getElementById('last-event').textContent =
    `${event.file.name}: ${event.error.message} (${event.error.code})`;
});
await refresh();
