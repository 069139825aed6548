/**
 * What a `<Resource>` of `<GlobalNamingResources>` is once server.xml has been read: its name and type, and
 * its other attributes as written (after `${…}` substitution), unconverted, so that the factory for the type
 * decides what they mean. Tomcat hands the same raw strings to the resource's ObjectFactory.
 */
export interface ResourceLocation {
  readonly file: string;
  readonly line: number;
  /** e.g. `Server/GlobalNamingResources/Resource[1]` */
  readonly path: string;
}

export interface ResourceConfig {
  /** The JNDI name (`jdbc/users`) a Realm's dataSourceName or a ResourceLink refers to. */
  readonly name: string;
  /** The Java type, e.g. `javax.sql.DataSource`. */
  readonly type: string;
  /** Every attribute as written, including name and type. */
  readonly attributes: Readonly<Record<string, string>>;
  readonly location: ResourceLocation;
}
