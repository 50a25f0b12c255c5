/**
 * The black-box client's cache in a browser: answers keyed by image (sha1, image_key.ts) in
 * IndexedDB, so a page queries each image once across reloads, as the on-disk cache
 * (prediction_store.ts) does under Node. One object store per cache name; rows are loaded
 * into memory on open and written back by `save`.
 */
import { LacunaError } from '@lacuna/core';

const DB_NAME = 'lacuna-black-box-cache';

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

export class IndexedDbPredictionCache {
  private readonly rows = new Map<string, Float32Array>();
  private readonly pending = new Map<string, Float32Array>();

  private constructor(private readonly db: IDBDatabase, readonly name: string, readonly numClasses: number) {}

  /** Opens (creating when needed) the cache `name` for K-class answers. */
  static async open(name: string, numClasses: number): Promise<IndexedDbPredictionCache> {
    const idb = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
    if (!idb) throw new LacunaError('black box cache: IndexedDB is not available here (under Node, use cacheDir)');
    const store = `${name}/${numClasses}`;
    // The store is created on an upgrade: open, and reopen one version up when it is missing.
    let db = await request(idb.open(DB_NAME));
    if (!db.objectStoreNames.contains(store)) {
      const version = db.version + 1;
      db.close();
      const open = idb.open(DB_NAME, version);
      open.onupgradeneeded = () => open.result.createObjectStore(store);
      db = await request(open);
    }
    const cache = new IndexedDbPredictionCache(db, store, numClasses);
    const tx = db.transaction(store, 'readonly');
    const keys = (await request(tx.objectStore(store).getAllKeys())) as string[];
    const values = (await request(tx.objectStore(store).getAll())) as number[][];
    keys.forEach((k, i) => cache.rows.set(k, Float32Array.from(values[i]!)));
    return cache;
  }

  get size(): number {
    return this.rows.size;
  }

  get(key: string): Float32Array | undefined {
    return this.rows.get(key);
  }

  set(key: string, row: Float32Array): void {
    const copy = Float32Array.from(row);
    this.rows.set(key, copy);
    this.pending.set(key, copy);
  }

  /** Writes the rows set since the last save in one transaction. */
  async save(): Promise<void> {
    if (this.pending.size === 0) return;
    const tx = this.db.transaction(this.name, 'readwrite');
    const store = tx.objectStore(this.name);
    for (const [k, row] of this.pending) store.put(Array.from(row), k);
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    this.pending.clear();
  }
}
