/**
 * The Pipeline links container valves directly and puts a public valve (the plain `async` contract of
 * `<Valve className="./my-valve.js"/>`) between them through an adapter: the public valve's `next` always
 * answers with a promise, even when the rest of the chain finished synchronously.
 */
import { describe, expect, it } from 'vitest';
import { Pipeline } from '../../../src/core/pipeline.js';
import type { Request } from '../../../src/core/request.js';
import type { Response } from '../../../src/core/response.js';
import { ContainerValveBase, type Valve, type ValveResult } from '../../../src/core/valve.js';

const request = {} as Request;
const response = {} as Response;

/** A container valve that records its name and finishes synchronously unless told to wait. */
class Recording extends ContainerValveBase {
  constructor(
    readonly name: string,
    readonly seen: string[],
  ) {
    super();
  }

  invoke(rq: Request, rs: Response): ValveResult {
    this.seen.push(this.name);
    return this.next?.invoke(rq, rs);
  }
}

describe('Pipeline', () => {
  it('runs valves in the order added, then the basic valve; container valves stay synchronous', () => {
    const seen: string[] = [];
    const pipeline = new Pipeline({ componentName: 'test' });
    pipeline.setBasic(new Recording('basic', seen));
    pipeline.addValve(new Recording('a', seen));
    pipeline.addValve(new Recording('b', seen));
    expect(pipeline.invoke(request, response)).toBeUndefined();
    expect(seen).toEqual(['a', 'b', 'basic']);
    expect(pipeline.getValves().map((v) => (v as Recording).name)).toEqual(['a', 'b']);
  });

  it('gives a public valve a next whose invoke() is a promise, also when the rest finished synchronously', async () => {
    const seen: string[] = [];
    const results: unknown[] = [];
    const user: Valve = {
      next: null,
      async invoke(rq, rs) {
        seen.push('user');
        const result = this.next!.invoke(rq, rs);
        results.push(result);
        await result;
        seen.push('user after');
      },
    };
    const pipeline = new Pipeline({ componentName: 'test' });
    pipeline.setBasic(new Recording('basic', seen));
    pipeline.addValve(new Recording('before', seen));
    pipeline.addValve(user);
    await pipeline.invoke(request, response);
    expect(seen).toEqual(['before', 'user', 'basic', 'user after']);
    expect(results[0]).toBeInstanceOf(Promise);
  });

  it("turns a synchronous throw after a public valve into the rejection of its next's promise", async () => {
    class Throwing extends ContainerValveBase {
      invoke(): ValveResult {
        throw new Error('basic failed');
      }
    }
    let caught: unknown;
    const user: Valve = {
      next: null,
      async invoke(rq, rs) {
        const result = this.next!.invoke(rq, rs);
        expect(result).toBeInstanceOf(Promise);
        await result.catch((error: unknown) => {
          caught = error;
        });
      },
    };
    const pipeline = new Pipeline({ componentName: 'test' });
    pipeline.setBasic(new Throwing());
    pipeline.addValve(user);
    await pipeline.invoke(request, response);
    expect((caught as Error).message).toBe('basic failed');
  });

  it('relinks the chain when a valve is removed', () => {
    const seen: string[] = [];
    const pipeline = new Pipeline({ componentName: 'test' });
    pipeline.setBasic(new Recording('basic', seen));
    const a = new Recording('a', seen);
    pipeline.addValve(a);
    pipeline.addValve(new Recording('b', seen));
    pipeline.removeValve(a);
    expect(pipeline.invoke(request, response)).toBeUndefined();
    expect(seen).toEqual(['b', 'basic']);
  });
});
