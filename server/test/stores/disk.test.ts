import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DiskStore } from '../../src/stores/disk.js';
import { tempDir } from '../helpers.js';
import { describeStoreContract } from './store-contract.js';

describeStoreContract('disk', async () => {
  const root = await tempDir('signet-disk-');
  return {
    store: new DiskStore(join(root, 'store')),
    async makeTempFile(data) {
      const path = join(root, `tmp-${randomBytes(8).toString('hex')}`);
      await writeFile(path, data);
      return path;
    },
  };
});
