// Run by redeploy-heap.e2e.test.ts as `node --expose-gc heap-probe.cjs <appDir>`: starts the compiled server
// (dist/) on a temporary CATALINA_BASE, redeploys a bundle of <appDir> 50 times through HostConfig.check(),
// and prints the heap used after GC at generation 1 and after generation 50 as one JSON line.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Writable } = require('node:stream');

const repo = path.resolve(__dirname, '..', '..', '..');
const dist = path.join(repo, 'dist');
const { Catalina } = require(path.join(dist, 'startup', 'catalina.js'));
const { buildZip, collectDirectory } = require(path.join(dist, 'deploy', 'bundle-builder.js'));
const pino = require('pino');

const GENERATIONS = Number(process.env.GENERATIONS ?? 50);

async function main() {
  const appDir = process.argv[2];
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'serval-heap-'));
  const appBase = path.join(base, 'webapps');
  fs.mkdirSync(path.join(base, 'conf'), { recursive: true });
  fs.mkdirSync(appBase);
  fs.copyFileSync(path.join(repo, 'conf', 'web.xml'), path.join(base, 'conf', 'web.xml'));
  fs.writeFileSync(
    path.join(base, 'conf', 'server.xml'),
    `<Server port="-1" shutdown="SHUTDOWN"><Service name="Catalina"><Connector port="0" address="127.0.0.1"/>
     <Engine name="Catalina" defaultHost="localhost"><Host name="localhost" appBase="${appBase}" autoDeploy="true"/></Engine>
     </Service></Server>`,
  );
  const bytes = buildZip(collectDirectory(appDir));
  let tick = 0;
  const drop = () => {
    const file = path.join(appBase, 'leaky.war');
    fs.writeFileSync(`${file}.tmp`, bytes);
    const seconds = (Date.now() - 20_000) / 1000 + tick++ / 100;
    fs.utimesSync(`${file}.tmp`, seconds, seconds);
    fs.renameSync(`${file}.tmp`, file);
  };
  drop();
  let warnings = 0;
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      if (chunk.toString().includes('to prevent a memory leak')) warnings++;
      callback();
    },
  });
  const catalina = new Catalina({
    catalinaHome: repo,
    catalinaBase: base,
    configFile: path.join(base, 'conf', 'server.xml'),
    console: false,
    logger: pino({ level: 'info' }, sink),
  });
  await catalina.load();
  await catalina.start();
  const host = catalina.server.services[0].engine.findChild('localhost');
  const port = catalina.server.services[0].connectors[0].localPort;
  const heap = async () => {
    for (let i = 0; i < 4; i++) {
      global.gc();
      await new Promise((resolve) => setImmediate(resolve));
    }
    return process.memoryUsage().heapUsed;
  };
  const serving = async () => (await (await fetch(`http://127.0.0.1:${port}/leaky/state`)).text()) === 'size=150000';
  if (!(await serving())) throw new Error('generation 1 is not serving');
  const first = await heap();
  for (let generation = 2; generation <= GENERATIONS; generation++) {
    drop();
    await host.deployer.check();
    if (!(await serving())) throw new Error(`generation ${generation} is not serving`);
  }
  const last = await heap();
  await catalina.stop();
  fs.rmSync(base, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify({ first, last, generations: GENERATIONS, warnings })}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
