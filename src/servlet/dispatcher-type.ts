/** Why a request reached a filter or servlet (Servlet spec §6.2.5). */
export type DispatcherType = 'REQUEST' | 'FORWARD' | 'INCLUDE' | 'ERROR' | 'ASYNC';

export const DispatcherTypes: readonly DispatcherType[] = ['REQUEST', 'FORWARD', 'INCLUDE', 'ERROR', 'ASYNC'];
