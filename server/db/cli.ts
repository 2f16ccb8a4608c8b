// `npm run migrate` / `npm run migrate:down` / `npm run seed` against DATABASE_URL or the embedded
// database, using the same config loader as the server.
import { loadConfig } from '../config/config';
import { systemClock } from '../clock';
import { isDatabaseEmpty, seedDemo } from '../demo/seed-demo';
import { createDatabase } from './database';
import { migrateLatest, migrateRollbackAll } from './migrate';

const command = process.argv[2];
const loaded = loadConfig(process.env);
if (!loaded.ok) {
  for (const p of loaded.problems) console.error(`  - ${p}`);
  process.exit(1);
}
const db = await createDatabase(loaded.config.database);
try {
  if (command === 'migrate') {
    const applied = await migrateLatest(db.knex);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'already up to date');
  } else if (command === 'rollback') {
    const reverted = await migrateRollbackAll(db.knex);
    console.log(reverted.length ? `reverted: ${reverted.join(', ')}` : 'nothing to revert');
  } else if (command === 'seed') {
    await migrateLatest(db.knex);
    if (await isDatabaseEmpty(db.knex)) {
      await seedDemo(db.knex, systemClock);
      console.log('demo data seeded');
    } else console.log('the database already has data; not seeding');
  } else {
    console.error('usage: tsx server/db/cli.ts migrate|rollback|seed');
    process.exitCode = 2;
  }
} finally {
  await db.close();
}
