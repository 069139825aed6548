/** Tomcat's lifecycle states and the events fired on entering them (reference §9). */
export type LifecycleState =
  | 'NEW'
  | 'INITIALIZING'
  | 'INITIALIZED'
  | 'STARTING_PREP'
  | 'STARTING'
  | 'STARTED'
  | 'STOPPING_PREP'
  | 'STOPPING'
  | 'STOPPED'
  | 'DESTROYING'
  | 'DESTROYED'
  | 'FAILED';

export type LifecycleEventType =
  | 'before_init'
  | 'after_init'
  | 'before_start'
  | 'start'
  | 'after_start'
  | 'before_stop'
  | 'stop'
  | 'after_stop'
  | 'before_destroy'
  | 'after_destroy'
  | 'configure_start'
  | 'configure_stop'
  | 'periodic';

/** The event fired when a state is entered; FAILED and NEW fire none. */
export const stateEvent: Readonly<Record<LifecycleState, LifecycleEventType | null>> = {
  NEW: null,
  INITIALIZING: 'before_init',
  INITIALIZED: 'after_init',
  STARTING_PREP: 'before_start',
  STARTING: 'start',
  STARTED: 'after_start',
  STOPPING_PREP: 'before_stop',
  STOPPING: 'stop',
  STOPPED: 'after_stop',
  DESTROYING: 'before_destroy',
  DESTROYED: 'after_destroy',
  FAILED: null,
};

/** Whether a component in this state accepts requests (Tomcat's LifecycleState.isAvailable()). */
export function isAvailable(state: LifecycleState): boolean {
  return state === 'STARTING' || state === 'STARTED' || state === 'STOPPING_PREP';
}
