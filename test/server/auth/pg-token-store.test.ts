import { PgTokenStore } from '../../../server/auth/pg-token-store.js';
import { createTestSchema, describePg } from '../../support/pg.js';
import { tokenStoreConformance } from './token-store-conformance.js';

describePg('PgTokenStore', (url) => {
  tokenStoreConformance('PostgreSQL (fresh schema)', async () => {
    const schema = await createTestSchema(url);
    let pool = schema.pool(2);
    return {
      store: await PgTokenStore.open(pool),
      async reopen() {
        await pool.end();
        pool = schema.pool(2);
        return PgTokenStore.open(pool);
      },
      async cleanup() {
        await schema.drop();
      },
    };
  });
});
