import { Command, Option } from 'commander';
import { ConfigError } from '../platform/config/config-reader.ts';
import { AppError } from '../platform/errors/app-error.ts';
import { compose, type CityLoop } from './compose.ts';
import { createLogger } from '../platform/logging/logger.ts';
import { loadConfig, CONFIG_KEYS } from './config.ts';
import { serve } from './server.ts';
import { ensureDemoCity, resetDemoCity } from './demo/demo-loader.ts';
import { registerImportCommand } from './import.cli.ts';
import { registerCaseCommands } from '../modules/cases/cases.cli.ts';

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
      if (config.demo === 'auto') {
        const loaded = await ensureDemoCity(app, (msg) => app.logger.info(msg));
        if (loaded) app.logger.info({ cases: loaded.cases }, 'demo city loaded');
      }
      await app.start();
      const { http, url } = await serve(app);
      process.stdout.write(`\nCityLoop is running at ${url}\n  API docs: ${url}/api/docs\n  Health:   ${url}/health\n\n`);
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

  registerImportCommand(program, withApp);
  registerCaseCommands(program, withApp);
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
