import { randomUUID } from 'node:crypto';
import { link, mkdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { contentKey, StorageDriver, type StoredObject } from './storage-driver';

/** Stores files in a local folder as `<dir>/<sha256-hex>.<ext>`; the gateway serves that folder. */
export class LocalStorageDriver extends StorageDriver {
  constructor(
    private readonly dir: string,
    private readonly publicUrl: string,
  ) {
    super();
  }

  async put(
    bytes: Buffer,
    contentType: string,
    key = contentKey(bytes, contentType),
  ): Promise<StoredObject> {
    const target = join(this.dir, key);
    if (await this.holds(target, bytes.length)) return { key };
    await mkdir(this.dir, { recursive: true });
    // Write beside the target, then rename: readers never see a half-written file, and a
    // concurrent upload of the same bytes just renames identical content over it.
    const temporary = join(this.dir, `.${key}.${randomUUID()}.tmp`);
    try {
      await writeFile(temporary, bytes, { flag: 'wx' });
      await rename(temporary, target);
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
    return { key };
  }

  async putIfAbsent(key: string, bytes: Buffer): Promise<boolean> {
    const target = join(this.dir, key);
    if (await this.holds(target)) return false;
    await mkdir(this.dir, { recursive: true });
    // A hard link never replaces a file: of replicas starting together, one writes it.
    const temporary = join(this.dir, `.${key}.${randomUUID()}.tmp`);
    try {
      await writeFile(temporary, bytes, { flag: 'wx' });
      await link(temporary, target);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    } finally {
      await unlink(temporary).catch(() => undefined);
    }
  }

  url(key: string): string {
    return this.publicUrl + key;
  }

  /** Whether a file is at `path` (of `size` bytes, when given). */
  private async holds(path: string, size?: number): Promise<boolean> {
    try {
      const found = await stat(path);
      return size === undefined || found.size === size;
    } catch {
      return false;
    }
  }
}
