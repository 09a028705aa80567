// `debug`: an "Invalid signature" answer shows, next to the file, the string the server expected to be signed beside
// what the page was asked to sign; never the API secret. Against the reference server, whose 401 message names its
// string to sign as Cloudinary's does.
import { expect, test, vi } from 'vitest';
import type { UploadParams } from '../../src/protocol/params.js';
import { results, server, signWithServer } from '../helpers/browser.js';
import { account, create, file, upload } from './widget-helpers.js';

/** A page endpoint with the classic mistake: it signs what it was sent, minus `source`. */
const dropsSource = (callback: (signature: string) => void, params: Record<string, unknown>) => {
  const { source: _source, ...rest } = params;
  void signWithServer(rest as UploadParams).then((signed) => callback(signed.signature));
};

async function refusedLine(options: Record<string, unknown>) {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  const heard = create({ ...account(), folder: 'dbg', ...options });
  await upload(heard, [file('sig.bin', 30, 51)]);
  const said = warn.mock.calls.map((args) => String(args[0]));
  warn.mockRestore();
  const [line] = results(heard.widget.element);
  return { heard, line, said };
}

test('the page’s endpoint left out source=uw: both strings beside the file, and what that means', async () => {
  const { heard, line, said } = await refusedLine({ debug: true, uploadSignature: dropsSource });
  expect(line).toMatchObject({ status: 'refused', name: 'sig.bin' });
  const expected = /the server expected the signature of “(folder=dbg&source=uw&timestamp=\d+)”/.exec(line?.text ?? '');
  expect(expected).not.toBeNull();
  expect(line?.text).toContain(`the page was asked to sign “${expected?.[1]}”`);
  expect(line?.text).toContain('source=uw included');
  expect(line?.text).not.toContain(server().apiSecret);
  expect(said.some((text) => text.includes(expected?.[1] ?? '?'))).toBe(true);
  expect(heard.calls.find(([error]) => error)?.[0]?.code).toBe('SIGNATURE_INVALID');
});

test('parameters set after signing: the pairs the server expected but the page never signed are named', async () => {
  const { line } = await refusedLine({
    debug: true,
    uploadSignature: undefined,
    // Signs what it was given, then adds a public ID it did not sign.
    prepareUploadParams: (cb: (answer: unknown) => void, params: Record<string, unknown>) =>
      void signWithServer(params as UploadParams).then((s) => cb({ signature: s.signature, publicId: 'late' })),
  });
  expect(line?.text).toContain('Not signed: public_id=late.');
});

test('a signature string made at page load: the exact string it must sign', async () => {
  const timestamp = Math.floor(Date.now() / 1000);
  const signed = await signWithServer({ timestamp, folder: 'dbg' });
  const { line } = await refusedLine({
    debug: true,
    uploadSignature: signed.signature,
    uploadSignatureTimestamp: timestamp,
  });
  expect(line?.text).toContain(`it must sign exactly “folder=dbg&source=uw&timestamp=${timestamp}”`);
});

test('without debug, the person reads the plain refusal', async () => {
  const { line } = await refusedLine({ uploadSignature: dropsSource });
  expect(line?.status).toBe('refused');
  expect(line?.text).not.toContain('Debug');
  expect(line?.text).not.toContain('source=uw');
});
