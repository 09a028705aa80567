// The conformance suite of ChunkSessionCatalog (chunk sessions shared by instances), run by sqlite.test.ts and
// postgres.test.ts against their database.
import { describe, expect, test } from 'vitest';
import type { ChunkSessionCatalog } from '../../src/catalog/catalog.js';
import type { CatalogFactory } from './catalog-contract.js';

export function describeChunkSessionCatalogContract(name: string, factory: CatalogFactory): void {
  describe(`ChunkSessionCatalog contract: ${name}`, () => {
    const open = async (): Promise<ChunkSessionCatalog> => (await factory.fresh()).chunkSessions;

    test('keeps a session’s data exactly as given (text, key order, numbers beyond 32 bits) and its time', async () => {
      const sessions = await open();
      expect(await sessions.get('s1')).toBeNull();
      const data = JSON.stringify({ z: 1, a: { total: 2 ** 32 + 1, end: 2 ** 31 }, é: 'ü' });
      const created = await sessions.change('s1', (current) => ({
        next: { data, updatedAt: 1_764_230_000_123 },
        result: current,
      }));
      expect(created).toBeNull();
      expect(await sessions.get('s1')).toEqual({ id: 's1', data, updatedAt: 1_764_230_000_123 });
    });

    test('a change sees the stored record; null deletes it, no `next` leaves it, a throw changes nothing', async () => {
      const sessions = await open();
      await sessions.change('s1', () => ({ next: { data: 'one', updatedAt: 1 }, result: null }));
      expect(await sessions.change('s1', (current) => ({ result: current?.data }))).toBe('one');
      expect(await sessions.get('s1')).toEqual({ id: 's1', data: 'one', updatedAt: 1 });
      await expect(
        sessions.change('s1', () => {
          throw new Error('refused');
        }),
      ).rejects.toThrow('refused');
      expect((await sessions.get('s1'))?.data).toBe('one');
      await sessions.change('s1', (current) => ({
        next: { data: `${current?.data}+two`, updatedAt: 2 },
        result: null,
      }));
      expect(await sessions.get('s1')).toEqual({ id: 's1', data: 'one+two', updatedAt: 2 });
      expect(await sessions.change('s1', () => ({ next: null, result: 'gone' }))).toBe('gone');
      expect(await sessions.get('s1')).toBeNull();
      // Deleting what is not there is no error.
      await sessions.change('s1', () => ({ next: null, result: null }));
    });

    test('changes to one session from two instances at once are one after the other (none lost)', async () => {
      const [a, b] = await factory.twins();
      const add = (catalog: ChunkSessionCatalog) =>
        catalog.change('counter', (current) => {
          const count = Number(current?.data ?? '0') + 1;
          return { next: { data: String(count), updatedAt: count }, result: count };
        });
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) => add(i % 2 ? a.chunkSessions : b.chunkSessions)),
      );
      expect([...results].sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect((await a.chunkSessions.get('counter'))?.data).toBe('40');
    });

    test('the first change of a new session from two instances at once creates it once', async () => {
      const [a, b] = await factory.twins();
      const create = (catalog: ChunkSessionCatalog, who: string) =>
        catalog.change('fresh', (current) =>
          current
            ? { result: `${who} saw ${current.data}` }
            : { next: { data: who, updatedAt: 1 }, result: `${who} created` },
        );
      const results = await Promise.all([create(a.chunkSessions, 'a'), create(b.chunkSessions, 'b')]);
      expect(results.filter((result) => result.endsWith('created'))).toHaveLength(1);
      const winner = (await a.chunkSessions.get('fresh'))?.data;
      expect(results).toContain(`${winner === 'a' ? 'b' : 'a'} saw ${winner}`);
    });

    test('lists the sessions idle since a time, least recently changed first, up to a limit', async () => {
      const sessions = await open();
      for (const [id, at] of [
        ['c', 300],
        ['a', 100],
        ['b', 200],
        ['d', 400],
      ] as const)
        await sessions.change(id, () => ({ next: { data: id, updatedAt: at }, result: null }));
      expect(await sessions.idle(350, 10)).toEqual(['a', 'b', 'c']);
      expect(await sessions.idle(350, 2)).toEqual(['a', 'b']);
      expect(await sessions.idle(100, 10)).toEqual([]);
    });
  });
}
