// The conformance suites every catalogue must pass, one per interface; sqlite.test.ts and postgres.test.ts run each
// against their database. A new implementation of one concern inherits every test of that concern.
import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import {
  type AssetCatalog,
  type AssetOrder,
  type AssetRecord,
  type AssetStatus,
  type Catalog,
  type ListQuery,
  NEWEST_FIRST,
  type PresetCatalog,
  type SignatureLedger,
  type UserDirectory,
} from '../../src/catalog/catalog.js';
import type { UploadPreset } from '../../src/presets/definition.js';

/** Opens catalogues for a suite; each is closed when the test that opened it ends. */
export interface CatalogFactory {
  /** A new, empty catalogue. */
  fresh(): Promise<Catalog>;
  /** Two connections to one new, empty catalogue, as two server instances sharing it. */
  twins(): Promise<[Catalog, Catalog]>;
}

/** Every interface's suite, for a catalogue that implements them all. */
export function describeCatalogContracts(name: string, factory: CatalogFactory): void {
  describeAssetCatalogContract(name, factory);
  describePresetCatalogContract(name, factory);
  describeSignatureLedgerContract(name, factory);
  describeUserDirectoryContract(name, factory);
}

export function sampleRecord(overrides: Partial<AssetRecord> = {}): AssetRecord {
  return {
    cloud: 'signet-test',
    resourceType: 'image',
    type: 'upload',
    publicId: 'albums/photo',
    assetId: randomBytes(16).toString('hex'),
    version: 1764230000,
    versionId: randomBytes(16).toString('hex'),
    format: 'png',
    bytes: 1234,
    width: 40,
    height: 30,
    etag: randomBytes(16).toString('hex'),
    storageKey: randomBytes(16).toString('hex'),
    originalFilename: 'Été (1)',
    displayName: 'photo',
    folder: 'albums',
    assetFolder: 'albums',
    tags: ['sea', 'sun ☀'],
    context: { alt: 'A beach', caption: 'a=b|c' },
    customCoordinates: null,
    createdAt: '2025-11-27T06:00:00Z',
    status: 'active',
    ...overrides,
  };
}

