// `voice-admin users`: create (straight into the configured store: the first admin needs no
// token), login (prints an access token), list.
import { InvalidArgumentError, type Command } from 'commander';
import {
  StoreConflict,
  hashPassword,
  openStore,
  passwordProblem,
  storeConfigFromEnv,
  type Role,
} from '@voice-agent/control-api';
import { apiClient, printJson, printTable, println, readStdin, withApi } from '../api/session.js';

const ROLES: readonly Role[] = ['admin', 'ops', 'viewer'];

interface PasswordOptions {
  password?: string;
  passwordStdin?: boolean;
}

async function passwordFrom(command: Command, options: PasswordOptions): Promise<string> {
  if (options.password !== undefined && options.passwordStdin) {
    command.error('give --password or --password-stdin, not both', { exitCode: 1 });
  }
  if (options.passwordStdin) return readStdin();
  if (options.password !== undefined) return options.password;

  return command.error('a password is required: --password P or --password-stdin', { exitCode: 1 });
}

/** bcrypt cost for new users (`BCRYPT_COST`, default 12, as the API uses). */
function bcryptCost(): number {
  const cost = Number(process.env['BCRYPT_COST'] ?? 12);
  return Number.isInteger(cost) && cost >= 4 && cost <= 15 ? cost : 12;
}

async function createUser(
  this: Command,
  options: PasswordOptions & { username: string; role: Role; json?: boolean },
): Promise<void> {
  const password = await passwordFrom(this, options);
  const problem = passwordProblem(password);
  if (problem) this.error(`password ${problem}`, { exitCode: 1 });

  // Same store selection as the API: MONGODB_URI, else SQLITE_PATH, else ./data/voice-agent.db.
  const store = await openStore(storeConfigFromEnv());
  try {
    const passwordHash = await hashPassword(password, bcryptCost());
    const user = await store.createUser({
      username: options.username,
      password_hash: passwordHash,
      role: options.role,
    });
    await store.appendAudit({
      actor: 'voice-admin',
      action: 'create',
      resource: 'user',
      resource_id: user.id,
      detail: { username: user.username, role: user.role },
    });

    if (options.json)
      printJson({ id: user.id, username: user.username, role: user.role, store: store.kind });
    else println(`created ${user.role} ${user.username} (${store.kind} store)`);
  } catch (error) {
    if (error instanceof StoreConflict)
      this.error(`username ${options.username} is taken`, { exitCode: 1 });
    throw error;
  } finally {
    await store.close();
  }
}

/** Registers `voice-admin users …`. */
export function register(program: Command): void {
  const users = program.command('users').description('Operator accounts of the control API');

  users
    .command('create')
    .description('Create a user directly in the configured store (no token needed)')
    .requiredOption('--username <name>', 'login name')
    .option('--password <password>', 'password (visible in shell history; prefer --password-stdin)')
    .option('--password-stdin', 'read the password from standard input')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`, (raw: string) => {
      if (!ROLES.includes(raw as Role))
        throw new InvalidArgumentError(`must be one of ${ROLES.join(', ')}`);
      return raw as Role;
    })
    .option('--json', 'print JSON')
    .action(createUser);

  users
    .command('login')
    .description('Log in to the API and print an access token (for VOICE_API_TOKEN)')
    .requiredOption('--username <name>', 'login name')
    .option('--password <password>', 'password')
    .option('--password-stdin', 'read the password from standard input')
    .option('--json', 'print the whole token answer as JSON')
    .action(
      withApi(async function (
        this: Command,
        options: PasswordOptions & { username: string; json?: boolean },
      ) {
        const password = await passwordFrom(this, options);
        const tokens = await apiClient().call<{ access_token: string }>(
          'POST',
          '/api/v1/auth/login',
          { username: options.username, password },
        );

        if (options.json) printJson(tokens);
        else println(tokens.access_token);
      }),
    );

  users
    .command('list')
    .description('List users (admin token)')
    .option('--json', 'print JSON')
    .action(
      withApi(async function (options: { json?: boolean }) {
        const page = await apiClient().call<{ items: Array<Record<string, unknown>> }>(
          'GET',
          '/api/v1/users',
        );

        if (options.json) printJson(page.items);
        else printTable(page.items, ['username', 'role', 'created_at', 'id']);
      }),
    );
}
