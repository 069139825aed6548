import net from 'node:net';
import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { ContainerError } from '../../../src/errors/container-error.js';
import {
  sendShutdownCommand,
  sendShutdownCommandAndWait,
  ShutdownPort,
  type ShutdownPortOptions,
} from '../../../src/core/shutdown-port.js';
import { ManualClock } from '../../../src/time/manual-clock.js';

const opened: ShutdownPort[] = [];
const sockets: net.Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(opened.splice(0).map((port) => port.close()));
});

interface Harness {
  readonly shutdownPort: ShutdownPort;
  readonly port: number;
  readonly warnings: string[];
  /** Resolves when onShutdown fires. */
  readonly triggered: Promise<void>;
  readonly fired: () => number;
}

async function open(options: Partial<ShutdownPortOptions> = {}): Promise<Harness> {
  const warnings: string[] = [];
  const shutdownPort = new ShutdownPort({
    port: 0,
    address: '127.0.0.1',
    command: 'SHUTDOWN',
    logger: { warn: (message) => warnings.push(message) },
    ...options,
  });
  opened.push(shutdownPort);
  let count = 0;
  const triggered = new Promise<void>((resolve) =>
    shutdownPort.onShutdown(() => {
      count++;
      resolve();
    }),
  );
  const { port } = await shutdownPort.listen();
  return { shutdownPort, port, warnings, triggered, fired: () => count };
}

function connect(port: number, host = '127.0.0.1'): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host });
    sockets.push(socket);
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Writes each part separately (waiting for it to be flushed), then ends; resolves when the server closed it. */
async function send(port: number, parts: readonly (string | Buffer)[], end = true): Promise<void> {
  const socket = await connect(port);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => undefined);
  for (const part of parts) {
    await new Promise<void>((resolve) => socket.write(part, () => resolve()));
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (end) socket.end();
  await closed;
}

function waitFor(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = (): void => {
      if (predicate()) resolve();
      else if (Date.now() - started > timeoutMs) reject(new Error('condition not met in time'));
      else setTimeout(tick, 10);
    };
    tick();
  });
}

function refused(port: number, host = '127.0.0.1'): Promise<boolean> {
  return connect(port, host).then(
    () => false,
    (error: NodeJS.ErrnoException) => error.code === 'ECONNREFUSED',
  );
}