export function describeAssetCatalogContract(name: string, factory: CatalogFactory): void {
  describe(`AssetCatalog contract: ${name}`, () => {
    const open = async (): Promise<AssetCatalog> => (await factory.fresh()).assets;

    test('inserts a record and gets it back whole', async () => {
      const assets = await open();
      const record = sampleRecord();
      expect(await assets.insert(record)).toBe(true);
      expect(await assets.get(record)).toEqual(record);
    });

    test('insert is create-only: a taken key returns false and keeps the first record', async () => {
      const assets = await open();
      const first = sampleRecord();
      await assets.insert(first);
      expect(await assets.insert(sampleRecord({ etag: 'other' }))).toBe(false);
      expect(await assets.get(first)).toEqual(first);
    });

    test('keys are cloud + resource type + public ID', async () => {
      const assets = await open();
      await assets.insert(sampleRecord());
      expect(await assets.get({ cloud: 'signet-test', resourceType: 'video', publicId: 'albums/photo' })).toBeNull();
      expect(await assets.get({ cloud: 'other', resourceType: 'image', publicId: 'albums/photo' })).toBeNull();
      expect(await assets.get({ cloud: 'signet-test', resourceType: 'image', publicId: 'albums/PHOTO' })).toBeNull();
      expect(await assets.insert(sampleRecord({ resourceType: 'raw' }))).toBe(true);
    });

    test('replace returns the previous record and always moves the version forward', async () => {
      const assets = await open();
      const first = sampleRecord();
      await assets.insert(first);
      const same = await assets.replace(sampleRecord({ version: first.version, etag: 'second' }));
      expect(same.previous).toEqual(first);
      expect(same.record.version).toBe(first.version + 1);
      expect(await assets.get(first)).toEqual(same.record);

      const later = await assets.replace(sampleRecord({ version: first.version + 100, etag: 'third' }));
      expect(later.record.version).toBe(first.version + 100);
      expect(later.previous?.etag).toBe('second');
    });

    test('replace of a missing key inserts it', async () => {
      const assets = await open();
      const record = sampleRecord();
      expect(await assets.replace(record)).toEqual({ record, previous: null });
    });

    test('lists one cloud newest first (a replaced asset counts as new), page by page', async () => {
      const assets = await open();
      for (const id of ['a', 'b', 'c', 'd', 'e']) await assets.insert(sampleRecord({ publicId: id }));
      await assets.insert(sampleRecord({ publicId: 'elsewhere', cloud: 'other' }));
      await assets.replace(sampleRecord({ publicId: 'b' }));

      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await assets.list({ cloud: 'signet-test', cursor, limit: 2 });
        expect(page.records.length).toBeLessThanOrEqual(2);
        ids.push(...page.records.map((record) => record.publicId));
        cursor = page.nextCursor;
      } while (cursor);
      expect(ids).toEqual(['b', 'e', 'd', 'c', 'a']);
    });

    test('an exact last page has no next cursor; an empty catalogue lists nothing', async () => {
      const assets = await open();
      expect(await assets.list({ cloud: 'signet-test', limit: 10 })).toEqual({ records: [] });
      await assets.insert(sampleRecord({ publicId: 'a' }));
      await assets.insert(sampleRecord({ publicId: 'b' }));
      expect((await assets.list({ cloud: 'signet-test', limit: 2 })).nextCursor).toBeUndefined();
    });

    test('refuses a cursor it did not make with PARAM_INVALID', async () => {
      const assets = await open();
      await expect(assets.list({ cloud: 'signet-test', cursor: 'not-a-cursor', limit: 2 })).rejects.toMatchObject({
        code: 'PARAM_INVALID',
      });
    });

    test('replace clears tags and context unless told to retain them, then adds the new ones', async () => {
      const assets = await open();
      await assets.insert(sampleRecord({ tags: ['a', 'b'], context: { alt: 'old', caption: 'kept' } }));
      const cleared = await assets.replace(sampleRecord({ tags: [], context: {} }));
      expect(cleared.record).toMatchObject({ tags: [], context: {} });

      await assets.replace(sampleRecord({ tags: ['a', 'b'], context: { alt: 'old', caption: 'kept' } }));
      const retained = await assets.replace(sampleRecord({ tags: ['b', 'c'], context: { alt: 'new' } }), {
        retain: { tags: true, context: true },
      });
      expect(retained.record).toMatchObject({ tags: ['a', 'b', 'c'], context: { alt: 'new', caption: 'kept' } });
      expect(await assets.get(retained.record)).toEqual(retained.record);

      const onlyTags = await assets.replace(sampleRecord({ tags: [], context: { x: '1' } }), {
        retain: { tags: true },
      });
      expect(onlyTags.record).toMatchObject({ tags: ['a', 'b', 'c'], context: { x: '1' } });
    });

    test('retaining on a replace that inserts keeps just the new values', async () => {
      const assets = await open();
      const { record } = await assets.replace(sampleRecord({ tags: ['n'] }), {
        retain: { tags: true, context: true },
      });
      expect(record.tags).toEqual(['n']);
    });

    test('setStatus moderates one asset and answers it; a missing one is null', async () => {
      const assets = await open();
      const record = sampleRecord({ status: 'pending' });
      await assets.insert(record);
      expect(await assets.get(record)).toMatchObject({ status: 'pending' });
      expect(await assets.setStatus(record, 'rejected')).toEqual({ ...record, status: 'rejected' });
      expect(await assets.get(record)).toEqual({ ...record, status: 'rejected' });
      expect(await assets.setStatus({ ...record, publicId: 'missing' }, 'approved')).toBeNull();
    });

    test('lists only the statuses asked for, page by page', async () => {
      const assets = await open();
      const statuses = ['active', 'pending', 'approved', 'rejected', 'pending'] as const;
      for (const [index, status] of statuses.entries())
        await assets.insert(sampleRecord({ publicId: `s${index}`, status }));
      const ids = async (status?: AssetStatus[]): Promise<string[]> => {
        const found: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await assets.list({ cloud: 'signet-test', cursor, limit: 1, status });
          found.push(...page.records.map((record) => record.publicId));
          cursor = page.nextCursor;
        } while (cursor);
        return found;
      };
      expect(await ids(['pending'])).toEqual(['s4', 's1']);
      expect(await ids(['active', 'approved', 'pending'])).toEqual(['s4', 's2', 's1', 's0']);
      expect(await ids()).toEqual(['s4', 's3', 's2', 's1', 's0']);
      expect(await ids([])).toEqual([]);
    });

    // Folders, tags and view scopes (issue 4): what GET /api/assets and GET /api/folders ask of the catalogue.
    async function withFolders(): Promise<AssetCatalog> {
      const assets = await open();
      const rows: [publicId: string, folder: string, tags: string[], status?: AssetStatus][] = [
        ['top', '', ['sun']],
        ['users/42/a', 'users/42', ['sun']],
        ['users/42/sub/b', 'users/42/sub', []],
        ['users/420/c', 'users/420', ['sun']],
        ['users/4/d', 'users/4', []],
        ['team_a/e', 'team_a', ['sea']],
        ['teamXa/f', 'teamXa', ['sea']],
        ['users/42/gone', 'users/42', ['sun'], 'rejected'],
      ];
      for (const [publicId, folder, tags, status] of rows)
        await assets.insert(sampleRecord({ publicId, folder, assetFolder: folder, tags, status: status ?? 'active' }));
      await assets.insert(sampleRecord({ publicId: 'users/42/x', folder: 'users/42', cloud: 'other' }));
      return assets;
    }
    const ids = async (assets: AssetCatalog, query: Omit<ListQuery, 'cloud' | 'limit'>): Promise<string[]> => {
      const found: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await assets.list({ cloud: 'signet-test', limit: 2, ...query, cursor });
        found.push(...page.records.map((record) => record.publicId));
        cursor = page.nextCursor;
      } while (cursor);
      return found.sort();
    };

    test('lists one folder exactly, or its subtree by whole path segments, page by page', async () => {
      const assets = await withFolders();
      expect(await ids(assets, { folder: 'users/42' })).toEqual(['users/42/a', 'users/42/gone']);
      expect(await ids(assets, { folder: 'users/42', recursive: true })).toEqual([
        'users/42/a',
        'users/42/gone',
        'users/42/sub/b',
      ]);
      expect(await ids(assets, { folder: '' })).toEqual(['top']);
      expect((await ids(assets, { folder: '', recursive: true })).length).toBe(8);
      expect(await ids(assets, { folder: 'users' })).toEqual([]);
      expect(await ids(assets, { folder: 'team_a', recursive: true })).toEqual(['team_a/e']);
      expect(await ids(assets, { folder: 'Users/42', recursive: true })).toEqual([]);
    });

    test('lists by tag (exact), combined with folder and status', async () => {
      const assets = await withFolders();
      expect(await ids(assets, { tag: 'sun' })).toEqual(['top', 'users/42/a', 'users/42/gone', 'users/420/c']);
      expect(await ids(assets, { tag: 'SUN' })).toEqual([]);
      expect(await ids(assets, { tag: 'su' })).toEqual([]);
      expect(await ids(assets, { tag: 'sun', folder: 'users/42', status: ['active'] })).toEqual(['users/42/a']);
    });

    test('lists only within view scopes, by whole segments; [] is nothing', async () => {
      const assets = await withFolders();
      expect(await ids(assets, { within: ['users/42'] })).toEqual(['users/42/a', 'users/42/gone', 'users/42/sub/b']);
      expect(await ids(assets, { within: ['users/42', 'team_a'] })).toEqual([
        'team_a/e',
        'users/42/a',
        'users/42/gone',
        'users/42/sub/b',
      ]);
      expect(await ids(assets, { within: ['users/42/sub', 'users/4'] })).toEqual(['users/4/d', 'users/42/sub/b']);
      expect(await ids(assets, { within: [] })).toEqual([]);
      expect(await ids(assets, { within: ['users'], folder: 'users/420' })).toEqual(['users/420/c']);
      expect(await ids(assets, { within: ['users/42'], folder: 'users/420' })).toEqual([]);
    });

    test('counts assets per folder, only folders holding a matching asset, sorted', async () => {
      const assets = await withFolders();
      expect(await assets.listFolders({ cloud: 'signet-test' })).toEqual([
        { folder: '', count: 1 },
        { folder: 'teamXa', count: 1 },
        { folder: 'team_a', count: 1 },
        { folder: 'users/4', count: 1 },
        { folder: 'users/42', count: 2 },
        { folder: 'users/42/sub', count: 1 },
        { folder: 'users/420', count: 1 },
      ]);
      expect(
        await assets.listFolders({ cloud: 'signet-test', status: ['active'], within: ['users/42', 'team_a'] }),
      ).toEqual([
        { folder: 'team_a', count: 1 },
        { folder: 'users/42', count: 1 },
        { folder: 'users/42/sub', count: 1 },
      ]);
      expect(await assets.listFolders({ cloud: 'signet-test', within: [] })).toEqual([]);
      expect(await assets.listFolders({ cloud: 'nobody' })).toEqual([]);
    });

    test('concurrent replaces of one key all land, each version above the last, none lost (also across instances)', async () => {
      const [one, two] = await factory.twins();
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          (i % 2 ? one : two).assets.replace(sampleRecord({ etag: `e${i}`, version: 100 })),
        ),
      );
      const versions = results.map((result) => result.record.version).sort((a, b) => a - b);
      expect(versions).toEqual([100, 101, 102, 103, 104, 105, 106, 107]);
      expect(results.filter((result) => result.previous === null)).toHaveLength(1);
      expect((await one.assets.get(sampleRecord()))?.version).toBe(107);
      // Each replace published anew: the asset lists once, with the last write.
      expect((await two.assets.list({ cloud: 'signet-test', limit: 10 })).records.map((r) => r.version)).toEqual([107]);
    });

    test('insert refuses a record whose asset ID or storage key another asset holds', async () => {
      const assets = await open();
      const first = sampleRecord();
      await assets.insert(first);
      expect(await assets.insert(sampleRecord({ publicId: 'other', assetId: first.assetId }))).toBe(false);
      expect(await assets.insert(sampleRecord({ publicId: 'other', storageKey: first.storageKey }))).toBe(false);
      expect(await assets.get({ ...first, publicId: 'other' })).toBeNull();
    });

    // Issue 16: the rest of the Upload API, the Admin API subset and the media library.
    test('update changes tags, context and status atomically from the stored record; version stays', async () => {
      const assets = await open();
      const record = sampleRecord({ tags: ['a'], context: { k: 'v' } });
      await assets.insert(record);
      const updated = await assets.update(record, (stored) => ({ tags: [...stored.tags, 'B'], status: 'approved' }));
      expect(updated).toEqual({ ...record, tags: ['a', 'B'], status: 'approved' });
      expect(await assets.get(record)).toEqual(updated);
      expect(await assets.update(record, () => null)).toEqual(updated);
      expect(await assets.update({ ...record, publicId: 'missing' }, () => ({ tags: [] }))).toBeNull();
      // Concurrent read-modify-writes lose nothing (also across instances).
      const [one, two] = await factory.twins();
      await one.assets.insert(sampleRecord({ publicId: 'race', tags: [] }));
      await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          (i % 2 ? one : two).assets.update({ ...record, publicId: 'race' }, (stored) => ({
            tags: [...stored.tags, `t${i}`],
          })),
        ),
      );
      expect((await one.assets.get({ ...record, publicId: 'race' }))?.tags.sort()).toEqual(
        ['t0', 't1', 't2', 't3', 't4', 't5', 't6', 't7'].sort(),
      );
    });

    test('keeps custom coordinates: inserted, replaced (none replaces some), updated, renamed with the asset', async () => {
      const assets = await open();
      const boxes: AssetRecord['customCoordinates'] = [
        [0, 0, 40, 30],
        [5, 6, 7, 8],
      ];
      const record = sampleRecord({ customCoordinates: boxes });
      await assets.insert(record);
      expect((await assets.get(record))?.customCoordinates).toEqual(boxes);
      const updated = await assets.update(record, () => ({ customCoordinates: [[1, 2, 3, 4]] }));
      expect(updated?.customCoordinates).toEqual([[1, 2, 3, 4]]);
      expect((await assets.get(record))?.customCoordinates).toEqual([[1, 2, 3, 4]]);
      // Tags and context may be retained on a replace; coordinates never are.
      const { record: replaced } = await assets.replace(sampleRecord({ customCoordinates: null }), {
        retain: { tags: true, context: true },
      });
      expect(replaced.customCoordinates).toBeNull();
      expect((await assets.get(record))?.customCoordinates).toBeNull();
      await assets.update(record, () => ({ customCoordinates: [[9, 9, 1, 1]] }));
      await assets.rename(
        record,
        { publicId: 'albums/moved', folder: 'albums', assetFolder: 'albums' },
        { overwrite: false },
      );
      expect((await assets.get({ ...record, publicId: 'albums/moved' }))?.customCoordinates).toEqual([[9, 9, 1, 1]]);
    });

    test('delete removes one record and answers it; a missing one is null', async () => {
      const assets = await open();
      const record = sampleRecord();
      await assets.insert(record);
      await assets.insert(sampleRecord({ publicId: 'other' }));
      expect(await assets.delete(record)).toEqual(record);
      expect(await assets.get(record)).toBeNull();
      expect(await assets.delete(record)).toBeNull();
      expect((await assets.list({ cloud: 'signet-test', limit: 10 })).records.map((r) => r.publicId)).toEqual([
        'other',
      ]);
    });

    test('rename moves a record (asset ID, version, bytes stay); a held target needs overwrite', async () => {
      const assets = await open();
      const record = sampleRecord({ publicId: 'a/x', folder: 'a', assetFolder: 'a' });
      const held = sampleRecord({ publicId: 'b/y', folder: 'b', assetFolder: 'b' });
      await assets.insert(record);
      await assets.insert(held);
      const to = { publicId: 'b/y', folder: 'b', assetFolder: 'b' };
      expect(await assets.rename(record, to, { overwrite: false })).toEqual({ status: 'taken', existing: held });
      expect(await assets.get(record)).toEqual(record);

      const moved = await assets.rename(record, to, { overwrite: true });
      expect(moved).toEqual({ status: 'renamed', record: { ...record, ...to }, replaced: held });
      expect(await assets.get(record)).toBeNull();
      expect(await assets.get(held)).toEqual({ ...record, ...to });
      expect(await assets.rename(record, to, { overwrite: true })).toEqual({ status: 'missing' });

      const free = { publicId: 'c/z', folder: 'c', assetFolder: 'c' };
      expect(await assets.rename({ ...record, publicId: 'b/y' }, free, { overwrite: false })).toMatchObject({
        status: 'renamed',
        replaced: null,
      });
      expect((await assets.list({ cloud: 'signet-test', limit: 10, search: 'c/z' })).records).toHaveLength(1);
    });

    test('concurrent renames onto one free public ID: exactly one lands, across instances', async () => {
      const [one, two] = await factory.twins();
      for (const id of ['r0', 'r1', 'r2', 'r3']) await one.assets.insert(sampleRecord({ publicId: id }));
      const to = { publicId: 'target', folder: '', assetFolder: '' };
      const results = await Promise.all(
        ['r0', 'r1', 'r2', 'r3'].map((id, i) =>
          (i % 2 ? one : two).assets.rename(sampleRecord({ publicId: id }), to, { overwrite: false }),
        ),
      );
      expect(results.filter((result) => result.status === 'renamed')).toHaveLength(1);
      expect(results.filter((result) => result.status === 'taken')).toHaveLength(3);
      expect((await one.assets.list({ cloud: 'signet-test', limit: 10 })).records).toHaveLength(4);
    });

    test('usage counts assets and bytes per resource type of one cloud', async () => {
      const assets = await open();
      expect(await assets.usage('signet-test')).toEqual([]);
      await assets.insert(sampleRecord({ publicId: 'i1', bytes: 100 }));
      await assets.insert(sampleRecord({ publicId: 'i2', bytes: 2 ** 33 }));
      await assets.insert(sampleRecord({ publicId: 'r1', resourceType: 'raw', bytes: 7 }));
      await assets.insert(sampleRecord({ publicId: 'x', cloud: 'other', bytes: 1000 }));
      expect(await assets.usage('signet-test')).toEqual([
        { resourceType: 'image', count: 2, bytes: 100 + 2 ** 33 },
        { resourceType: 'raw', count: 1, bytes: 7 },
      ]);
    });

    test('searches public ID, display name and file name ignoring case (also beyond ASCII); tags too', async () => {
      const assets = await open();
      const rows: [string, string, string, string[]][] = [
        ['trip/Beach_Day', 'Beach day', 'IMG_001', ['Sunny', 'Été']],
        ['trip/night', 'Nuit ÉTOILÉE', 'img_002', ['sunny']],
        ['docs/plan_b', 'plan', 'Plan%B', ['work']],
      ];
      for (const [publicId, displayName, originalFilename, tags] of rows)
        await assets.insert(sampleRecord({ publicId, displayName, originalFilename, tags }));
      const found = async (query: Partial<ListQuery>) =>
        (await assets.list({ cloud: 'signet-test', limit: 10, ...query })).records.map((r) => r.publicId).sort();
      expect(await found({ search: 'BEACH' })).toEqual(['trip/Beach_Day']);
      expect(await found({ search: 'étoilée' })).toEqual(['trip/night']);
      expect(await found({ search: 'img_00' })).toEqual(['trip/Beach_Day', 'trip/night']);
      expect(await found({ search: 'n_b' })).toEqual(['docs/plan_b']);
      expect(await found({ search: '%' })).toEqual(['docs/plan_b']);
      expect(await found({ search: 'trip/night\nnuit' })).toEqual([]);
      expect(await found({ tagAnyCase: 'SUNNY' })).toEqual(['trip/Beach_Day', 'trip/night']);
      expect(await found({ tagAnyCase: 'été' })).toEqual(['trip/Beach_Day']);
      expect(await found({ tagAnyCase: 'sun' })).toEqual([]);
      expect(await found({ tag: 'sunny' })).toEqual(['trip/night']);
      // Folder counts take the same filters.
      expect(await assets.listFolders({ cloud: 'signet-test', tagAnyCase: 'sunny', search: 'night' })).toEqual([
        { folder: 'albums', count: 1 },
      ]);
      // Tags changed later are searched as they are now.
      await assets.update(sampleRecord({ publicId: 'docs/plan_b' }), () => ({ tags: ['SUNNY'] }));
      expect(await found({ tagAnyCase: 'sunny' })).toEqual(['docs/plan_b', 'trip/Beach_Day', 'trip/night']);
    });

    test('filters by resource type and by public ID prefix (literal)', async () => {
      const assets = await open();
      for (const [publicId, resourceType] of [
        ['a_b/1', 'image'],
        ['aXb/2', 'image'],
        ['a_b/3', 'raw'],
        ['a_b', 'image'],
      ] as const)
        await assets.insert(sampleRecord({ publicId, resourceType }));
      const found = async (query: Partial<ListQuery>) =>
        (await assets.list({ cloud: 'signet-test', limit: 10, ...query })).records.map((r) => r.publicId).sort();
      expect(await found({ prefix: 'a_b/' })).toEqual(['a_b/1', 'a_b/3']);
      expect(await found({ prefix: 'a_b', resourceType: 'image' })).toEqual(['a_b', 'a_b/1']);
      expect(await found({ resourceType: 'raw' })).toEqual(['a_b/3']);
      expect(await found({ resourceType: 'video' })).toEqual([]);
    });

    test('orders by public ID (byte order) or size, either way, page by page; cursors belong to their order', async () => {
      const assets = await open();
      const rows: [string, number][] = [
        ['b', 30],
        ['B', 10],
        ['a', 30],
        ['é', 20],
        ['c', 10],
      ];
      for (const [publicId, bytes] of rows) await assets.insert(sampleRecord({ publicId, bytes }));
      const all = async (order: AssetOrder): Promise<string[]> => {
        const found: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await assets.list({ cloud: 'signet-test', limit: 2, order, cursor });
          found.push(...page.records.map((record) => record.publicId));
          cursor = page.nextCursor;
        } while (cursor);
        return found;
      };
      expect(await all({ by: 'public_id', direction: 'asc' })).toEqual(['B', 'a', 'b', 'c', 'é']);
      expect(await all({ by: 'public_id', direction: 'desc' })).toEqual(['é', 'c', 'b', 'a', 'B']);
      // Equal sizes keep publication order as the tie-break.
      expect(await all({ by: 'bytes', direction: 'desc' })).toEqual(['a', 'b', 'é', 'c', 'B']);
      expect(await all({ by: 'bytes', direction: 'asc' })).toEqual(['B', 'c', 'é', 'b', 'a']);
      expect(await all({ by: 'published', direction: 'asc' })).toEqual(['b', 'B', 'a', 'é', 'c']);
      expect(await all({ by: 'published', direction: 'desc' })).toEqual(['c', 'é', 'a', 'B', 'b']);

      const first = await assets.list({ cloud: 'signet-test', limit: 2, order: { by: 'bytes', direction: 'asc' } });
      await expect(
        assets.list({ cloud: 'signet-test', limit: 2, cursor: first.nextCursor, order: NEWEST_FIRST }),
      ).rejects.toMatchObject({ code: 'PARAM_INVALID' });
    });

    test('folder and scope prefixes are literal: "_" and "%" match only themselves, "é" by character', async () => {
      const assets = await open();
      for (const folder of ['a_b', 'aXb', 'a%b', 'aYYb', 'été', 'été/sous'])
        await assets.insert(sampleRecord({ publicId: `${folder}/x`, folder, assetFolder: folder }));
      const within = async (scope: string) =>
        (await assets.list({ cloud: 'signet-test', limit: 10, within: [scope] })).records.map((r) => r.folder).sort();
      expect(await within('a_b')).toEqual(['a_b']);
      expect(await within('a%b')).toEqual(['a%b']);
      expect(await within('été')).toEqual(['été', 'été/sous']);
      expect(await assets.listFolders({ cloud: 'signet-test', within: ['a_b', 'été'] })).toEqual([
        { folder: 'a_b', count: 1 },
        { folder: 'été', count: 1 },
        { folder: 'été/sous', count: 1 },
      ]);
    });
  });
}

