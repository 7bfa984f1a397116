import { parseDuration, parseJsonObject, parseUid, UsageError } from './args';

describe('cli arguments', () => {
  it('reads durations in s, m, h and d', () => {
    expect(parseDuration('90s')).toBe(90);
    expect(parseDuration('30m')).toBe(1800);
    expect(parseDuration('2h')).toBe(7200);
    expect(parseDuration('1d')).toBe(86400);
    expect(parseDuration('600')).toBe(600);
    for (const bad of ['', '0m', '2w', '1.5h', '-1h', 'h']) expect(() => parseDuration(bad)).toThrow(UsageError);
  });

  it('reads entities with or without quotes, namespaced, and bare actions', () => {
    expect(parseUid('Host::prod-db-1', '--resource')).toEqual({ type: 'Host', id: 'prod-db-1' });
    expect(parseUid('Host::"a::b \\"c\\""', '--resource')).toEqual({ type: 'Host', id: 'a::b "c"' });
    expect(parseUid('Acme::Host::db', '--resource')).toEqual({ type: 'Acme::Host', id: 'db' });
    expect(parseUid('ssh', '--action', 'Action')).toEqual({ type: 'Action', id: 'ssh' });
    expect(() => parseUid('alice', '--principal')).toThrow(UsageError);
    expect(() => parseUid('Host::', '--resource')).toThrow(UsageError);
  });

  it('reads a JSON object', () => {
    expect(parseJsonObject('{"ticket":"INC-1"}', '--context')).toEqual({ ticket: 'INC-1' });
    expect(() => parseJsonObject('[1]', '--context')).toThrow(UsageError);
    expect(() => parseJsonObject('nope', '--context')).toThrow(UsageError);
  });
});
