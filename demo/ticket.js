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
  // The widget mirrors with the page: a right-to-left language sets `dir` around it.
  document.getElementById('ticket').dir = code === 'ar' ? 'rtl' : 'ltr';
};
const asked = new URLSearchParams(location.search).get('lang');
if (asked) language.value = asked;
language.addEventListener('change', () => choose(language.value));
choose(language.value);
