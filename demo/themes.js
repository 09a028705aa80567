// Points the three widgets at the server that serves this page.
const config = await (await fetch('/api/config')).json();
for (const uploader of document.querySelectorAll('signet-uploader')) {
  uploader.setAttribute('cloud-name', config.cloud_name);
  uploader.setAttribute('api-key', config.api_key);
  uploader.setAttribute('upload-url', config.upload_url);
}
