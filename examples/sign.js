// The page's signing function, shared by the examples: its server (here the reference server's /api/sign, with the
// session cookie the demo hands out) signs exactly the parameters the widget will send.
export async function signUpload(params) {
  const response = await fetch('/api/sign', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
  });
  if (!response.ok) throw new Error(`signing failed: ${response.status}`);
  return response.json();
}
