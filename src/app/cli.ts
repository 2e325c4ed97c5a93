import { Command, Option } from 'commander';
import { ConfigError } from '../platform/config/config-reader.ts';
import { AppError } from '../platform/errors/app-error.ts';
import { compose, type CityLoop } from './compose.ts';
import { createLogger } from '../platform/logging/logger.ts';
import { loadConfig, CONFIG_KEYS } from './config.ts';
import { serve } from './server.ts';
import { ensureDemoCity, resetDemoCity, DEMO_ACCOUNTS, DEMO_PASSWORD } from './demo/demo-loader.ts';
import { registerIdentityCommands } from '../modules/identity/identity.cli.ts';
import { registerVitalsCommands } from '../modules/vital-signs/vital-signs.cli.ts';
import { registerInsightsCommands } from '../modules/insights/insights.cli.ts';
import { registerInsightsReportCommands } from '../modules/insights/insights-b.cli.ts';
import { registerImportCommand } from './import.cli.ts';
import { parseImport } from '../modules/cases/import/import.parsers.ts';
import { registerCaseCommands } from '../modules/cases/cases.cli.ts';
import { rekeyPersonalData } from '../modules/cases/index.ts';
import { addKeyToKeyFile, pruneKeyFile } from './data-keys.ts';

/** Open the app for a one-shot command (no background work) and always close it. */
async function withApp<T>(fn: (app: CityLoop) => Promise<T>, opts: { quiet?: boolean } = {}): Promise<T> {
  const config = loadConfig(process.env, opts.quiet === false ? {} : { logLevel: process.env.CITYLOOP_LOG_LEVEL ? loadConfig().logLevel : 'warn' });
  // One-shot commands print their results on stdout (often JSON); logs go to stderr.
  const app = await compose(config, { defaultMetrics: false, logger: createLogger({ level: config.logLevel, stderr: true }) });
  try {
    await app.start({ background: false });
    const result = await fn(app);
    await app.bus.drain();
    return result;
  } finally {
    await app.close();
  }
}