export function describePresetCatalogContract(name: string, factory: CatalogFactory): void {
  describe(`PresetCatalog contract: ${name}`, () => {
    const open = async (): Promise<PresetCatalog> => (await factory.fresh()).presets;

    test('stores presets per cloud: create, replace, get, list by name, delete', async () => {
      const presets = await open();
      const ugc: UploadPreset = { name: 'ugc', unsigned: true, folder: 'ugc', tags: ['a'], moderation: 'manual' };
      expect(await presets.get('signet-test', 'ugc')).toBeNull();
      expect(await presets.put('signet-test', ugc)).toBe(true);
      expect(await presets.put('signet-test', { name: 'avatars', unsigned: false, max_file_size: 10 })).toBe(true);
      expect(await presets.put('other', { name: 'elsewhere', unsigned: false })).toBe(true);
      expect(await presets.get('signet-test', 'ugc')).toEqual(ugc);

      const replaced: UploadPreset = { name: 'ugc', unsigned: false, overwrite: true };
      expect(await presets.put('signet-test', replaced)).toBe(false);
      expect(await presets.get('signet-test', 'ugc')).toEqual(replaced);
      expect((await presets.list('signet-test')).map((preset) => preset.name)).toEqual(['avatars', 'ugc']);

      expect(await presets.delete('signet-test', 'ugc')).toBe(true);
      expect(await presets.delete('signet-test', 'ugc')).toBe(false);
      expect(await presets.get('signet-test', 'ugc')).toBeNull();
      expect(await presets.get('other', 'elsewhere')).not.toBeNull();
    });

    test('lists names in byte order, whatever the database collation', async () => {
      const presets = await open();
      for (const name of ['b', 'B', 'a', 'é', 'Z', '_x']) await presets.put('signet-test', { name, unsigned: false });
      expect((await presets.list('signet-test')).map((preset) => preset.name)).toEqual(['B', 'Z', '_x', 'a', 'b', 'é']);
    });
  });
}

