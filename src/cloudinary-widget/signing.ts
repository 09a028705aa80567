/**
 * The element's backend for a Cloudinary page: Cloudinary's Upload API with the widget's hidden `source=uw` (pages
 * sign it), signed the way the page chose: a signature string made at page load (`uploadSignature` +
 * `uploadSignatureTimestamp`), a function called per file (`uploadSignature(cb, paramsToSign)`, or
 * `prepareUploadParams(cb, params)`, which may also set parameters or cancel the file), or no signature at all (an
 * unsigned upload preset). Also where a page's `preBatch` verdict is waited for, and, with `debug`, where an
 * "Invalid signature" answer gains the strings to compare (diagnostics.ts).
 */
import type { RemoteTarget, RemoteTask, UploadBackend, UploadTask } from '../backends/backend.js';
import { CloudinaryBackend } from '../backends/cloudinary.js';
import { nowSeconds, type Signer } from '../backends/signer.js';
import { UploadError } from '../errors.js';
import { en } from '../locales/en.js';
import type { SignedParams, UploadApiResponse, UploadParams } from '../protocol/params.js';
import { encodeContext } from '../protocol/rules.js';
import { loadServerInfo } from '../uploader/server-info.js';
import { askedString, describeMismatch, expectedString } from './diagnostics.js';
import { CLOUDINARY_API, type ParamsToSign, type PreparedAnswer, type WidgetOptions } from './options.js';
import type { FrameWords } from './words.js';

/** Cloudinary's widget adds it to every upload; signatures made for Cloudinary's widget cover it. */
export const WIDGET_SOURCE = 'uw';
// Cloudinary's SDKs send 20 MB parts; every part but the last must be over 5 MB there.
const DEFAULT_CHUNK = 20 * 1024 * 1024;

export interface BackendContext {
  /** The options in force (read at each file, so `update()` applies to the next upload). */
  options(): WidgetOptions;
  /** `cloudinary.setCloudName` / `setAPIKey`, for options that name neither. */
  defaults: { cloudName: string; apiKey: string };
  words(): FrameWords;
  /** The element's words for an error code (its `localizeError`). */
  localize(error: UploadError): UploadError;
  /** Resolves when the page's `preBatch` let the file's batch go; rejects (ABORTED) when it cancelled it. */
  gate(file: Blob | null): Promise<void>;
  /** Options the page passed that cannot be honoured, by name (reported once). */
  report(names: string[]): void;
}

/** One file's way to the server: the backend that sends it, its final parameters, what to say if refused. */
interface Plan {
  backend: CloudinaryBackend;
  params: UploadParams;
  /** What the page's function was asked to sign; null for a string signature or an unsigned upload. */
  asked: ParamsToSign | null;
  fixed: boolean;
}

export function widgetBackend(ctx: BackendContext): UploadBackend {
  const run = async <T>(task: RemoteTask, file: Blob | null, send: (plan: Plan) => Promise<T>): Promise<T> => {
    await ctx.gate(file);
    const plan = await planFor(ctx, task);
    try {
      return await send(plan);
    } catch (error) {
      throw ctx.options().debug ? diagnose(ctx, error, plan) : error;
    }
  };
  return {
    upload: (task: UploadTask): Promise<UploadApiResponse> =>
      run(task, task.file, (plan) => plan.backend.upload({ ...task, params: plan.params })),
    remoteTarget: (task: RemoteTask): Promise<RemoteTarget> =>
      run(task, null, (plan) => plan.backend.remoteTarget({ ...task, params: plan.params })),
  };
}

async function planFor(ctx: BackendContext, task: RemoteTask): Promise<Plan> {
  const options = ctx.options();
  const uploadUrl = options.uploadUrl || CLOUDINARY_API;
  let cloudName = options.cloudName || ctx.defaults.cloudName;
  let apiKey = options.apiKey || ctx.defaults.apiKey;
  if (!cloudName || !apiKey) {
    // A Signet server says its own (the element asked already; the answer is cached).
    const info = await loadServerInfo(uploadUrl);
    cloudName ||= info?.cloudName ?? '';
    apiKey ||= info?.apiKey ?? '';
  }
  let params: UploadParams = task.params;
  let resourceType = options.resourceType ?? 'auto';
  let sign: Signer = unsigned;
  let asked: ParamsToSign | null = null;
  const prepare =
    options.prepareUploadParams ?? (typeof options.uploadSignature === 'function' ? options.uploadSignature : null);
  if (prepare) {
    const timestamp = nowSeconds();
    asked = { ...wireParams(params), source: WIDGET_SOURCE, timestamp };
    const answer = await ask(prepare, asked, task.signal);
    if (answer.cancel === true)
      throw new UploadError('RESTRICTED', 'The page cancelled this upload (prepareUploadParams).');
    const set = setParams(answer, ctx);
    params = { ...params, ...set };
    if (answer.resourceType) resourceType = answer.resourceType;
    if (typeof answer.signature === 'string' && answer.signature) {
      const signed: SignedParams = {
        signature: answer.signature,
        timestamp: Number(answer.uploadSignatureTimestamp ?? answer.timestamp ?? timestamp),
        api_key: String(answer.apiKey ?? answer.api_key ?? apiKey),
      };
      sign = async () => signed;
    }
  } else if (typeof options.uploadSignature === 'string') {
    const signed: SignedParams = {
      signature: options.uploadSignature,
      timestamp: Number(options.uploadSignatureTimestamp),
      api_key: apiKey,
    };
    sign = async () => signed;
  }
  const backend = new CloudinaryBackend({
    cloudName,
    uploadUrl,
    resourceType,
    chunkSize: options.maxChunkSize && options.maxChunkSize > 0 ? options.maxChunkSize : DEFAULT_CHUNK,
    source: WIDGET_SOURCE,
    sign,
    messages: en.errors,
  });
  return { backend, params, asked, fixed: typeof options.uploadSignature === 'string' && !prepare };
}

