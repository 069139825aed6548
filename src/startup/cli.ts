/**
 * bin/catalina (run, start, stop, version, configtest, bundle, new-app, digest), after Tomcat's catalina.sh
 * (reference §8). Long because every subcommand's options, messages and exit codes are declared here; the work
 * itself lives in catalina.ts, daemon.ts, digest-command.ts, new-app.ts and deploy/bundle-builder.ts.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import os from 'node:os';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { buildBundle } from '../deploy/bundle-builder.js';
import { ContainerError, LifecycleError } from '../errors/container-error.js';
import { ConfigValidationError, formatProblem, loadServerConfig } from '../config/server-xml-loader.js';
import type { ServerConfig } from '../config/server-config.js';
import { SERVER_INFO, SERVER_NAME, SERVER_VERSION } from '../version/version.js';
import { resolveCatalinaEnv, type CatalinaEnv } from './catalina-env.js';
import { startDaemon } from './daemon.js';
import { isProcessAlive, PidFile } from './pid-file.js';
import { createNewApp } from './new-app.js';
import { registerDigestCommand } from './digest-command.js';
import { exitProcess, installProcessGuard } from './process-guard.js';
import { checkPermissionModel } from './security-check.js';
import { permissionFlags, permissionGrants, shellWords, type PermissionGrants } from './security-flags.js';
import { sendShutdownCommand, sendShutdownCommandAndWait } from '../core/shutdown-port.js';

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
}

const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
};

const DEFAULT_STOP_WAIT_SECONDS = 5;
const KILL_WAIT_MS = 5000;
const POLL_MS = 100;

/** Tomcat's single-dash long options (`-config`, `-force`, `-security`) become commander's `--config`, … */
export function normalizeArgv(args: readonly string[]): string[] {
  return args.map((arg) => (/^-(config|force|help|security)(=.*)?$/.test(arg) ? `-${arg}` : arg));
}

export function createProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command();
  program
    .name('catalina')
    .description(`${SERVER_NAME} ${SERVER_VERSION}: a Tomcat-style servlet container`)
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run catalina --help for usage)')
    .version(SERVER_INFO, '-V, --version', 'print the server version and exit')
    .addHelpText(
      'after',
      `
Environment:
  CATALINA_HOME    the install (default: the package directory)
  CATALINA_BASE    the instance: conf, logs, webapps, work, temp (default: CATALINA_HOME)
  CATALINA_OUT     output of \`start\` (default: $CATALINA_BASE/logs/catalina.out)
  CATALINA_PID     file recording the pid of \`start\`; lets \`stop\` signal and wait for it
  CATALINA_TMPDIR  temporary directory (default: $CATALINA_BASE/temp)

Single-dash Tomcat options (-config, -force, -security) are accepted too.`,
    );

  const configOption = (command: Command): Command =>
    command.option(
      '--config <file>',
      'server.xml to use (relative paths resolve against CATALINA_BASE); default $CATALINA_BASE/conf/server.xml',
    );

  const securityOption = (command: Command): Command =>
    command.option(
      '--security',
      "run under Node's permission model: reads only under CATALINA_HOME, CATALINA_BASE and what server.xml names, writes only to logs, work, temp and appBase, no child processes, no native addons",
    );

  securityOption(
    configOption(program.command('run').description('start the server in the foreground; stop with Ctrl-C, SIGTERM or `catalina stop`')),
  ).action(async (options: RunOptions) => setExitCode(await runCommand(envFor(io, options), io, options.security === true)));

  securityOption(configOption(program.command('start').description('start the server in the background (output to CATALINA_OUT)'))).action(
    async (options: RunOptions) => setExitCode(await startCommand(envFor(io, options), options, io)),
  );

  // For bin/catalina's `run -security`: the node flags, quoted for the shell's eval (security-flags.ts).
  securityOption(configOption(program.command('security-flags', { hidden: true }))).action((options: RunOptions) =>
    setExitCode(securityFlagsCommand(envFor(io, options), io)),
  );

  configOption(
    program
      .command('stop')
      .description('send the shutdown command to the Server port; fall back to SIGTERM via CATALINA_PID')
      .argument(
        '[n]',
        `seconds to wait for the process to exit (default: the Server's stopTimeoutMs plus ${DEFAULT_STOP_WAIT_SECONDS})`,
        parseSeconds,
      )
      .option('--force', 'after waiting, kill the process with SIGKILL (needs CATALINA_PID)'),
  ).action(async (seconds: number | undefined, options: { config?: string; force?: boolean }) =>
    setExitCode(await stopCommand(envFor(io, options), { seconds, force: options.force === true }, io)),
  );

  program
    .command('version')
    .description('print version and platform information')
    .action(() => setExitCode(versionCommand(resolveCatalinaEnv(io.env), io)));

  program
    .command('bundle <dir>')
    .description('build a .war bundle of a webapp directory, ready to drop into an appBase')
    .option('-o, --output <file>', 'bundle file to write (default: <dir>.war beside the directory)')
    .action((dir: string, options: { output?: string }) => {
      try {
        const result = buildBundle(dir, options.output);
        io.stdout(`Wrote [${result.file}]: [${result.entries}] entries, [${result.bytes}] bytes\n`);
      } catch (error) {
        io.stderr(`${describeError(error)}\n`);
        setExitCode(1);
      }
    });

  program
    .command('new-app <name>')
    .description('write a TypeScript webapp template (servlet, tsconfig, web.xml) to start from')
    .option('--dir <dir>', 'directory to create it in (default: $CATALINA_BASE/webapps)')
    .action((name: string, options: { dir?: string }) => {
      try {
        const parent = options.dir ?? join(resolveCatalinaEnv(io.env).catalinaBase, 'webapps');
        const result = createNewApp(name, parent);
        io.stdout(
          `Created [${result.dir}]: ${result.files.join(', ')}\n` +
            `Build it with: npx tsc -p ${join(result.dir, 'WEB-INF', 'tsconfig.json')}\n`,
        );
      } catch (error) {
        io.stderr(`${describeError(error)}\n`);
        setExitCode(1);
      }
    });

  registerDigestCommand(program, io, setExitCode);

  configOption(program.command('configtest').description('check server.xml and report every problem; exit code 0 when valid')).action(
    async (options: { config?: string }) => setExitCode(await configtestCommand(envFor(io, options), io)),
  );

  return program;
}