describe('ShutdownPort', () => {
  it('an exact command triggers onShutdown once and the port stops listening', async () => {
    const h = await open();
    await send(h.port, ['SHUTDOWN']);
    await h.triggered;
    expect(h.fired()).toBe(1);
    expect(h.warnings).toEqual([]);
    await waitFor(() => h.shutdownPort.boundAddress === undefined);
    expect(await refused(h.port)).toBe(true);
  });

  it('a control character ends the command (SHUTDOWN\\r\\n from telnet works)', async () => {
    const h = await open();
    await send(h.port, ['SHUTDOWN\r\nignored'], false);
    await h.triggered;
    expect(h.fired()).toBe(1);
  });

  it('accepts the command split at every point', async () => {
    const command = 'SHUTDOWN';
    for (let split = 1; split < command.length; split++) {
      const h = await open();
      await send(h.port, [command.slice(0, split), command.slice(split)]);
      await h.triggered;
      expect(h.fired(), `split at ${split}`).toBe(1);
      await h.shutdownPort.close();
    }
  });

  it('a wrong command, a case difference and a prefix are logged and ignored; the port keeps working', async () => {
    const h = await open();
    await send(h.port, ['SHUTDOWNX']);
    await send(h.port, ['shutdown']);
    await send(h.port, ['SHUTDOW']);
    await send(h.port, ['SHUT\nDOWN']);
    await send(h.port, []);
    await waitFor(() => h.warnings.length === 5);
    expect(h.warnings).toEqual([
      'Invalid shutdown command received [SHUTDOWNX]',
      'Invalid shutdown command received [shutdown]',
      'Invalid shutdown command received [SHUTDOW]',
      'Invalid shutdown command received [SHUT]',
      'Invalid shutdown command received []',
    ]);
    expect(h.fired()).toBe(0);
    await send(h.port, ['SHUTDOWN']);
    await h.triggered;
    expect(h.fired()).toBe(1);
  });

  it('a long garbage stream is cut at 1024 bytes, logged truncated and escaped, and the port stays usable', async () => {
    const h = await open();
    const garbage = Buffer.concat([Buffer.from('\\ab\xff', 'latin1'), Buffer.alloc(200_000, 'A')]);
    const socket = await connect(h.port);
    socket.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write(garbage);
    // The server closes after its read limit without waiting for the rest of the stream.
    await closed;
    await waitFor(() => h.warnings.length === 1);
    const warning = h.warnings[0] as string;
    expect(warning.startsWith('Invalid shutdown command received [\\x5cab\\xffAAAA')).toBe(true);
    expect(warning).toContain('(1024 bytes)]');
    expect(warning.length).toBeLessThan(200);
    expect(h.fired()).toBe(0);
    await send(h.port, ['SHUTDOWN']);
    await h.triggered;
  });

  it('a client that connects and sends nothing is dropped after the read timeout; the next one is served', async () => {
    const clock = new ManualClock();
    const h = await open({ readTimeoutMs: 300, clock });
    const idle = await connect(h.port);
    const idleClosed = new Promise<void>((resolve) => idle.once('close', () => resolve()));
    // The server is reading the idle connection once its read timer is armed.
    await clock.whenTimers(1);
    // This one queues behind the idle connection (one at a time, backlog 1).
    const sent = send(h.port, ['SHUTDOWN']);
    clock.advance(299);
    expect(h.warnings).toEqual([]);
    clock.advance(1);
    await idleClosed;
    await sent;
    await h.triggered;
    expect(h.warnings).toEqual(['Shutdown port: no command received within [300] ms; connection closed']);
  });

  it('serves one connection at a time with one waiting; further connections are closed at once', async () => {
    const h = await open({ readTimeoutMs: 10_000 });
    await connect(h.port);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await connect(h.port);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const third = await connect(h.port);
    third.on('error', () => undefined);
    // Closed well before the 10 s read timeout could have fired.
    await new Promise<void>((resolve) => third.once('close', () => resolve()));
    expect(h.fired()).toBe(0);
  });

  it('matches a command longer than 1024 characters', async () => {
    const command = `S${'x'.repeat(1500)}`;
    const h = await open({ command });
    await send(h.port, [command.slice(0, 700), command.slice(700)]);
    await h.triggered;
    expect(h.warnings).toEqual([]);
  });

  it('port -1 disables it: listen resolves and nothing is bound', async () => {
    const servers = (): number => process.getActiveResourcesInfo().filter((name) => name === 'TCPServerWrap').length;
    const before = servers();
    const h = await open({ port: -1 });
    expect(h.port).toBe(-1);
    expect(h.shutdownPort.disabled).toBe(true);
    expect(h.shutdownPort.boundAddress).toBeUndefined();
    expect(servers()).toBe(before);
    await h.shutdownPort.close();
  });

  it('binds only to loopback by default', async () => {
    const h = await open({ address: undefined });
    const bound = h.shutdownPort.boundAddress;
    expect(bound).toBeDefined();
    expect(['127.0.0.1', '::1']).toContain(bound?.address);
    const external = Object.values(os.networkInterfaces())
      .flat()
      .find((info) => info !== undefined && !info.internal && info.family === 'IPv4');
    // Where the machine has a non-loopback interface, the port must not answer on it.
    if (external !== undefined) expect(await refused(h.port, external.address)).toBe(true);
    await sendShutdownCommand({ port: h.port, command: 'SHUTDOWN' });
    await h.triggered;
  });

  it('rejects with SV_ERR_STARTUP_SHUTDOWN_BIND when the port is taken', async () => {
    const h = await open();
    const second = new ShutdownPort({ port: h.port, address: '127.0.0.1', command: 'SHUTDOWN', logger: { warn: () => undefined } });
    opened.push(second);
    await expect(second.listen()).rejects.toMatchObject({
      code: 'SV_ERR_STARTUP_SHUTDOWN_BIND',
      message: `Failed to bind the shutdown port [127.0.0.1:${h.port}]: EADDRINUSE; change the port or address attribute of Server`,
    });
  });
});

