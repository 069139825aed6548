import { describe, expect, it } from 'vitest';
import { GenericPrincipal } from '../../../src/realm/generic-principal.js';

describe('GenericPrincipal', () => {
  it('is immutable data: sorted unique roles, frozen', () => {
    const principal = new GenericPrincipal('alice', ['b', 'a', 'b'], '/realm0');
    expect(principal.getName()).toBe('alice');
    expect(principal.roles).toEqual(['a', 'b']);
    expect(Object.isFrozen(principal)).toBe(true);
    expect(Object.isFrozen(principal.roles)).toBe(true);
    expect(principal.hasRole('a')).toBe(true);
    expect(principal.hasRole('c')).toBe(false);
    // "*" and "**" are the authorisation code's business (Servlet §13.3), never a role the principal has.
    expect(principal.hasRole('*')).toBe(false);
    expect(principal.hasRole('**')).toBe(false);
  });

  it('survives the structured clone (worker threads, sessions) and comes back as a principal', () => {
    const principal = new GenericPrincipal('alice', ['admin'], '/realm0/realm1');
    const clone = structuredClone(principal) as unknown;
    expect(clone).toEqual({ name: 'alice', roles: ['admin'], realmPath: '/realm0/realm1' });
    const revived = GenericPrincipal.fromData(clone as GenericPrincipal);
    expect(revived).toBeInstanceOf(GenericPrincipal);
    expect(revived.hasRole('admin')).toBe(true);
    expect(revived.realmPath).toBe('/realm0/realm1');
  });
});
