// The Cloudinary-style page of csp.html: a modal widget that adds a form input and a thumbnail per upload, signed by
// this origin's /api/sign (the demo user's cookie), styled by the palette.
const widget = window.cloudinary.createUploadWidget(
  {
    uploadUrl: location.origin,
    form: '#photos',
    fieldName: 'photo',
    thumbnails: '#photos',
    styles: { palette: { action: '#7A2E8E' } },
    uploadSignature: (callback, paramsToSign) => {
      fetch('/api/sign', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(paramsToSign),
      })
        .then((response) => response.json())
        .then((signed) => callback(signed.signature));
    },
  },
  (error, result) => {
    document.getElementById('results').textContent += `${JSON.stringify({ error, event: result.event })}\n`;
  },
);
document.getElementById('open').addEventListener('click', () => widget.open());
