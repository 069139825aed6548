/**
 * How an application's own class is kept in a stored session (Serval's addition; Java serialises any
 * Serializable class, which is how CVE-2020-9484 let a crafted session file run code). A stored session holds
 * data only: plain objects and arrays, strings, numbers, booleans, null, undefined, bigint, Date, Map, Set,
 * Buffer, ArrayBuffer and typed arrays. An instance of a class is stored only when its application registered
 * the class with a SessionType, which names it, turns an instance into such data, and builds one back from it.
 * Restoring calls `restore` of a registered type and nothing else: the stored text chooses among the types the
 * application registered, never which code runs.
 */
export interface SessionType<T extends object = object, D = unknown> {
  /**
   * The name written in the stored session for this class. Keep it when the class is renamed or moved: it is how
   * sessions stored by an older version of the application find the class again.
   */
  readonly name: string;
  /** The class: an attribute value is of this type when `value instanceof type`. */
  readonly type: abstract new (...args: never[]) => T;
  /** The instance as storable data (which may hold instances of other registered types). */
  save(value: T): D;
  /** An instance built from what `save` returned. */
  restore(data: D): T;
}

/** Declares a SessionType with its types checked (`save` and `restore` agree on the data's shape). */
export function sessionType<T extends object, D>(definition: SessionType<T, D>): SessionType<T, D> {
  return definition;
}
