import { describe, expect, it } from 'vitest';
import { ApplicationFilterChain } from '../../../src/core/application-filter-chain.js';
import { isPending, SETTLED } from '../../../src/core/valve.js';
import type { Filter, FilterChain } from '../../../src/servlet/filter.js';
import type { ServletRequest } from '../../../src/servlet/http-servlet-request.js';
import type { ServletResponse } from '../../../src/servlet/http-servlet-response.js';
import type { Servlet } from '../../../src/servlet/servlet.js';

const request = {} as ServletRequest;
const response = {} as ServletResponse;

function servlet(result: () => void | Promise<void>, calls: string[]): Servlet {
  return {
    service: () => {
      calls.push('servlet');
      return result();
    },
  } as unknown as Servlet;
}

/** A filter that hands the chain's promise back unchanged (no `async`). */
const passThrough = (calls: string[]): Filter => ({
  doFilter: (req: ServletRequest, res: ServletResponse, chain: FilterChain) => {
    calls.push('filter');
    return chain.doFilter(req, res);
  },
});

describe('ApplicationFilterChain: a filter passing on a finished chain is not awaited', () => {
  it('treats the SETTLED promise as finished and any other thenable as pending', () => {
    expect(isPending(SETTLED)).toBe(false);
    expect(isPending(Promise.resolve())).toBe(true);
    expect(isPending(undefined)).toBe(false);
  });

  it('runs a synchronous servlet behind a pass-through filter to the end without a pending result', () => {
    const calls: string[] = [];
    const result = new ApplicationFilterChain(
      [passThrough(calls)],
      servlet(() => undefined, calls),
    ).run(request, response);
    expect(calls).toEqual(['filter', 'servlet']);
    expect(isPending(result)).toBe(false);
  });

  it('still reports a servlet that is running as pending through the same filter', async () => {
    const calls: string[] = [];
    let finish!: () => void;
    const running = new Promise<void>((resolve) => (finish = resolve));
    const result = new ApplicationFilterChain(
      [passThrough(calls)],
      servlet(() => running, calls),
    ).run(request, response);
    expect(isPending(result)).toBe(true);
    finish();
    await result;
  });

  it('refuses a second doFilter() from the same filter, naming the filter', async () => {
    class TwiceFilter implements Filter {
      async doFilter(req: ServletRequest, res: ServletResponse, chain: FilterChain): Promise<void> {
        await chain.doFilter(req, res);
        await chain.doFilter(req, res);
      }
    }
    const calls: string[] = [];
    const result = new ApplicationFilterChain(
      [new TwiceFilter()],
      servlet(() => undefined, calls),
    ).run(request, response);
    await expect(result).rejects.toMatchObject({
      code: 'SV_ERR_SERVLET_FILTER_CHAIN_REUSED',
      message: 'FilterChain.doFilter() was called more than once by filter [TwiceFilter]; a filter passes a request down the chain once',
    });
    expect(calls).toEqual(['servlet']);
  });

  it('still awaits an async filter', () => {
    const calls: string[] = [];
    const asyncFilter: Filter = {
      doFilter: async (req, res, chain) => {
        await chain.doFilter(req, res);
      },
    };
    const result = new ApplicationFilterChain(
      [asyncFilter],
      servlet(() => undefined, calls),
    ).run(request, response);
    expect(isPending(result)).toBe(true);
    return result;
  });
});
