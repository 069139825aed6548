// StuckThreadDetectionValve's configuration (server.xml attributes, which requests a Host's valve watches) and
// the main thread's watch (report once, completion, interrupt past interruptThreadThreshold, disabled cases).
import pino from 'pino';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadServerConfigFromString, type ConfigEnvironment } from '../../../src/config/server-xml-loader.js';
import { StuckRequestWatch, type WatchedRequest } from '../../../src/valves/stuck-request-watch.js';
import type { Exchange } from '../../../src/protocol/exchange.js';
import { stuckWatchSpecs } from '../../../src/blocking/main/stuck-watch-specs.js';

const env: ConfigEnvironment = { catalinaHome: '/opt/serval', catalinaBase: '/srv/base', env: {} };
const VALVE = 'org.apache.catalina.valves.StuckThreadDetectionValve';

function serverXml(engineValves: string, hostValves: string): string {
  return `<Server port="8005" shutdown="SHUTDOWN">
  <Service name="Catalina">
    <Connector port="8080"/>
    <Engine name="Catalina" defaultHost="localhost">
      ${engineValves}
      <Host name="localhost"><Alias>www.example.test</Alias>${hostValves}</Host>
      <Host name="other.test"/>
    </Engine>
  </Service>
</Server>`;
}

function capture(): { logger: pino.Logger; records: Record<string, unknown>[] } {
  const records: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) records.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, sink), records };
}

async function flushed(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
}

function exchangeFor(host: string | null): Exchange {
  return { rawHeaders: host === null ? [] : ['Host', host] } as unknown as Exchange;
}

describe('StuckThreadDetectionValve configuration', () => {
  it('has Tomcat 10.1 defaults: threshold 600 s, interruptThreadThreshold -1', () => {
    const config = loadServerConfigFromString(serverXml(`<Valve className="${VALVE}"/>`, ''), env);
    expect(config.services[0]!.engine.valves[0]!.attributes).toEqual({ threshold: 600, interruptThreadThreshold: -1 });
    expect(config.warnings).toEqual([]);
  });

  it('reads both attributes on Engine and Host', () => {
    const config = loadServerConfigFromString(
      serverXml(`<Valve className="${VALVE}" threshold="5" interruptThreadThreshold="10"/>`, `<Valve className="${VALVE}" threshold="0"/>`),
      env,
    );
    expect(config.services[0]!.engine.valves[0]!.attributes).toEqual({ threshold: 5, interruptThreadThreshold: 10 });
    expect(config.services[0]!.engine.hosts[0]!.valves[0]!.attributes).toEqual({ threshold: 0, interruptThreadThreshold: -1 });
  });

  it.each([
    ['threshold="-1"', 'threshold'],
    ['threshold="soon"', 'threshold'],
    ['interruptThreadThreshold="-2"', 'interruptThreadThreshold'],
    ['thresold="5"', 'thresold'],
  ])('rejects %s', (attribute, name) => {
    let problems: readonly { attribute?: string | undefined }[] = [];
    try {
      loadServerConfigFromString(serverXml(`<Valve className="${VALVE}" ${attribute}/>`, ''), env);
    } catch (error) {
      problems = (error as { problems: readonly { attribute?: string }[] }).problems;
    }
    expect(problems.map((problem) => problem.attribute)).toContain(name);
  });

  it('an Engine valve watches every request; a Host valve those its Host (names, aliases, or as default) would map', () => {
    const config = loadServerConfigFromString(
      serverXml(`<Valve className="${VALVE}" threshold="7"/>`, `<Valve className="${VALVE}" threshold="3" interruptThreadThreshold="4"/>`),
      env,
    );
    const specs = stuckWatchSpecs(config.services[0]!.engine);
    expect(specs.map((spec) => spec.policy)).toEqual([
      { threshold: 7, interruptThreadThreshold: -1 },
      { threshold: 3, interruptThreadThreshold: 4 },
    ]);
    expect(specs[0]!.appliesTo).toBeUndefined();
    const host = specs[1]!.appliesTo!;
    expect(host(exchangeFor('LocalHost:8080'))).toBe(true);
    expect(host(exchangeFor('www.example.test'))).toBe(true);
    expect(host(exchangeFor('unknown.test'))).toBe(true);
    expect(host(exchangeFor(null))).toBe(true);
    expect(host(exchangeFor('other.test:80'))).toBe(false);
  });
});

describe('StuckRequestWatch', () => {
  const request = (uri: string): WatchedRequest => ({ uri, connection: 'c1', thread: 'pool-exec-1' });

  it('reports a request past the threshold once, then its completion', async () => {
    const { logger, records } = capture();
    const watch = new StuckRequestWatch<WatchedRequest>({ threshold: 1, interruptThreadThreshold: -1 }, logger, null);
    const slow = request('/slow?x=1');
    const quick = request('/quick');
    watch.add(slow);
    watch.add(quick);
    const now = performance.now();
    watch.check(now + 500);
    expect(watch.stuck).toBe(0);
    watch.remove(quick);
    watch.check(now + 1500);
    watch.check(now + 2500);
    expect(watch.stuck).toBe(1);
    watch.remove(slow);
    expect(watch.stuck).toBe(0);
    expect(watch.size).toBe(0);
    await flushed();
    expect(records.map((r) => [r.code, r.uri])).toEqual([
      ['SV_MSG_STUCK_REQUEST_DETECTED', '/slow?x=1'],
      ['SV_MSG_STUCK_REQUEST_COMPLETED', '/slow?x=1'],
    ]);
    expect(records[0]!.msg).toContain('pool-exec-1');
  });

  it('interrupts once past interruptThreadThreshold, never when it is 0 or -1, nothing at all when threshold is 0', () => {
    const run = (threshold: number, interruptThreadThreshold: number): string[] => {
      const interrupted: string[] = [];
      const watch = new StuckRequestWatch<WatchedRequest>({ threshold, interruptThreadThreshold }, pino({ level: 'silent' }), (r) =>
        interrupted.push(r.uri),
      );
      watch.add(request('/spin'));
      const now = performance.now();
      watch.check(now + 1500);
      watch.check(now + 2500);
      watch.check(now + 3500);
      return interrupted;
    };
    expect(run(1, 2)).toEqual(['/spin']);
    expect(run(1, 5)).toEqual([]);
    expect(run(1, 0)).toEqual([]);
    expect(run(1, -1)).toEqual([]);
    expect(run(0, 2)).toEqual([]);
  });
});