/** Parses argv (`process.argv` shape) and runs the command; resolves with the exit code. */
export async function main(argv: readonly string[] = process.argv, io: CliIo = processIo): Promise<number> {
  let exitCode = 0;
  const program = createProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(normalizeArgv(argv), { from: 'node' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    io.stderr(`${describeError(error)}\n`);
    return 1;
  }
  return exitCode;
}

/** Entry point of bin/catalina. */
export function runCli(): void {
  main().then(
    (code) => {
      process.exitCode = code;
      // A handle someone forgot to close must not keep a stopped server's process alive.
      setTimeout(() => exitProcess(code), 5000).unref();
    },
    (error: unknown) => {
      process.stderr.write(`${describeError(error)}\n`);
      exitProcess(1);
    },
  );
}

interface RunOptions {
  readonly config?: string;
  readonly security?: boolean;
}

function envFor(io: CliIo, options: { config?: string }): CatalinaEnv {
  return resolveCatalinaEnv(io.env, { config: options.config });
}

function parseSeconds(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`[${value}] is not a whole number of seconds.`);
  return Number(value);
}

async function runCommand(env: CatalinaEnv, io: CliIo, security: boolean): Promise<number> {
  if (security) {
    try {
      checkPermissionModel(env);
    } catch (error) {
      io.stderr(`${SERVER_NAME} failed to start: ${describeError(error)}\n`);
      return 1;
    }
  }
  try {
    mkdirSync(env.catalinaTmpdir, { recursive: true });
    // CATALINA_TMPDIR plays java.io.tmpdir's role: os.tmpdir() reads TMPDIR on POSIX.
    process.env['TMPDIR'] = env.catalinaTmpdir;
  } catch (error) {
    io.stderr(`Warning: cannot create CATALINA_TMPDIR [${env.catalinaTmpdir}]: ${describeError(error)}\n`);
  }
  // Loaded only here: version, configtest, start and stop must work without loading the container itself.
  const { Catalina } = await import('./catalina.js');
  const catalina = new Catalina({
    catalinaHome: env.catalinaHome,
    catalinaBase: env.catalinaBase,
    configFile: env.configFile,
    console: true,
    ownsProcess: true,
  });
  try {
    await catalina.load();
  } catch (error) {
    // load() reads the configuration, then initialises the Server, which binds the connectors (bindOnInit).
    if (error instanceof LifecycleError) {
      const cause = rootCause(error);
      const code = cause instanceof ContainerError ? ` (${cause.code})` : '';
      io.stderr(`${SERVER_NAME} failed to start: ${describeError(cause)}${code}\n`);
    } else reportConfigFailure(error, env.configFile, io);
    return 1;
  }
  // Before any app code runs (contextInitialized, load-on-startup): from here on an app's fault stays its own.
  installProcessGuard(catalina.logger.child({ component: 'Catalina' }));
  try {
    await catalina.start();
  } catch (error) {
    io.stderr(`${SERVER_NAME} failed to start: ${describeError(error)}\n`);
    await catalina.stop().catch((stopError: unknown) => io.stderr(`Stop after failed start also failed: ${describeError(stopError)}\n`));
    return 1;
  }
  await catalina.awaitShutdown();
  try {
    await catalina.stop();
  } catch (error) {
    io.stderr(`${SERVER_NAME} did not stop cleanly: ${describeError(error)}\n`);
    return 1;
  }
  return 0;
}

