import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EventStore } from '../core/directory.ts';
import * as schema from './schema.ts';

/** The drizzle handle; `$client` is the same better-sqlite3 connection, for prepared hot-path statements. */
export type Orm = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/** Where drizzle-kit writes migrations; applied at every start. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url));

/**
 * The database: the raw better-sqlite3 handle (for prepared statements and transactions) and the
 * drizzle handle over the same connection, so drizzle queries run inside raw transactions.
 */
export class Db implements EventStore {
  readonly orm: Orm;
  private readonly claim: Database.Statement<[string, number]>;
  /**
   * One transaction wrapper for every call (better-sqlite3 turns a nested call into a savepoint),
   * instead of wrapping each event's callback anew.
   */
  private readonly inTransaction: (fn: () => unknown) => unknown;
  /** Calls of `transaction` open now (the outermost and its savepoints). */
  private depth = 0;
  /** Whether the outermost open transaction was begun by `transaction` (not by a raw `BEGIN`). */
  private ownsOuter = false;
  private rolledBack = 0;

  constructor(readonly sqlite: Database.Database) {
    this.orm = drizzle(sqlite, { schema });
    this.claim = sqlite.prepare('INSERT OR IGNORE INTO processed_events (key, at) VALUES (?, ?)');
    this.inTransaction = sqlite.transaction((fn: () => unknown) => fn());
  }

  /**
   * Runs `fn` in a synchronous transaction; a nested call is a savepoint. better-sqlite3 refuses a
   * function that returns a promise, which keeps network calls out of transactions.
   */
  transaction<T>(fn: () => T): T {
    if (this.depth++ === 0) this.ownsOuter = !this.sqlite.inTransaction;
    try {
      return this.inTransaction(fn) as T;
    } catch (err) {
      // better-sqlite3 has rolled the transaction (or savepoint) back before rethrowing.
      this.rolledBack++;
      throw err;
    } finally {
      this.depth--;
    }
  }

  /**
   * How many transactions and savepoints begun by `transaction` have rolled back so far, or
   * `undefined` when what is written now would commit or roll back where this count cannot see
   * it (inside a transaction begun otherwise). Outside any transaction a write commits at once.
   * Lets a writer that remembers what it wrote know, after the transaction, that it committed:
   * the count did not move since.
   */
  rollbacks(): number | undefined {
    if (this.sqlite.inTransaction && !(this.depth > 0 && this.ownsOuter)) return undefined;
    return this.rolledBack;
  }

  claimEvent(key: string, at: Date): boolean {
    return this.claim.run(key, at.getTime()).changes === 1;
  }

  close(): void {
    if (this.sqlite.open) this.sqlite.close();
  }
}

/**
 * Opens (creating if needed) and migrates a database. `:memory:` gives a private in-memory
 * database with the real migrations, for tests.
 */
export function openDb(path: string): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // Checkpoint every ~160 MB of WAL instead of every ~4 MB: each checkpoint costs two fsyncs
  // (~4.4 ms each on the bench machine) and copies every page changed since the last one, and an
  // event changes ~16 pages (one per table and index row it writes), many of them the same hot
  // pages again. The default made 1% of events wait for one; every ~40 MB still made 1 in 600
  // wait ~40 ms. At ~160 MB (`npm run bench`, 100k members): p99.9 40 ms → 1.6 ms, pipeline
  // +6%, raw ceiling +30%, at the price of a longer checkpoint (~140 ms) every ~2,500 events and
  // a WAL file that stays up to that size on disk.
  sqlite.pragma('wal_autocheckpoint = 40000');
  migrate(drizzle(sqlite, { schema }), { migrationsFolder: MIGRATIONS_DIR });
  return new Db(sqlite);
}
