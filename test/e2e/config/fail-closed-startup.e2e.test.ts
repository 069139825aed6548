/**
 * Fail closed at startup (architecture decision 11): a server.xml or conf/context.xml that names a Valve Serval does
 * not implement and cannot ignore stops `catalina run` before it serves anything, with file:line and the reason.
 */
import { describe, expect, it } from 'vitest';
import { startChildServer, type ChildServerOptions } from '../../helpers/child-server.js';

const PERSISTENT = '<Valve className="org.apache.catalina.valves.PersistentValve"/>';

/** The child's output once it has refused to start (the start rejects with that output in its message). */
async function refusedStartup(options: ChildServerOptions): Promise<string> {
  try {
    const server = await startChildServer({ ...options, startTimeoutMs: 20_000 });
    await server.stop();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the server started');
}

describe('startup refuses a configuration that asks for protection Serval cannot give', () => {
  it('server.xml: a PersistentValve in the Host', async () => {
    const output = await refusedStartup({ hostContent: `\n${PERSISTENT}` });
    expect(output).toContain('the server exited during startup');
    expect(output).toMatch(/conf\/server\.xml:\d+: Server\/Service\[0\]\/Engine\[0\]\/Host\[0\]\/Valve\[0\] \[className\]/);
    expect(output).toContain('PersistentValve] on element [Valve] is not implemented, and it cannot be ignored');
    expect(output).toContain('SV_ERR_CONFIG_CLASS_REFUSED');
  });

  it('conf/context.xml: a PersistentValve every application would get', async () => {
    const output = await refusedStartup({ files: { 'conf/context.xml': `<Context>\n  ${PERSISTENT}\n</Context>\n` } });
    expect(output).toContain('the server exited during startup');
    expect(output).toContain('conf/context.xml:2: Context/Valve[0] [className]');
    expect(output).toContain('SV_ERR_CONFIG_CLASS_REFUSED');
    expect(output).not.toContain('SV_MSG_STARTUP_STARTED');
  });
});
