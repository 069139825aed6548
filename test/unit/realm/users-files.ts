/** Test helper: tomcat-users.xml files in a fresh temporary CATALINA_BASE. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function catalinaBaseWithUsers(content: string): { catalinaBase: string; file: string } {
  const catalinaBase = mkdtempSync(join(tmpdir(), 'serval-realm-'));
  mkdirSync(join(catalinaBase, 'conf'));
  const file = join(catalinaBase, 'conf', 'tomcat-users.xml');
  writeFileSync(file, content);
  return { catalinaBase, file };
}

export function usersXml(body: string): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!-- as Debian ships it: a namespace, a schema location, comments -->',
    '<tomcat-users xmlns="http://tomcat.apache.org/xml"',
    '              xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
    '              xsi:schemaLocation="http://tomcat.apache.org/xml tomcat-users.xsd"',
    '              version="1.0">',
    body,
    '</tomcat-users>',
    '',
  ].join('\n');
}