export function describeSignatureLedgerContract(name: string, factory: CatalogFactory): void {
  describe(`SignatureLedger contract: ${name}`, () => {
    const open = async (): Promise<SignatureLedger> => (await factory.fresh()).signatures;
    const bob = { id: 'bob', role: 'contributor' } as const;
    const ann = { id: 'ann', role: 'admin' } as const;

    test('counts every issuance, to the same user or another, in any letter case; signers distinct and sorted', async () => {
      const ledger = await open();
      expect(await ledger.issued('abc123')).toEqual({ count: 0, signers: [] });
      await ledger.issue('ABC123', bob, 1000);
      await ledger.issue('abc123', bob, 1000);
      await ledger.issue('abc123', ann, 1000);
      expect(await ledger.issued('AbC123')).toEqual({ count: 3, signers: [ann, bob] });
      expect(await ledger.issued('abc1234')).toEqual({ count: 0, signers: [] });
    });

    test('a signer issued the signature again keeps the role it had at the last issuance', async () => {
      const ledger = await open();
      await ledger.issue('abc123', bob, 1000);
      await ledger.issue('abc123', { id: 'bob', role: 'admin' }, 1000);
      expect(await ledger.issued('abc123')).toEqual({ count: 2, signers: [{ id: 'bob', role: 'admin' }] });
    });

    test('spends up to `allowed` uses, in any letter case; a refused spend writes nothing', async () => {
      const ledger = await open();
      expect(await ledger.spend('abc123', 1, 1000)).toBe(true);
      expect(await ledger.spend('ABC123', 1, 1000)).toBe(false);
      // Allowed more (the signature was issued again), it may be spent again, once per new allowance.
      expect(await ledger.spend('abc123', 2, 1000)).toBe(true);
      expect(await ledger.spend('abc123', 2, 1000)).toBe(false);
      expect(await ledger.spend('abc123', 2, 1000)).toBe(false);
      expect(await ledger.spend('abc123', 3, 1000)).toBe(true);
    });

    test('tells how many uses were spent, in any letter case, without spending', async () => {
      const ledger = await open();
      expect(await ledger.used('abc123')).toBe(0);
      await ledger.spend('abc123', 5, 1000);
      await ledger.spend('ABC123', 5, 1000);
      expect(await ledger.used('Abc123')).toBe(2);
      expect(await ledger.used('abc123')).toBe(2);
    });

    test('spends nothing when nothing is allowed', async () => {
      const ledger = await open();
      expect(await ledger.spend('abc123', 0, 1000)).toBe(false);
      expect(await ledger.spend('abc123', 1, 1000)).toBe(true);
    });

    test('signatures are counted apart', async () => {
      const ledger = await open();
      expect(await ledger.spend('aaaa', 1, 1000)).toBe(true);
      expect(await ledger.spend('bbbb', 1, 1000)).toBe(true);
      await ledger.issue('aaaa', bob, 1000);
      expect((await ledger.issued('bbbb')).count).toBe(0);
    });

    test('purges issuances and uses that expired before `now`, and only those; counts rows', async () => {
      const ledger = await open();
      await ledger.issue('old', bob, 1000);
      await ledger.issue('old', ann, 1000);
      await ledger.issue('new', bob, 3000);
      await ledger.spend('old', 1, 1000);
      await ledger.spend('new', 1, 3000);
      expect(await ledger.purge(1000)).toBe(0);
      expect(await ledger.purge(1001)).toBe(3);
      expect(await ledger.issued('old')).toEqual({ count: 0, signers: [] });
      expect(await ledger.issued('new')).toEqual({ count: 1, signers: [bob] });
      // Forgotten: a use of it counts from zero again (the window check refuses it long before).
      expect(await ledger.spend('old', 1, 1000)).toBe(true);
      expect(await ledger.spend('new', 1, 3000)).toBe(false);
    });

    test('a later issuance or use extends how long it is remembered, an earlier one never shortens it', async () => {
      const ledger = await open();
      await ledger.issue('sig', bob, 3000);
      await ledger.issue('sig', bob, 1000);
      await ledger.spend('sig', 2, 3000);
      await ledger.spend('sig', 2, 1000);
      expect(await ledger.purge(2000)).toBe(0);
      expect(await ledger.issued('sig')).toEqual({ count: 2, signers: [bob] });
      expect(await ledger.spend('sig', 2, 3000)).toBe(false);
    });

    test('spends exactly `allowed` uses when many requests race, across instances', async () => {
      const [one, two] = await factory.twins();
      const spent = await Promise.all(
        Array.from({ length: 12 }, (_, i) => (i % 2 ? one : two).signatures.spend('abc123', 3, 1000)),
      );
      expect(spent.filter(Boolean)).toHaveLength(3);
      expect(await one.signatures.spend('abc123', 3, 1000)).toBe(false);
    });

    test('counts every issuance when many race, across instances', async () => {
      const [one, two] = await factory.twins();
      await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 ? one : two).signatures.issue('abc123', bob, 1000)),
      );
      expect(await two.signatures.issued('abc123')).toEqual({ count: 10, signers: [bob] });
    });
  });
}

