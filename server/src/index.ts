/**
 * `signet-upload-server`: the reference server's documented API. Only re-exports: the implementation lives in
 * server.ts, so a bundle of this entry exports these names and nothing else.
 */
export type { Access, Grant, Role, User } from './auth/permissions.js';
export type { ConfigUser, GrantJson } from './auth/users.js';
export type {
  AssetCatalog,
  AssetKey,
  AssetPage,
  AssetRecord,
  AssetStatus,
  Catalog,
  FolderCount,
  FolderQuery,
  ListQuery,
  PresetCatalog,
  SignatureLedger,
  UserDirectory,
} from './catalog/catalog.js';
export type { CompanionConfig } from './companion/settings.js';
export type { ResolvedAddress, Resolver } from './companion/ssrf-guard.js';
export type { AuthUser, DeepPartial, ServerConfig } from './config.js';
export { DEFAULT_CONFIG, ENV_VARS } from './config.js';
export type { Credentials } from './credentials.js';
export type { AutoTagRule, PresetDefinition, UploadPreset } from './presets/definition.js';
export type { SignetServer, StartOptions } from './server.js';
export { startServer } from './server.js';
export { responseSignature, sign, verify } from './signing.js';
export type { ByteRange, Store } from './stores/store.js';
