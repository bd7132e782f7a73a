import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/open.ts';

describe('database', () => {
  it('given a new file, then migrations create every table with the agreed pragmas', () => {
    const db = openDb(join(mkdtempSync(join(tmpdir(), 'hearth-db-')), 'h.db'));
    const tables = (db.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(['activity_days', 'audit_log', 'balances', 'checkins', 'groups', 'identities', 'ledger', 'member_roles', 'members', 'memberships', 'processed_events']));
    expect(db.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.sqlite.pragma('synchronous', { simple: true })).toBe(1);
    expect(db.sqlite.pragma('busy_timeout', { simple: true })).toBe(5000);
    db.close();
  });

  it('given a database migrated once, when opened again, then migrating is a no-op and data stays', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'hearth-db-')), 'h.db');
    const a = openDb(file);
    a.sqlite.prepare("INSERT INTO processed_events (key, at) VALUES ('k', 1)").run();
    a.close();
    const b = openDb(file);
    expect(b.sqlite.prepare('SELECT COUNT(*) AS n FROM processed_events').get()).toEqual({ n: 1 });
    b.close();
  });

  it('given the ledger, redemptions-to-be and check-ins, then no foreign key cascades deletes', () => {
    const db = openDb(':memory:');
    const sql = (db.sqlite.prepare("SELECT group_concat(sql, ' ') AS s FROM sqlite_master").get() as { s: string }).s;
    expect(sql).not.toMatch(/ON DELETE CASCADE/i);
    db.close();
  });

  it('given a transaction that fails half-way, then nothing of it is kept', () => {
    const db = openDb(':memory:');
    expect(() =>
      db.transaction(() => {
        db.claimEvent('e1', new Date());
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(db.claimEvent('e1', new Date())).toBe(true);
    db.close();
  });
});
