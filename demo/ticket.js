// The support-ticket page: the form is plain HTML (its POST goes to the server's /demo/echo, which answers with the
// fields it received); this script only points the widget at the server and switches its language.
const uploader = document.getElementById('attachments');
const config = await (await fetch('/api/config')).json();
uploader.setAttribute('cloud-name', config.cloud_name);
uploader.setAttribute('api-key', config.api_key);
uploader.setAttribute('upload-url', config.upload_url);

const language = document.getElementById('language');
const choose = (code) => {
  uploader.locale = code;
  // Only the widget changes language here, so only it is mirrored (a page in Arabic would set dir="rtl" on <html>).
  uploader.dir = code === 'ar' ? 'rtl' : 'ltr';
};
const asked = new URLSearchParams(location.search).get('lang');
if (asked) language.value = asked;
language.addEventListener('change', () => choose(language.value));
choose(language.value);
