/** A session as it crosses threads: the owner's state at one instant, attribute values structured-cloned. */
export interface SessionSnapshot {
  readonly id: string;
  readonly creationTime: number;
  readonly lastAccessedTime: number;
  readonly maxInactiveInterval: number;
  readonly isNew: boolean;
  readonly attributes: ReadonlyArray<readonly [string, unknown]>;
  /** The container's notes (the authenticated user, FORM's saved request): plain data, cloned like attributes. */
  readonly notes: ReadonlyArray<readonly [string, unknown]>;
}
