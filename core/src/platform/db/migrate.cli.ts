/** `npm run db:migrate`: applies pending migrations to the configured database. */
import { loadConfig } from "../config.ts";
import { runningServer } from "../server-file.ts";
import { connectDatabase } from "./connect.ts";
import { migrate, MigrationError } from "./migrate.ts";

const config = loadConfig();
if (runningServer(config)) {
  console.error("The embedded server is running and migrates its own database at start; stop it first.");
  process.exit(1);
}
const db = await connectDatabase(
  config.DATABASE_URL ? { url: config.DATABASE_URL, ownerUrl: config.DATABASE_OWNER_URL } : { dataDir: `${config.DATA_DIR}/pglite` },
);
try {
  const applied = await migrate(db.owner, { log: (m) => console.log(m) });
  console.log(applied.length ? `${applied.length} migration(s) applied.` : "Database is up to date.");
} catch (err) {
  console.error(err instanceof MigrationError ? err.message : err);
  process.exitCode = 1;
} finally {
  await db.close();
}
