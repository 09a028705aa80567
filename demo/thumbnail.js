// The picture part of an asset tile, shared by the upload page and the media library.
export function thumbnail(asset) {
  if (asset.resource_type === 'image' && asset.format !== 'pdf' && asset.status !== 'rejected') {
    const img = document.createElement('img');
    img.src = asset.secure_url;
    img.alt = asset.display_name || asset.public_id;
    img.loading = 'lazy';
    return img;
  }
  const thumb = document.createElement('span');
  thumb.className = 'thumb';
  thumb.textContent = asset.format || asset.resource_type;
  return thumb;
}
