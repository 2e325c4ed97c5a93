import type { Command } from 'commander';
import { errors } from '../../platform/errors/app-error.ts';
import type { IdentityModule } from './identity.module.ts';
import type { AuditActor } from './identity.api.ts';
import { isRole } from './domain/roles.ts';

type WithApp = <T>(fn: (app: { identity: IdentityModule }) => Promise<T>) => Promise<T>;

/** Work done at the console is audited as the operator's console, not as a person. */
const CLI_ACTOR: AuditActor = { id: 'cli', label: 'cli' };
const DAY_MS = 86_400_000;

const list = (raw: string | undefined): string[] => (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean);

/** `cityloop identity create-account|create-token|revoke-token|reset-password|list-accounts|list-tokens`. */
export function registerIdentityCommands(program: Command, withApp: WithApp, out: (text: string) => void = (t) => process.stdout.write(t)): void {
  const identity = program.command('identity').description('Staff accounts, roles and API tokens');

  identity
    .command('create-account')
    .description('Create a staff account; the password is generated and printed once unless given')
    .argument('<username>')
    .option('--name <name>', 'display name (default: the staff member\'s name)')
    .option('--roles <roles>', 'comma list: agent,dispatcher,handler,supervisor,grid_worker,analyst,admin')
    .option('--department <code>', 'department the roles are held for (default: the staff member\'s)')
    .option('--staff <code>', 'link to a staff member of the organization')
    .option('--password <password>', 'set this password instead of generating one')
    .action(async (username: string, opts: { name?: string; roles?: string; department?: string; staff?: string; password?: string }) => {
      const roles = list(opts.roles);
      const bad = roles.filter((r) => !isRole(r));
      if (bad.length) throw errors.validation('roles', `未知角色：${bad.join(', ')}`, `Unknown roles: ${bad.join(', ')}`);
      await withApp(async ({ identity: m }) => {
        const { account, generatedPassword } = await m.service.createAccount({
          username, roles: roles.filter(isRole),
          ...(opts.name ? { displayName: opts.name } : {}), ...(opts.department ? { departmentId: opts.department } : {}),
          ...(opts.staff ? { staffId: opts.staff } : {}), ...(opts.password !== undefined ? { password: opts.password } : {}),
        }, CLI_ACTOR);
        out(`account ${account.username} (${account.id}) roles ${account.grants.map((g) => g.role).join(',') || '—'}\n`);
        if (generatedPassword) out(`password: ${generatedPassword}\n(shown once; the user changes it at /api/v1/identity/me/password)\n`);
      });
    });

  identity
    .command('create-token')
    .description('Create an API token; the secret is printed once')
    .argument('<name>')
    .requiredOption('--scopes <scopes>', 'comma list of permissions, e.g. cases.intake,open311.submit')
    .option('--expires-days <n>', 'expire after this many days')
    .option('--department <code>', 'department the token acts for')
    .action(async (name: string, opts: { scopes: string; expiresDays?: string; department?: string }) => {
      const days = opts.expiresDays === undefined ? null : Number(opts.expiresDays);
      if (days !== null && !(Number.isInteger(days) && days > 0 && days <= 3650)) throw errors.validation('expires-days', '--expires-days 须为 1–3650 的整数', '--expires-days must be an integer 1–3650');
      await withApp(async ({ identity: m }) => {
        const expiresAt = days === null ? null : new Date(Date.now() + days * DAY_MS).toISOString();
        const { token, secret } = await m.service.createToken({ name, scopes: list(opts.scopes), expiresAt, ...(opts.department ? { departmentId: opts.department } : {}) }, CLI_ACTOR);
        out(`token ${token.id} "${token.name}" scopes ${token.scopes.join(',')}${token.expiresAt ? ` expires ${token.expiresAt}` : ''}\n`);
        out(`secret: ${secret}\n(shown once; only its hash is stored)\n`);
      });
    });

  identity
    .command('revoke-token')
    .description('Revoke an API token')
    .argument('<id>')
    .action(async (id: string) => {
      await withApp(async ({ identity: m }) => {
        const token = await m.service.revokeToken(id, CLI_ACTOR);
        out(`token ${token.id} "${token.name}" revoked at ${token.revokedAt}\n`);
      });
    });

  identity
    .command('reset-password')
    .description('Set a new password (generated and printed once unless given); ends the account\'s sessions and lifts a login lock')
    .argument('<username>')
    .option('--password <password>', 'set this password instead of generating one')
    .action(async (username: string, opts: { password?: string }) => {
      await withApp(async ({ identity: m }) => {
        const password = await m.service.resetPassword(username, CLI_ACTOR, null, opts.password);
        out(opts.password === undefined ? `password of ${username}: ${password}\n(shown once)\n` : `password of ${username} changed\n`);
      });
    });

  identity
    .command('list-accounts')
    .description('Staff accounts with their roles')
    .action(async () => {
      await withApp(async ({ identity: m }) => {
        for (const a of await m.service.listAccounts()) {
          const roles = a.grants.map((g) => g.role).join(',') || '—';
          out(`${a.username.padEnd(24)} ${a.active ? 'active  ' : 'inactive'} ${a.demo ? 'demo ' : '     '}${roles}${a.lockedUntil ? `  locked until ${a.lockedUntil}` : ''}\n`);
        }
      });
    });

  identity
    .command('list-tokens')
    .description('API tokens (prefix only)')
    .option('--all', 'include revoked tokens')
    .action(async (opts: { all?: boolean }) => {
      await withApp(async ({ identity: m }) => {
        for (const t of await m.service.listTokens({ includeRevoked: !!opts.all })) {
          out(`${t.id}  ${t.prefix}…  ${t.name.padEnd(24)} ${t.scopes.join(',')}  last used ${t.lastUsedAt ?? 'never'}${t.revokedAt ? '  revoked' : ''}\n`);
        }
      });
    });
}