async function startCommand(env: CatalinaEnv, options: RunOptions, io: CliIo): Promise<number> {
  // A configuration the server would refuse is reported here, in the terminal that ran start, rather than left to
  // the background run to die of within the crash watch (which a slow machine can outlast).
  try {
    loadServerConfig(env.configFile, { catalinaHome: env.catalinaHome, catalinaBase: env.catalinaBase });
  } catch (error) {
    reportConfigFailure(error, env.configFile, io);
    io.stderr('Start aborted.\n');
    return 1;
  }
  let nodeArgs: string[] = [];
  if (options.security === true) {
    const grants = grantsFor(env, io);
    if (grants === undefined) return 1;
    nodeArgs = permissionFlags(grants);
  }
  if (env.catalinaPid !== undefined) {
    try {
      const prepared = new PidFile(env.catalinaPid).prepareForStart();
      if (prepared.removed) {
        const which = prepared.cleared === undefined ? '' : ` (process [${prepared.cleared}] is not running)`;
        io.stdout(`Removed stale PID file [${env.catalinaPid}]${which}.\n`);
      }
    } catch (error) {
      io.stderr(`${describeError(error)}\nStart aborted.\n`);
      return 1;
    }
  }
  try {
    const started = await startDaemon({
      env,
      nodeArgs,
      runArgs: [
        ...(options.config === undefined ? [] : ['--config', env.configFile]),
        ...(options.security === true ? ['--security'] : []),
      ],
      processEnv: io.env,
    });
    io.stdout(`${SERVER_NAME} started.\nPID: ${started.pid}\nOutput: ${started.out}\n`);
    return 0;
  } catch (error) {
    io.stderr(`${SERVER_NAME} failed to start. ${describeError(error)}\n`);
    return 1;
  }
}

interface StopOptions {
  /** undefined: the Server's stopTimeoutMs plus DEFAULT_STOP_WAIT_SECONDS. */
  readonly seconds: number | undefined;
  readonly force: boolean;
}

