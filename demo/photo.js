// The profile-photo page: points the widget at the server and says what was stored (the crop box included).
const photo = document.getElementById('photo');
const config = await (await fetch('/api/config')).json();
photo.setAttribute('cloud-name', config.cloud_name);
photo.setAttribute('api-key', config.api_key);
photo.setAttribute('upload-url', config.upload_url);

photo.addEventListener('signet-upload-success', (event) => {
  const { response, file } = event;
  const box = file.cropped ? ` (cropped at ${file.cropped.x},${file.cropped.y} of the original)` : '';
  document.getElementById('stored').textContent =
    `Stored ${response.public_id}: ${response.width} × ${response.height} pixels${box}.`;
});