/**
 * No signature: the upload preset must be unsigned. The backend always sends the three signing fields; blank, the
 * reference server reads them as absent (as it reads any blank field).
 */
const unsigned: Signer = async (params) => ({ signature: '', api_key: '', timestamp: Number(params.timestamp) });

/** The page's function, called back once with a signature string or an answer object (or an array of them). */
function ask(prepare: NonNullable<WidgetOptions['prepareUploadParams']>, toSign: ParamsToSign, signal: AbortSignal) {
  return new Promise<PreparedAnswer>((resolve, reject) => {
    signal.addEventListener('abort', () => reject(new UploadError('ABORTED', 'The upload was cancelled.')), {
      once: true,
    });
    try {
      prepare((answer) => {
        const first = Array.isArray(answer) ? answer[0] : answer;
        resolve(typeof first === 'string' ? { signature: first } : ((first ?? {}) as PreparedAnswer));
      }, toSign);
    } catch (cause) {
      reject(new UploadError('SIGNING_FAILED', en.errors.SIGNING_FAILED, { cause }));
    }
  });
}

/** Parameters as Cloudinary hands them to a signing function: snake_case, lists comma-joined. */
function wireParams(params: UploadParams): ParamsToSign {
  const wire: ParamsToSign = {};
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === '') continue;
    wire[key] = Array.isArray(value) ? value.join(',') : typeof value === 'number' ? value : String(value);
  }
  return wire;
}

/** Cloudinary's list of what prepareUploadParams may set (camelCase or snake_case) → upload parameters. */
const SETTABLE: Readonly<Record<string, string>> = {
  publicId: 'public_id',
  folder: 'folder',
  tags: 'tags',
  context: 'context',
  uploadPreset: 'upload_preset',
  useFilename: 'use_filename',
  uniqueFilename: 'unique_filename',
  overwrite: 'overwrite',
};
/** Read by planFor itself. */
const CONSUMED = new Set(['signature', 'apiKey', 'uploadSignatureTimestamp', 'timestamp', 'resourceType', 'cancel']);

function setParams(answer: PreparedAnswer, ctx: BackendContext): Record<string, string> {
  const set: Record<string, string> = {};
  const ignored: string[] = [];
  for (const [raw, value] of Object.entries(answer)) {
    const key = raw.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    const param = SETTABLE[key];
    if (value === undefined || value === null || CONSUMED.has(key) || key === 'source') continue;
    if (!param) ignored.push(`prepareUploadParams: ${raw}`);
    else if (param === 'tags') set.tags = Array.isArray(value) ? value.join(',') : String(value);
    else if (param === 'context' && typeof value === 'object')
      set.context = encodeContext(value as Record<string, string>);
    else set[param] = String(value);
  }
  if (ignored.length) ctx.report(ignored);
  return set;
}

/** `debug`: an "Invalid signature" answer, said beside the file with the strings to compare. */
function diagnose(ctx: BackendContext, error: unknown, plan: Plan): unknown {
  if (!(error instanceof UploadError) || error.code !== 'SIGNATURE_INVALID') return error;
  const expected = expectedString(error.message);
  // Unsigned uploads have nothing to compare; their refusals say what is wrong (the preset).
  if (expected === null || (!plan.asked && !plan.fixed)) return error;
  const asked = plan.asked ? askedString(plan.asked) : '';
  const detail = describeMismatch(expected, asked, ctx.words(), plan.fixed);
  console.warn(`Signet Upload (debug): ${detail}`);
  // Starting with the element's own words for the code keeps them: it shows this message as it is.
  const words = ctx.localize(new UploadError('SIGNATURE_INVALID', '')).message;
  return new UploadError('SIGNATURE_INVALID', `${words} ${detail}`, { cause: error, status: error.status });
}