export function buildProgram(): Command {
  const program = new Command('cityloop')
    .description('CityLoop — the 12345 citizen hotline and city operations platform (城市运行一网统管)')
    .showHelpAfterError();

  program
    .command('start')
    .description('Start the server (loads the demo city into an empty database unless CITYLOOP_DEMO=off)')
    .action(async () => {
      const config = loadConfig();
      const app = await compose(config);
      // First start: an admin account, its password printed once (never logged).
      const admin = await app.identity.api.ensureFirstAdmin();
      // The demo city is replayed before background work starts, so the scheduler does not race it.
      if (config.demo === 'auto') {
        const loaded = await ensureDemoCity(app, (msg) => app.logger.info(msg));
        if (loaded) app.logger.info({ cases: loaded.cases }, 'demo city loaded');
      }
      await app.start();
      const { http, url } = await serve(app);
      // One write, so whoever waits for the URL also has the first-start notes.
      const notes: string[] = [];
      if (admin?.generated) {
        notes.push(`First start: an administrator account was created.\n  username: ${admin.username}\n  password: ${admin.password}\n  (shown once; change it after signing in: POST /api/v1/identity/me/password)\n`);
      }
      if (config.demo === 'auto' && (await app.identity.api.listAccounts()).some((a) => a.demo)) {
        notes.push(`Demo accounts (demo only), password "${DEMO_PASSWORD}": ${DEMO_ACCOUNTS.map((a) => a.username).join(', ')}\n  Demo Open311 api_key: demo-open311-key\n`);
      }
      process.stdout.write(`\n${notes.join('\n')}\nCityLoop is running at ${url}\n  API docs: ${url}/api/docs\n  Health:   ${url}/health\n\n`);
      const shutdown = async () => {
        await http.close();
        await app.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void shutdown());
      process.once('SIGTERM', () => void shutdown());
    });

  program
    .command('demo')
    .description('Create the demo city in the configured database; --reset deletes the database file first (SQLite only)')
    .option('--reset', 'start from an empty database')
    .action(async (opts: { reset?: boolean }) => {
      if (opts.reset) await resetDemoCity(loadConfig());
      await withApp(async (app) => {
        const loaded = await ensureDemoCity(app, (msg) => process.stderr.write(`${msg}\n`));
        process.stdout.write(loaded ? `demo city loaded: ${loaded.cases} cases\n` : 'the database already has data; use --reset to start again\n');
      });
    });

  program
    .command('config')
    .description('List the configuration keys (CITYLOOP_*) with their defaults')
    .action(() => {
      for (const spec of Object.values(CONFIG_KEYS)) process.stdout.write(`${spec.key.padEnd(32)} ${String(spec.default).padEnd(36)} ${spec.description}\n`);
    });

  const keys = program.command('keys').description("Keys for citizens' personal data at rest");
  keys
    .command('rotate')
    .description('Re-encrypt personal data with the current (first) key; --rehash recomputes phone keys after a new CITYLOOP_HASH_KEY')
    .option('--rehash', 'recompute phone keys with the current hash key')
    .option('--batch <n>', 'rows per transaction', '500')
    .action(async (opts: { rehash?: boolean; batch: string }) => {
      await withApp(async (app) => {
        const { cipher } = app.dataKeys;
        const r = await rekeyPersonalData(app.database.db, app.database.dialect, cipher, {
          batchSize: Number(opts.batch),
          ...(opts.rehash ? { rehash: (phone: string) => cipher.keyedHash(phone) } : {}),
          onProgress: (p) => process.stderr.write(`\r${p.scanned}/${p.total}`),
        });
        process.stderr.write('\n');
        process.stdout.write(`${JSON.stringify({ currentKey: cipher.currentKeyId, ...r }, null, 2)}\n`);
        if (r.failed.length || r.conflicts) process.exitCode = 1;
      });
    });
  keys
    .command('add')
    .description('Key file only: put a fresh key in front of the key file (restart, then run keys rotate)')
    .action(async () => {
      await withApp(async (app) => {
        if (!app.dataKeys.keyFile) throw new AppError({ code: 'KEYS_NOT_IN_FILE', status: 400, zh: '密钥来自配置（CITYLOOP_DATA_KEYS），请在配置中添加新密钥', en: 'Keys come from CITYLOOP_DATA_KEYS; add the new key there' });
        process.stdout.write(`added key ${addKeyToKeyFile(app.dataKeys.keyFile)} to ${app.dataKeys.keyFile}; restart CityLoop, then run: cityloop keys rotate\n`);
      });
    });
  keys
    .command('prune')
    .description('Key file only: remove old keys once no stored value uses them')
    .action(async () => {
      await withApp(async (app) => {
        const file = app.dataKeys.keyFile;
        if (!file) throw new AppError({ code: 'KEYS_NOT_IN_FILE', status: 400, zh: '密钥来自配置（CITYLOOP_DATA_KEYS），请在配置中删除旧密钥', en: 'Keys come from CITYLOOP_DATA_KEYS; remove the old key there' });
        const r = await rekeyPersonalData(app.database.db, app.database.dialect, app.dataKeys.cipher, {});
        const stillUsed = Object.keys(r.keysInUse).filter((k) => k !== app.dataKeys.cipher.currentKeyId);
        if (stillUsed.length) throw new AppError({ code: 'KEYS_STILL_IN_USE', status: 409, zh: `仍有数据使用密钥：${stillUsed.join(', ')}`, en: `Stored values still use: ${stillUsed.join(', ')}`, details: { failed: r.failed } });
        process.stdout.write(`removed keys: ${pruneKeyFile(file).join(', ') || '(none)'}\n`);
      });
    });

  registerImportCommand(program, withApp);
  registerCaseCommands(program, withApp);
  registerIdentityCommands(program, withApp);
  registerVitalsCommands(program, withApp);
  registerInsightsCommands(program, withApp);
  registerInsightsReportCommands(program, withApp, { readRows: (file) => parseImport('teddycup', file) });
  program.addOption(new Option('--lang <lang>', 'message language (zh|en)').default('zh'));
  return program;
}

/** CLI entry point: prints coded errors and configuration problems without a stack trace. */
export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    if (err instanceof AppError) {
      process.stderr.write(`error ${err.code}: ${err.zh} (${err.en})${err.field ? ` [field ${err.field}]` : ''}\n`);
      process.exit(1);
    }
    throw err;
  }
}