/** catalina.sh stop: shutdown command, else SIGTERM; wait n seconds; optionally SIGKILL. */
async function stopCommand(env: CatalinaEnv, options: StopOptions, io: CliIo): Promise<number> {
  const pidFile = env.catalinaPid === undefined ? undefined : new PidFile(env.catalinaPid);
  let pid: number | undefined;
  if (pidFile !== undefined) {
    const state = pidFile.inspect();
    switch (state.kind) {
      case 'missing':
        io.stderr(`CATALINA_PID was set but the file [${pidFile.path}] does not exist. Is ${SERVER_NAME} running? Stop aborted.\n`);
        return 1;
      case 'empty':
      case 'invalid':
        io.stderr(`PID file [${pidFile.path}] holds no pid and has been ignored.\n`);
        break;
      case 'stale':
        pidFile.remove();
        io.stderr(`PID file [${pidFile.path}] names process [${state.pid}], which is not running; the file was removed. Stop aborted.\n`);
        return 1;
      case 'running':
        pid = state.pid;
        break;
    }
  }

  const config = loadConfigForStop(env, io);
  // The watchdog ends a server whose stop overruns stopTimeoutMs: by then it has exited, one way or the other.
  const waitSeconds = options.seconds ?? Math.ceil((config?.stopTimeoutMs ?? 0) / 1000) + DEFAULT_STOP_WAIT_SECONDS;
  // Without a pid, the shutdown connection tells: the server holds it open until its process has exited.
  const sent = config === undefined ? 'failed' : await trySendShutdown(config, env, io, pid === undefined ? waitSeconds * 1000 : undefined);
  if (sent === 'failed') {
    if (pid === undefined) {
      const hint = pidFile === undefined ? ' Set CATALINA_PID to let stop signal the process instead.' : '';
      io.stderr(`${SERVER_NAME} could not be stopped.${hint}\n`);
      return 1;
    }
    io.stderr(`The stop command failed. Sending SIGTERM to process [${pid}].\n`);
    if (!signal(pid, 'SIGTERM', io)) return 1;
  }

  if (pid === undefined) {
    if (sent === 'exited') {
      io.stdout(`${SERVER_NAME} stopped.\n`);
      return 0;
    }
    io.stderr(
      `${SERVER_NAME} did not stop within [${waitSeconds}] s: its shutdown connection is still open. ` +
        `Wait longer (stop <n>), or set CATALINA_PID to let stop -force kill it.\n`,
    );
    return 1;
  }

  if (await waitForExit(pid, waitSeconds * 1000)) {
    pidFile?.remove();
    io.stdout(`${SERVER_NAME} stopped.\n`);
    return 0;
  }
  if (!options.force) {
    io.stderr(
      `${SERVER_NAME} process [${pid}] did not stop within [${waitSeconds}] s; the PID file was not removed. ` +
        `Wait longer (stop <n>) or use stop -force.\n`,
    );
    return 1;
  }
  io.stdout(`Killing ${SERVER_NAME} with the PID [${pid}].\n`);
  if (!signal(pid, 'SIGKILL', io)) return 1;
  if (await waitForExit(pid, KILL_WAIT_MS)) {
    pidFile?.remove();
    io.stdout(`The ${SERVER_NAME} process has been killed.\n`);
    return 0;
  }
  io.stderr(`${SERVER_NAME} process [${pid}] is still running after SIGKILL; the PID file was not removed.\n`);
  return 1;
}

function loadConfigForStop(env: CatalinaEnv, io: CliIo): ServerConfig | undefined {
  try {
    // Only the shutdown port is needed: a context.xml edited since the start must not keep the server from stopping.
    return loadServerConfig(env.configFile, {
      catalinaHome: env.catalinaHome,
      catalinaBase: env.catalinaBase,
      checkContextDefaults: false,
    });
  } catch (error) {
    reportConfigFailure(error, env.configFile, io);
    io.stderr('The shutdown port cannot be determined without a valid configuration.\n');
    return undefined;
  }
}

/**
 * Sends the shutdown command to the Server port of `config`. With `waitMs`, then waits for the server to close the
 * connection, which it does by exiting: 'exited', or 'sent' when it is still open after waitMs.
 */
async function trySendShutdown(
  config: ServerConfig,
  env: CatalinaEnv,
  io: CliIo,
  waitMs: number | undefined,
): Promise<'failed' | 'sent' | 'exited'> {
  if (config.port < 0) {
    io.stderr(`The shutdown port is disabled (Server port [${config.port}] in [${env.configFile}]).\n`);
    return 'failed';
  }
  const port = config.port + config.portOffset;
  const target = { port, address: config.address, command: config.shutdown };
  try {
    if (waitMs === undefined) {
      await sendShutdownCommand(target);
      io.stdout(`Shutdown command sent to [${config.address}:${port}].\n`);
      return 'sent';
    }
    let sent = false;
    const exited = await sendShutdownCommandAndWait(target, waitMs, () => {
      sent = true;
      io.stdout(`Shutdown command sent to [${config.address}:${port}].\n`);
    });
    return exited && sent ? 'exited' : 'sent';
  } catch (error) {
    io.stderr(`${describeError(error)}\n`);
    return 'failed';
  }
}

