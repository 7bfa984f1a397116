import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { cedarString, formatActionId, formatUid, isEntityType, parseActionId, parseUid, uidsInText } from './cedar-text';

describe('cedar text', () => {
  const nasty = ['plain', 'quo"te', 'back\\slash', 'end\\', '\\"', 'new\nline', 'tab\t', 'nul\0', 'x"; permit(principal, action, resource); //', 'ünï €', '\u2028', ''];

  it('escapes ids so that Cedar reads back exactly the same id', () => {
    for (const id of nasty) {
      const text = `permit(principal == User::${cedarString(id)}, action, resource);`;
      const parsed = cedar.policyToJson(text);
      expect(parsed).toMatchObject({ type: 'success', json: { principal: { op: '==', entity: { type: 'User', id } } } });
    }
  });

  it('round-trips uids through their Cedar form', () => {
    for (const id of nasty) {
      expect(parseUid(formatUid({ type: 'Acme::Group', id }))).toEqual({ type: 'Acme::Group', id });
    }
    expect(parseUid('Group::"a\\u{41}"')).toEqual({ type: 'Group', id: 'aA' });
    expect(parseUid('Group::"bad \\q escape"')).toBeNull();
    expect(parseUid('Group::"unterminated')).toBeNull();
    expect(parseUid('Group::"a" , User::"b"')).toBeNull();
    expect(parseUid('not a uid')).toBeNull();
  });

  it('validates entity type names', () => {
    expect(['User', 'Acme::Host', '_x1'].every(isEntityType)).toBe(true);
    expect(['', '1User', 'User::', 'Us er', 'User"', 'A::B::"c"', 'User) when { true }'].some(isEntityType)).toBe(false);
    expect(() => formatUid({ type: 'User"', id: 'x' })).toThrow();
  });

  it('reads action ids as bare ids of type Action or full uids', () => {
    expect(parseActionId('ssh')).toEqual({ type: 'Action', id: 'ssh' });
    expect(parseActionId('Acme::Action::"ssh"')).toEqual({ type: 'Acme::Action', id: 'ssh' });
    expect(formatActionId({ type: 'Action', id: 'ssh' })).toBe('ssh');
    expect(formatActionId({ type: 'Acme::Action', id: 'ssh' })).toBe('Acme::Action::"ssh"');
    const tricky = { type: 'Action', id: 'Group::"x"' };
    expect(parseActionId(formatActionId(tricky))).toEqual(tricky);
  });

  it('finds entity literals in condition text', () => {
    expect(uidsInText('principal in Group::"a" && resource.owner == Acme::User::"b\\"c"')).toEqual([
      { type: 'Group', id: 'a' },
      { type: 'Acme::User', id: 'b"c' },
    ]);
  });

  it('finds entity literals that Cedar parses with white space or comments inside, and none inside strings', () => {
    expect(uidsInText('Switch :: "freeze" in Switch::\n  "on" && Acme // note\n :: Flag :: "x"')).toEqual([
      { type: 'Switch', id: 'freeze' },
      { type: 'Switch', id: 'on' },
      { type: 'Acme::Flag', id: 'x' },
    ]);
    // A string ending in `::` must not swallow the literal after it.
    expect(uidsInText('context.ref == "jira::" || Switch::"freeze" in Switch::"on"')).toEqual([
      { type: 'Switch', id: 'freeze' },
      { type: 'Switch', id: 'on' },
    ]);
    expect(uidsInText('context.note == "Group::\\"x\\"" // Group::"y"')).toEqual([]);
    expect(uidsInText(`${'T'.repeat(300)}::"long"`)).toEqual([{ type: 'T'.repeat(300), id: 'long' }]);
  });
});
