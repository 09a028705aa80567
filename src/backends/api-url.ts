/** An Upload API address (`<upload-url>/v1_1/<cloud>/<path>`), Cloudinary's and the reference server's alike. */
export function apiUrl(uploadUrl: string, cloudName: string, path: string): string {
  return `${uploadUrl.replace(/\/+$/, '')}/v1_1/${encodeURIComponent(cloudName)}/${path}`;
}
