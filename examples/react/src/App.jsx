// React 19 passes properties and events straight to custom elements: `tags` (an array) and `signUpload` (a function)
// are set as the element's properties, `onsignet-upload-success` listens to its event. No wrapper component.
import { useState } from 'react';
import 'signet-upload/define';
import { signUpload } from '../../sign.js';

const TAGS = ['react', 'example'];

export function App({ uploadUrl }) {
  const [uploads, setUploads] = useState([]);
  return (
    <main>
      <h1>Signet Upload in React 19</h1>
      <signet-uploader
        upload-url={uploadUrl}
        multiple
        tags={TAGS}
        signUpload={signUpload}
        onsignet-upload-success={(event) => setUploads((list) => [...list, event.response])}
      />
      <ul id="uploads">
        {uploads.map((upload) => (
          <li key={upload.public_id}>
            {upload.public_id} ({upload.tags.join(', ')})
          </li>
        ))}
      </ul>
    </main>
  );
}