export function describeUserDirectoryContract(name: string, factory: CatalogFactory): void {
  describe(`UserDirectory contract: ${name}`, () => {
    const open = async (): Promise<UserDirectory> => (await factory.fresh()).users;
    const bobEntry = {
      id: 'bob',
      role: 'contributor',
      grants: [{ folder: 'users/42', access: 'can_contribute' }],
    } as const;

    test('keeps users with their grants: create, change role (grants stay), grant, revoke, delete', async () => {
      const users = await open();
      expect(await users.get('bob')).toBeNull();
      expect(await users.putGrant('bob', { folder: 'users/42', access: 'can_view' })).toBe(false);
      expect(await users.put('bob', 'contributor')).toBe(true);
      expect(await users.put('ann', 'admin')).toBe(true);
      expect(await users.putGrant('bob', { folder: 'users/42', access: 'can_view' })).toBe(true);
      expect(await users.putGrant('bob', { folder: 'team', access: 'can_contribute' })).toBe(true);
      expect(await users.putGrant('bob', { folder: 'users/42', access: 'can_contribute' })).toBe(true);
      const bob = {
        id: 'bob',
        role: 'contributor',
        grants: [
          { folder: 'team', access: 'can_contribute' },
          { folder: 'users/42', access: 'can_contribute' },
        ],
      };
      expect(await users.get('bob')).toEqual(bob);
      expect(await users.put('bob', 'admin')).toBe(false);
      expect(await users.get('bob')).toEqual({ ...bob, role: 'admin' });
      expect(await users.list()).toEqual([
        { id: 'ann', role: 'admin', grants: [] },
        { ...bob, role: 'admin' },
      ]);

      expect(await users.deleteGrant('bob', 'team')).toBe(true);
      expect(await users.deleteGrant('bob', 'team')).toBe(false);
      expect((await users.get('bob'))?.grants).toEqual([{ folder: 'users/42', access: 'can_contribute' }]);
      expect(await users.delete('bob')).toBe(true);
      expect(await users.delete('bob')).toBe(false);
      expect(await users.get('bob')).toBeNull();
      // A user created again under the same id starts without the old grants.
      await users.put('bob', 'contributor');
      expect(await users.get('bob')).toEqual({ id: 'bob', role: 'contributor', grants: [] });
    });

    test('remembers a user deleted through it until it is created again', async () => {
      const users = await open();
      expect(await users.delete('bob')).toBe(false);
      expect(await users.deleted('bob')).toBe(false);
      await users.put('bob', 'contributor');
      expect(await users.deleted('bob')).toBe(false);
      expect(await users.delete('bob')).toBe(true);
      expect(await users.deleted('bob')).toBe(true);
      expect(await users.put('bob', 'admin')).toBe(true);
      expect(await users.deleted('bob')).toBe(false);
    });

    test('applies a config entry: the user gets its role and exactly its grants; the same entry again writes nothing', async () => {
      const users = await open();
      await users.put('bob', 'admin');
      await users.putGrant('bob', { folder: 'old', access: 'can_view' });
      expect(await users.applyConfig(bobEntry, 'd1')).toBe(true);
      expect(await users.get('bob')).toEqual(bobEntry);
      expect(await users.applyConfig(bobEntry, 'd1')).toBe(false);
      expect(await users.get('bob')).toEqual(bobEntry);
    });

    test('an entry without grants leaves the grants as they are', async () => {
      const users = await open();
      await users.put('cy', 'admin');
      await users.putGrant('cy', { folder: 'cy', access: 'can_contribute' });
      expect(await users.applyConfig({ id: 'cy', role: 'contributor' }, 'd1')).toBe(true);
      expect(await users.get('cy')).toEqual({
        id: 'cy',
        role: 'contributor',
        grants: [{ folder: 'cy', access: 'can_contribute' }],
      });
    });

    test('changes made through it after an entry was applied stand until the entry changes', async () => {
      const users = await open();
      await users.applyConfig(bobEntry, 'd1');
      await users.put('bob', 'admin');
      await users.deleteGrant('bob', 'users/42');
      await users.putGrant('bob', { folder: 'team', access: 'can_view' });
      const changed = { id: 'bob', role: 'admin', grants: [{ folder: 'team', access: 'can_view' }] };
      expect(await users.applyConfig(bobEntry, 'd1')).toBe(false);
      expect(await users.get('bob')).toEqual(changed);

      expect(await users.applyConfig(bobEntry, 'd2')).toBe(true);
      expect(await users.get('bob')).toEqual(bobEntry);
    });

    test('a user deleted through it stays deleted until its entry changes; then the entry brings it back', async () => {
      const users = await open();
      await users.applyConfig(bobEntry, 'd1');
      await users.delete('bob');
      expect(await users.applyConfig(bobEntry, 'd1')).toBe(false);
      expect(await users.get('bob')).toBeNull();
      expect(await users.deleted('bob')).toBe(true);

      expect(await users.applyConfig(bobEntry, 'd2')).toBe(true);
      expect(await users.get('bob')).toEqual(bobEntry);
      expect(await users.deleted('bob')).toBe(false);
    });

    test('forgets the entries of users no longer named, so naming one again applies it again', async () => {
      const users = await open();
      await users.applyConfig(bobEntry, 'd1');
      await users.applyConfig({ id: 'ann', role: 'admin' }, 'a1');
      await users.delete('bob');
      await users.delete('ann');
      expect(await users.forgetConfig(['ann'])).toBe(1);
      expect(await users.applyConfig({ id: 'ann', role: 'admin' }, 'a1')).toBe(false);
      expect(await users.applyConfig(bobEntry, 'd1')).toBe(true);
      expect(await users.get('bob')).toEqual(bobEntry);
      expect(await users.forgetConfig([])).toBe(2);
    });

    test('grants of a user created or deleted concurrently by another instance never outlive it', async () => {
      const [one, two] = await factory.twins();
      await one.users.put('bob', 'contributor');
      await Promise.all([
        two.users.delete('bob'),
        ...Array.from({ length: 6 }, (_, i) => one.users.putGrant('bob', { folder: `f${i}`, access: 'can_view' })),
      ]);
      // Whatever won, no grant outlived the user: created again, it starts without any.
      expect(await one.users.get('bob')).toBeNull();
      await one.users.put('bob', 'contributor');
      expect(await two.users.list()).toEqual([{ id: 'bob', role: 'contributor', grants: [] }]);
    });

    test('lists ids and folders in byte order, whatever the database collation', async () => {
      const users = await open();
      for (const id of ['b', 'B', 'a', 'Z']) await users.put(id, 'contributor');
      for (const folder of ['b', 'B', 'é', '_x']) await users.putGrant('a', { folder, access: 'can_view' });
      expect((await users.list()).map((user) => user.id)).toEqual(['B', 'Z', 'a', 'b']);
      expect((await users.get('a'))?.grants.map((grant) => grant.folder)).toEqual(['B', '_x', 'b', 'é']);
    });
  });
}
