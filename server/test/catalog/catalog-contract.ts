// The conformance suite every Catalog adapter must pass (SQLite today; PostgreSQL next).
import { randomBytes } from 'node:crypto';
import { describe, expect, onTestFinished, test } from 'vitest';
import type { AssetRecord, AssetStatus, ListQuery } from '../../src/catalog/catalog.js';
import type { FlatCatalog as Catalog } from '../../src/catalog/legacy.js';
import type { UploadPreset } from '../../src/presets/definition.js';

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
    createdAt: '2025-11-27T06:00:00Z',
    status: 'active',
    ...overrides,
  };
}

export function describeCatalogContract(name: string, factory: () => Promise<Catalog>): void {
  describe(`Catalog contract: ${name}`, () => {
    async function open(): Promise<Catalog> {
      const catalog = await factory();
      onTestFinished(() => catalog.close());
      return catalog;
    }

    test('inserts a record and gets it back whole', async () => {
      const catalog = await open();
      const record = sampleRecord();
      expect(await catalog.insert(record)).toBe(true);
      expect(await catalog.get(record)).toEqual(record);
    });

    test('insert is create-only: a taken key returns false and keeps the first record', async () => {
      const catalog = await open();
      const first = sampleRecord();
      await catalog.insert(first);
      expect(await catalog.insert(sampleRecord({ etag: 'other' }))).toBe(false);
      expect(await catalog.get(first)).toEqual(first);
    });

    test('keys are cloud + resource type + public ID', async () => {
      const catalog = await open();
      await catalog.insert(sampleRecord());
      expect(await catalog.get({ cloud: 'signet-test', resourceType: 'video', publicId: 'albums/photo' })).toBeNull();
      expect(await catalog.get({ cloud: 'other', resourceType: 'image', publicId: 'albums/photo' })).toBeNull();
      expect(await catalog.get({ cloud: 'signet-test', resourceType: 'image', publicId: 'albums/PHOTO' })).toBeNull();
      expect(await catalog.insert(sampleRecord({ resourceType: 'raw' }))).toBe(true);
    });

    test('replace returns the previous record and always moves the version forward', async () => {
      const catalog = await open();
      const first = sampleRecord();
      await catalog.insert(first);
      const same = await catalog.replace(sampleRecord({ version: first.version, etag: 'second' }));
      expect(same.previous).toEqual(first);
      expect(same.record.version).toBe(first.version + 1);
      expect(await catalog.get(first)).toEqual(same.record);

      const later = await catalog.replace(sampleRecord({ version: first.version + 100, etag: 'third' }));
      expect(later.record.version).toBe(first.version + 100);
      expect(later.previous?.etag).toBe('second');
    });

    test('replace of a missing key inserts it', async () => {
      const catalog = await open();
      const record = sampleRecord();
      expect(await catalog.replace(record)).toEqual({ record, previous: null });
    });

    test('lists one cloud newest first (a replaced asset counts as new), page by page', async () => {
      const catalog = await open();
      for (const id of ['a', 'b', 'c', 'd', 'e']) await catalog.insert(sampleRecord({ publicId: id }));
      await catalog.insert(sampleRecord({ publicId: 'elsewhere', cloud: 'other' }));
      await catalog.replace(sampleRecord({ publicId: 'b' }));

      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await catalog.list({ cloud: 'signet-test', cursor, limit: 2 });
        expect(page.records.length).toBeLessThanOrEqual(2);
        ids.push(...page.records.map((record) => record.publicId));
        cursor = page.nextCursor;
      } while (cursor);
      expect(ids).toEqual(['b', 'e', 'd', 'c', 'a']);
    });

    test('an exact last page has no next cursor; an empty catalogue lists nothing', async () => {
      const catalog = await open();
      expect(await catalog.list({ cloud: 'signet-test', limit: 10 })).toEqual({ records: [] });
      await catalog.insert(sampleRecord({ publicId: 'a' }));
      await catalog.insert(sampleRecord({ publicId: 'b' }));
      expect((await catalog.list({ cloud: 'signet-test', limit: 2 })).nextCursor).toBeUndefined();
    });

    test('refuses a cursor it did not make with PARAM_INVALID', async () => {
      const catalog = await open();
      await expect(catalog.list({ cloud: 'signet-test', cursor: 'not-a-cursor', limit: 2 })).rejects.toMatchObject({
        code: 'PARAM_INVALID',
      });
    });

    test('replace clears tags and context unless told to retain them, then adds the new ones', async () => {
      const catalog = await open();
      await catalog.insert(sampleRecord({ tags: ['a', 'b'], context: { alt: 'old', caption: 'kept' } }));
      const cleared = await catalog.replace(sampleRecord({ tags: [], context: {} }));
      expect(cleared.record).toMatchObject({ tags: [], context: {} });

      await catalog.replace(sampleRecord({ tags: ['a', 'b'], context: { alt: 'old', caption: 'kept' } }));
      const retained = await catalog.replace(sampleRecord({ tags: ['b', 'c'], context: { alt: 'new' } }), {
        retain: { tags: true, context: true },
      });
      expect(retained.record).toMatchObject({ tags: ['a', 'b', 'c'], context: { alt: 'new', caption: 'kept' } });
      expect(await catalog.get(retained.record)).toEqual(retained.record);

      const onlyTags = await catalog.replace(sampleRecord({ tags: [], context: { x: '1' } }), {
        retain: { tags: true },
      });
      expect(onlyTags.record).toMatchObject({ tags: ['a', 'b', 'c'], context: { x: '1' } });
    });

    test('retaining on a replace that inserts keeps just the new values', async () => {
      const catalog = await open();
      const { record } = await catalog.replace(sampleRecord({ tags: ['n'] }), {
        retain: { tags: true, context: true },
      });
      expect(record.tags).toEqual(['n']);
    });

    test('setStatus moderates one asset and answers it; a missing one is null', async () => {
      const catalog = await open();
      const record = sampleRecord({ status: 'pending' });
      await catalog.insert(record);
      expect(await catalog.get(record)).toMatchObject({ status: 'pending' });
      expect(await catalog.setStatus(record, 'rejected')).toEqual({ ...record, status: 'rejected' });
      expect(await catalog.get(record)).toEqual({ ...record, status: 'rejected' });
      expect(await catalog.setStatus({ ...record, publicId: 'missing' }, 'approved')).toBeNull();
    });

    test('lists only the statuses asked for, page by page', async () => {
      const catalog = await open();
      const statuses = ['active', 'pending', 'approved', 'rejected', 'pending'] as const;
      for (const [index, status] of statuses.entries())
        await catalog.insert(sampleRecord({ publicId: `s${index}`, status }));
      const ids = async (status?: AssetStatus[]): Promise<string[]> => {
        const found: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await catalog.list({ cloud: 'signet-test', cursor, limit: 1, status });
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

    test('stores presets per cloud: create, replace, get, list by name, delete', async () => {
      const catalog = await open();
      const ugc: UploadPreset = { name: 'ugc', unsigned: true, folder: 'ugc', tags: ['a'], moderation: 'manual' };
      expect(await catalog.getPreset('signet-test', 'ugc')).toBeNull();
      expect(await catalog.putPreset('signet-test', ugc)).toBe(true);
      expect(await catalog.putPreset('signet-test', { name: 'avatars', unsigned: false, max_file_size: 10 })).toBe(
        true,
      );
      expect(await catalog.putPreset('other', { name: 'elsewhere', unsigned: false })).toBe(true);
      expect(await catalog.getPreset('signet-test', 'ugc')).toEqual(ugc);

      const replaced: UploadPreset = { name: 'ugc', unsigned: false, overwrite: true };
      expect(await catalog.putPreset('signet-test', replaced)).toBe(false);
      expect(await catalog.getPreset('signet-test', 'ugc')).toEqual(replaced);
      expect((await catalog.listPresets('signet-test')).map((preset) => preset.name)).toEqual(['avatars', 'ugc']);

      expect(await catalog.deletePreset('signet-test', 'ugc')).toBe(true);
      expect(await catalog.deletePreset('signet-test', 'ugc')).toBe(false);
      expect(await catalog.getPreset('signet-test', 'ugc')).toBeNull();
      expect(await catalog.getPreset('other', 'elsewhere')).not.toBeNull();
    });

    test('records a signature once until it is purged after expiry', async () => {
      const catalog = await open();
      expect(await catalog.useSignature('abc123', 1000)).toBe(true);
      expect(await catalog.useSignature('abc123', 1000)).toBe(false);
      expect(await catalog.useSignature('ABC123', 1000)).toBe(false);
      expect(await catalog.purgeSignatures(1000)).toBe(0);
      expect(await catalog.purgeSignatures(1001)).toBe(1);
      expect(await catalog.useSignature('abc123', 2000)).toBe(true);
    });

    // Folders, tags and view scopes (issue 4): what GET /api/assets and GET /api/folders ask of the catalogue.
    async function withFolders(): Promise<Catalog> {
      const catalog = await open();
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
        await catalog.insert(sampleRecord({ publicId, folder, assetFolder: folder, tags, status: status ?? 'active' }));
      await catalog.insert(sampleRecord({ publicId: 'users/42/x', folder: 'users/42', cloud: 'other' }));
      return catalog;
    }
    const ids = async (catalog: Catalog, query: Omit<ListQuery, 'cloud' | 'limit'>): Promise<string[]> => {
      const found: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await catalog.list({ cloud: 'signet-test', limit: 2, ...query, cursor });
        found.push(...page.records.map((record) => record.publicId));
        cursor = page.nextCursor;
      } while (cursor);
      return found.sort();
    };

    test('lists one folder exactly, or its subtree by whole path segments, page by page', async () => {
      const catalog = await withFolders();
      expect(await ids(catalog, { folder: 'users/42' })).toEqual(['users/42/a', 'users/42/gone']);
      expect(await ids(catalog, { folder: 'users/42', recursive: true })).toEqual([
        'users/42/a',
        'users/42/gone',
        'users/42/sub/b',
      ]);
      expect(await ids(catalog, { folder: '' })).toEqual(['top']);
      expect((await ids(catalog, { folder: '', recursive: true })).length).toBe(8);
      expect(await ids(catalog, { folder: 'users' })).toEqual([]);
      expect(await ids(catalog, { folder: 'team_a', recursive: true })).toEqual(['team_a/e']);
      expect(await ids(catalog, { folder: 'Users/42', recursive: true })).toEqual([]);
    });

    test('lists by tag (exact), combined with folder and status', async () => {
      const catalog = await withFolders();
      expect(await ids(catalog, { tag: 'sun' })).toEqual(['top', 'users/42/a', 'users/42/gone', 'users/420/c']);
      expect(await ids(catalog, { tag: 'SUN' })).toEqual([]);
      expect(await ids(catalog, { tag: 'su' })).toEqual([]);
      expect(await ids(catalog, { tag: 'sun', folder: 'users/42', status: ['active'] })).toEqual(['users/42/a']);
    });

    test('lists only within view scopes, by whole segments; [] is nothing', async () => {
      const catalog = await withFolders();
      expect(await ids(catalog, { within: ['users/42'] })).toEqual(['users/42/a', 'users/42/gone', 'users/42/sub/b']);
      expect(await ids(catalog, { within: ['users/42', 'team_a'] })).toEqual([
        'team_a/e',
        'users/42/a',
        'users/42/gone',
        'users/42/sub/b',
      ]);
      expect(await ids(catalog, { within: ['users/42/sub', 'users/4'] })).toEqual(['users/4/d', 'users/42/sub/b']);
      expect(await ids(catalog, { within: [] })).toEqual([]);
      expect(await ids(catalog, { within: ['users'], folder: 'users/420' })).toEqual(['users/420/c']);
      expect(await ids(catalog, { within: ['users/42'], folder: 'users/420' })).toEqual([]);
    });

    test('counts assets per folder, only folders holding a matching asset, sorted', async () => {
      const catalog = await withFolders();
      expect(await catalog.listFolders({ cloud: 'signet-test' })).toEqual([
        { folder: '', count: 1 },
        { folder: 'teamXa', count: 1 },
        { folder: 'team_a', count: 1 },
        { folder: 'users/4', count: 1 },
        { folder: 'users/42', count: 2 },
        { folder: 'users/42/sub', count: 1 },
        { folder: 'users/420', count: 1 },
      ]);
      expect(
        await catalog.listFolders({ cloud: 'signet-test', status: ['active'], within: ['users/42', 'team_a'] }),
      ).toEqual([
        { folder: 'team_a', count: 1 },
        { folder: 'users/42', count: 1 },
        { folder: 'users/42/sub', count: 1 },
      ]);
      expect(await catalog.listFolders({ cloud: 'signet-test', within: [] })).toEqual([]);
      expect(await catalog.listFolders({ cloud: 'nobody' })).toEqual([]);
    });

    test('keeps users with their grants: create, change role (grants stay), grant, revoke, delete', async () => {
      const catalog = await open();
      expect(await catalog.getUser('bob')).toBeNull();
      expect(await catalog.putGrant('bob', { folder: 'users/42', access: 'can_view' })).toBe(false);
      expect(await catalog.putUser('bob', 'contributor')).toBe(true);
      expect(await catalog.putUser('ann', 'admin')).toBe(true);
      expect(await catalog.putGrant('bob', { folder: 'users/42', access: 'can_view' })).toBe(true);
      expect(await catalog.putGrant('bob', { folder: 'team', access: 'can_contribute' })).toBe(true);
      expect(await catalog.putGrant('bob', { folder: 'users/42', access: 'can_contribute' })).toBe(true);
      const bob = {
        id: 'bob',
        role: 'contributor',
        grants: [
          { folder: 'team', access: 'can_contribute' },
          { folder: 'users/42', access: 'can_contribute' },
        ],
      };
      expect(await catalog.getUser('bob')).toEqual(bob);
      expect(await catalog.putUser('bob', 'admin')).toBe(false);
      expect(await catalog.getUser('bob')).toEqual({ ...bob, role: 'admin' });
      expect(await catalog.listUsers()).toEqual([
        { id: 'ann', role: 'admin', grants: [] },
        { ...bob, role: 'admin' },
      ]);

      expect(await catalog.deleteGrant('bob', 'team')).toBe(true);
      expect(await catalog.deleteGrant('bob', 'team')).toBe(false);
      expect((await catalog.getUser('bob'))?.grants).toEqual([{ folder: 'users/42', access: 'can_contribute' }]);
      expect(await catalog.deleteUser('bob')).toBe(true);
      expect(await catalog.deleteUser('bob')).toBe(false);
      expect(await catalog.getUser('bob')).toBeNull();
      // A user created again under the same id starts without the old grants.
      await catalog.putUser('bob', 'contributor');
      expect(await catalog.getUser('bob')).toEqual({ id: 'bob', role: 'contributor', grants: [] });
    });

    test('records whom a signature was issued to, in any letter case, until it is purged after expiry', async () => {
      const catalog = await open();
      expect(await catalog.issuedTo('abc123')).toEqual([]);
      await catalog.issueSignature('ABC123', { id: 'bob', role: 'contributor' }, 1000);
      await catalog.issueSignature('abc123', { id: 'bob', role: 'contributor' }, 1000);
      await catalog.issueSignature('abc123', { id: 'ann', role: 'admin' }, 3000);
      expect(await catalog.issuedTo('AbC123')).toEqual([
        { id: 'ann', role: 'admin' },
        { id: 'bob', role: 'contributor' },
      ]);
      expect(await catalog.purgeSignatures(1000)).toBe(0);
      expect(await catalog.purgeSignatures(1001)).toBe(1);
      expect(await catalog.issuedTo('abc123')).toEqual([{ id: 'ann', role: 'admin' }]);
    });
  });
}
