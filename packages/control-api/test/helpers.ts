// Test fixtures: a real app over an in-memory SQLite store, with one user per role.
import { pino } from 'pino';
import { buildApp, type ControlApi } from '../src/app.js';
import { hashPassword } from '../src/auth/passwords.js';
import { loadConfig, type ControlApiConfig } from '../src/config.js';
import { SqliteStore } from '../src/store/sqlite.js';
import type { Role, Store } from '../src/store/types.js';

/** Password of every test user. */
export const TEST_PASSWORD = 'correct horse battery';

/** A test app with a token per role. */
export interface TestApi extends ControlApi {
  /** Access tokens by role. */
  tokens: Record<Role, string>;
  /** `Authorization` header by role. */
  auth: Record<Role, { authorization: string }>;
  /** The service token header. */
  service: { authorization: string };
  /** The store. */
  store: Store;
  /** The config. */
  config: ControlApiConfig;
}

/** The configuration tests run with: low bcrypt cost, an always-open calling window. */
export function testConfig(env: Record<string, string> = {}): ControlApiConfig {
  return loadConfig({
    BCRYPT_COST: '4',
    LOG_LEVEL: 'silent',
    JWT_SECRET_KEY: 'test-secret',
    CONTROL_SERVICE_TOKEN: 'test-service-token',
    CALLING_WINDOW: '00:00-24:00',
    SQLITE_PATH: ':memory:',
    ...env,
  });
}

/** Builds an app over `store` (default: a fresh in-memory SQLite) with admin, ops, viewer. */
export async function startTestApi(
  env: Record<string, string> = {},
  store: Store = new SqliteStore(':memory:'),
): Promise<TestApi> {
  const config = testConfig(env);
  const api = await buildApp({ config, store, logger: pino({ level: 'silent' }) });
  const tokens = {} as Record<Role, string>;
  const auth = {} as Record<Role, { authorization: string }>;

  for (const role of ['admin', 'ops', 'viewer'] as const) {
    const existing = await store.findUserByUsername(role);
    const user =
      existing ??
      (await store.createUser({
        username: role,
        password_hash: await hashPassword(TEST_PASSWORD, 4),
        role,
      }));
    tokens[role] = api.ctx.tokens.issue(user).access_token;
    auth[role] = { authorization: `Bearer ${tokens[role]}` };
  }

  return {
    ...api,
    tokens,
    auth,
    service: { authorization: 'Bearer test-service-token' },
    store,
    config,
  };
}

/** Creates a lead through the API and returns it. */
export async function createLead(api: TestApi, body: Record<string, unknown>) {
  const response = await api.app.inject({
    method: 'POST',
    url: '/api/v1/leads',
    headers: api.auth.ops,
    payload: body,
  });
  if (response.statusCode !== 201) throw new Error(`lead not created: ${response.body}`);

  return response.json() as { id: string; phone: string; [key: string]: unknown };
}

/** Reads a call's detail (turns, outcome, facts, hand-offs) through the API, as a viewer. */
export async function getCallDetail(api: TestApi, callId: string) {
  const response = await api.app.inject({
    method: 'GET',
    url: `/api/v1/calls/${callId}`,
    headers: api.auth.viewer,
  });

  return response.json();
}
