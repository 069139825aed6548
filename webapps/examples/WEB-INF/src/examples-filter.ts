/** Marks every response of the examples app with `X-Examples-Filter: on`, then passes the request on. */
import {
  WebFilter,
  type Filter,
  type FilterChain,
  type HttpServletResponse,
  type ServletRequest,
  type ServletResponse,
} from 'serval/servlet';

@WebFilter({ filterName: 'examples', urlPatterns: ['/*'], dispatcherTypes: ['REQUEST', 'FORWARD', 'INCLUDE', 'ERROR'] })
export class ExamplesFilter implements Filter {
  doFilter(request: ServletRequest, response: ServletResponse, chain: FilterChain): Promise<void> {
    (response as HttpServletResponse).setHeader('X-Examples-Filter', 'on');
    return chain.doFilter(request, response);
  }
}
