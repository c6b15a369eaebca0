import { DatabaseModule, migrateCommand } from '@app/database';
import { createTestDatabase, type TestDatabase, withTestConnection } from '@app/testing';
import { schemaSnapshot } from '@app/testing/migration-reruns';
import { Test } from '@nestjs/testing';

import { MIS_SCHEMA } from './mis-schema';

describe('mis migrations started twice at once on a fresh database (real MariaDB)', () => {
  let database: TestDatabase;
  let log: jest.SpyInstance;

  beforeEach(async () => {
    log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    database = await createTestDatabase([]);
  });

  afterEach(async () => {
    log.mockRestore();
    await database.drop();
  });

  it('applies each migration once, both runs succeeding, and leaves the schema a lone run leaves', async () => {
    const runs = await Promise.allSettled([
      migrateCommand(database.settings, MIS_SCHEMA, []),
      migrateCommand(database.settings, MIS_SCHEMA, []),
    ]);
    expect(
      runs.map((run) => (run.status === 'rejected' ? String(run.reason) : run.status)),
    ).toEqual(['fulfilled', 'fulfilled']);

    const applied = await withTestConnection(database.settings, (sql) =>
      sql('SELECT name FROM migrations_mis ORDER BY id'),
    );
    expect(applied).toEqual([{ name: 'CreateMisTables1764000000000' }]);
    const counts = log.mock.calls
      .map(([line]: unknown[]) => String(line))
      .filter((line) => line.endsWith('applied'));
    expect(counts.sort()).toEqual(['mis: 0 migration(s) applied', 'mis: 1 migration(s) applied']);

    const lone = await createTestDatabase([MIS_SCHEMA]);
    try {
      expect(await schemaSnapshot(database.settings)).toEqual(await schemaSnapshot(lone.settings));
    } finally {
      await lone.drop();
    }
  });

  it('applies each migration once when replicas booting with MIGRATIONS_RUN start beside the migration command', async () => {
    const boot = async (): Promise<void> => {
      const app = await Test.createTestingModule({
        imports: [
          DatabaseModule.forRoot({ ...database.settings, MIGRATIONS_RUN: true }, MIS_SCHEMA),
        ],
      }).compile();
      await app.close();
    };
    const runs = await Promise.allSettled([
      boot(),
      boot(),
      migrateCommand(database.settings, MIS_SCHEMA, []),
    ]);
    expect(
      runs.map((run) => (run.status === 'rejected' ? String(run.reason) : run.status)),
    ).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);

    const applied = await withTestConnection(database.settings, (sql) =>
      sql('SELECT name FROM migrations_mis ORDER BY id'),
    );
    expect(applied).toEqual([{ name: 'CreateMisTables1764000000000' }]);
  });
});
