import { Agent, AgentGroup, AgentRole } from '@switchboard/db';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { hashPassword } from '../auth/password.js';
import type { CoreConfig } from '../config.js';

export const SEED_ADMIN_EMAIL = 'admin@example.com';

/** When no agent exists yet, creates the admin; a generated password is printed once, to stdout. */
export async function seedAdmin(ds: DataSource, config: CoreConfig, logger: Logger): Promise<void> {
  const agents = ds.getRepository(Agent);
  if ((await agents.count()) > 0) return;
  const generated = !config.SEED_ADMIN_PASSWORD;
  const password = config.SEED_ADMIN_PASSWORD ?? randomBytes(12).toString('base64url');
  const groups = await ds.getRepository(AgentGroup).find();
  await agents.save(
    agents.create({
      email: SEED_ADMIN_EMAIL,
      name: 'Administrator',
      role: AgentRole.Admin,
      passwordHash: await hashPassword(password),
      groups,
    }),
  );
  logger.info({ email: SEED_ADMIN_EMAIL }, 'created the first admin');
  if (generated) {
    // Deliberately not through the logger: a password must not end up in log storage.
    process.stdout.write(`\n  Admin login: ${SEED_ADMIN_EMAIL}  password: ${password}\n  (shown once; set SEED_ADMIN_PASSWORD to choose it)\n\n`);
  }
}