describe('sendShutdownCommand', () => {
  it('connects, writes exactly the command and closes', async () => {
    const received: Buffer[] = [];
    let ended!: () => void;
    const done = new Promise<void>((resolve) => (ended = resolve));
    const server = net.createServer((socket) => {
      socket.on('data', (data: Buffer) => received.push(data));
      socket.on('end', () => {
        socket.end();
        ended();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    try {
      const { port } = server.address() as net.AddressInfo;
      await sendShutdownCommand({ port, address: '127.0.0.1', command: 'STOP-NOW' });
      await done;
      expect(Buffer.concat(received).toString('utf8')).toBe('STOP-NOW');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a refused connection rejects with SV_ERR_STARTUP_SHUTDOWN_PORT', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const { port } = server.address() as net.AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const error = await sendShutdownCommand({ port, address: '127.0.0.1', command: 'SHUTDOWN' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ContainerError);
    expect((error as ContainerError).code).toBe('SV_ERR_STARTUP_SHUTDOWN_PORT');
    expect((error as ContainerError).message).toContain(`[127.0.0.1:${port}]`);
    expect((error as ContainerError).message).toContain('refused');
  });

  it('a disabled port rejects without connecting', async () => {
    await expect(sendShutdownCommand({ port: -1, command: 'SHUTDOWN' })).rejects.toMatchObject({
      code: 'SV_ERR_STARTUP_SHUTDOWN_PORT',
    });
  });
});

describe('holding the accepted connection until the process exits (catalina stop waits for it)', () => {
  it('the connection that delivered the command stays open; the waiting client sees it close when it is released', async () => {
    const h = await open({ holdAcceptedConnection: true });
    // Nothing closes the held connection but the end of its process: here, the wait bound runs out first.
    await expect(sendShutdownCommandAndWait({ port: h.port, address: '127.0.0.1', command: 'SHUTDOWN' }, 200)).resolves.toBe(false);
    await h.triggered;
    expect(h.fired()).toBe(1);
  });

  it('a wrong command is not held: the client sees the connection close at once', async () => {
    const h = await open({ holdAcceptedConnection: true });
    await expect(sendShutdownCommandAndWait({ port: h.port, address: '127.0.0.1', command: 'WRONG' }, 10_000)).resolves.toBe(true);
    expect(h.fired()).toBe(0);
    expect(h.warnings.join('\n')).toContain('Invalid shutdown command received [WRONG]');
  });

  it('without holdAcceptedConnection the accepted connection is closed too (Tomcat)', async () => {
    const h = await open();
    await expect(sendShutdownCommandAndWait({ port: h.port, address: '127.0.0.1', command: 'SHUTDOWN' }, 10_000)).resolves.toBe(true);
    expect(h.fired()).toBe(1);
  });

  it('the client resolves true once a server that held the connection ends it', async () => {
    let held: net.Socket | undefined;
    const server = net.createServer({ allowHalfOpen: true }, (socket) => {
      socket.resume();
      socket.once('end', () => (held = socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    try {
      const { port } = server.address() as net.AddressInfo;
      const waiting = sendShutdownCommandAndWait({ port, address: '127.0.0.1', command: 'SHUTDOWN' }, 10_000);
      await waitFor(() => held !== undefined);
      held?.destroy();
      await expect(waiting).resolves.toBe(true);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
