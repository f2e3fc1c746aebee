// PostgreSQL for tests: the real server named by LH_TEST_PG_URL (never a fake), one fresh schema per use
// (CREATE SCHEMA lh_test_<random>; every pool pinned to it through search_path; DROP … CASCADE afterwards), so
// runs and tests never see each other's tables. Without LH_TEST_PG_URL the PostgreSQL suites show one skipped line.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPgPool, quoteIdent, type Pool } from '../../ledger/store/pg/pg-pool.js';

export const TEST_PG_URL: string | undefined = process.env.LH_TEST_PG_URL || undefined;

export const PG_SKIP_LINE =
  'skipped: LH_TEST_PG_URL is not set (to run against PostgreSQL: LH_TEST_PG_URL=postgres://postgres@127.0.0.1:5432/test npm test)';

/** `describe` that runs `body` with the test database URL, or shows one skipped test saying how to enable it. */
export function describePg(title: string, body: (url: string) => void): void {
  describe(title, () => {
    if (TEST_PG_URL === undefined) {
      it.skip(PG_SKIP_LINE);
      return;
    }
    body(TEST_PG_URL);
  });
}

export interface TestSchema {
  readonly url: string;
  readonly name: string;
  /** A new pool pinned to this schema; `drop()` ends any still open. */
  pool(max?: number): Pool;
  /** End the open pools, then DROP SCHEMA … CASCADE. */
  drop(): Promise<void>;
}

async function admin<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'ledgerhouse-test-admin' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createTestSchema(url: string): Promise<TestSchema> {
  const name = `lh_test_${randomBytes(6).toString('hex')}`;
  await admin(url, (c) => c.query(`CREATE SCHEMA ${quoteIdent(name)}`));
  const pools: Pool[] = [];
  return {
    url,
    name,
    pool(max = 4) {
      const pool = openPgPool({ connectionString: url, schema: name, max, applicationName: 'ledgerhouse-test' });
      pools.push(pool);
      return pool;
    },
    async drop() {
      await Promise.all(pools.splice(0).map((p) => (p.ending ? undefined : p.end())));
      await admin(url, (c) => c.query(`DROP SCHEMA IF EXISTS ${quoteIdent(name)} CASCADE`));
    },
  };
}