function signal(pid: number, name: NodeJS.Signals, io: CliIo): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch (error) {
    const detail = (error as NodeJS.ErrnoException).code === 'EPERM' ? 'permission denied' : describeError(error);
    io.stderr(`Cannot send ${name} to process [${pid}]: ${detail}.\n`);
    // ESRCH: it is already gone, which is what was wanted.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const rounds = Math.ceil(timeoutMs / POLL_MS);
  for (let round = 0; round < rounds; round++) {
    if (!isProcessAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return !isProcessAlive(pid);
}

/** What `-security` grants for this configuration, or undefined (reported) when the configuration cannot be read. */
function grantsFor(env: CatalinaEnv, io: CliIo): PermissionGrants | undefined {
  try {
    return permissionGrants(env, loadServerConfig(env.configFile, { catalinaHome: env.catalinaHome, catalinaBase: env.catalinaBase }));
  } catch (error) {
    reportConfigFailure(error, env.configFile, io);
    return undefined;
  }
}

function securityFlagsCommand(env: CatalinaEnv, io: CliIo): number {
  const grants = grantsFor(env, io);
  if (grants === undefined) return 1;
  io.stdout(`${shellWords(permissionFlags(grants))}\n`);
  return 0;
}

function versionCommand(env: CatalinaEnv, io: CliIo): number {
  const lines = [
    `Using CATALINA_BASE:   ${env.catalinaBase}`,
    `Using CATALINA_HOME:   ${env.catalinaHome}`,
    `Using CATALINA_TMPDIR: ${env.catalinaTmpdir}`,
    `Server version: ${SERVER_INFO}`,
    `Server number:  ${SERVER_VERSION}`,
    `OS Name:        ${os.type()}`,
    `OS Version:     ${os.release()}`,
    `Architecture:   ${os.arch()}`,
    `Node version:   ${process.version}`,
    `V8 version:     ${process.versions.v8}`,
  ];
  io.stdout(`${lines.join('\n')}\n`);
  return 0;
}

async function configtestCommand(env: CatalinaEnv, io: CliIo): Promise<number> {
  let config: ServerConfig;
  try {
    config = loadServerConfig(env.configFile, { catalinaHome: env.catalinaHome, catalinaBase: env.catalinaBase });
  } catch (error) {
    reportConfigFailure(error, env.configFile, io);
    return 1;
  }
  for (const warning of config.warnings) io.stderr(`${formatProblem(warning)}\n`);
  const warnings = config.warnings.length === 0 ? '' : ` with ${config.warnings.length} warning(s)`;
  io.stdout(`Configuration file [${env.configFile}] is valid${warnings}.\n`);
  return 0;
}

/** Every problem on its own line (file:line, element path), then the count. */
function reportConfigFailure(error: unknown, file: string, io: CliIo): void {
  if (error instanceof ConfigValidationError) {
    const errors = error.problems.filter((problem) => problem.severity === 'error');
    for (const problem of error.problems) io.stderr(`${formatProblem(problem)}\n`);
    io.stderr(`Configuration file [${file}] has ${errors.length} error(s).\n`);
    return;
  }
  io.stderr(`Configuration file [${file}] could not be loaded: ${describeError(error)}\n`);
}

/** The failure under the lifecycle's "Failed to init component […]" wrappers: what the operator can act on. */
function rootCause(error: unknown): unknown {
  let current = error;
  while (current instanceof LifecycleError && current.cause !== undefined) current = current.cause;
  return current;
}

function describeError(error: unknown): string {
  if (error instanceof ContainerError) {
    const cause = error.cause instanceof Error && !error.message.includes(error.cause.message) ? ` (${error.cause.message})` : '';
    return `${error.message}${cause}`;
  }
  if (error instanceof Error) return error.stack ?? error.message;
  return String(error);
}
