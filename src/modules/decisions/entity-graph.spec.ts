import { EntityGraph, entityRefs, uidKey } from './entity-graph';

const u = (type: string, id: string) => ({ type, id });

describe('EntityGraph', () => {
  const graph = new EntityGraph(
    [
      { uid: u('User', 'alice'), attrs: { manager: { __entity: u('User', 'bob') } }, parents: [u('Group', 'sre')] },
      { uid: u('Group', 'sre'), attrs: {}, parents: [u('Group', 'eng')] },
      { uid: u('Group', 'eng'), attrs: {}, parents: [] },
      { uid: u('User', 'bob'), attrs: {}, parents: [u('Group', 'managers')] },
      { uid: u('Group', 'managers'), attrs: {}, parents: [] },
      { uid: u('Host', 'db'), attrs: {}, parents: [] },
      { uid: u('Group', 'cycle-a'), attrs: {}, parents: [u('Group', 'cycle-b')] },
      { uid: u('Group', 'cycle-b'), attrs: {}, parents: [u('Group', 'cycle-a')] },
    ],
    [[u('Action', 'ssh'), u('Action', 'admin')]],
  );

  it('gives ancestors through every level, self included', () => {
    expect([...graph.ancestorsOrSelf(uidKey(u('User', 'alice')))].sort()).toEqual(
      ['Group::"eng"', 'Group::"sre"', 'User::"alice"'].sort(),
    );
    expect([...graph.ancestorsOrSelf(uidKey(u('Action', 'ssh')))]).toEqual(['Action::"ssh"', 'Action::"admin"']);
    expect(graph.ancestorsOrSelf(uidKey(u('Group', 'cycle-a'))).size).toBe(2);
    expect([...graph.ancestorsOrSelf(uidKey(u('User', 'unknown')))]).toEqual(['User::"unknown"']);
  });

  it('keeps ancestor sets only for stored entities, however many unknown ids requests name', () => {
    const fresh = new EntityGraph([{ uid: u('User', 'alice'), attrs: {}, parents: [u('Group', 'sre')] }], [[u('Action', 'ssh'), u('Action', 'admin')]]);
    for (let i = 0; i < 1000; i += 1) expect([...fresh.ancestorsOrSelf(uidKey(u('User', `stranger-${i}`)))]).toEqual([`User::"stranger-${i}"`]);
    expect(fresh.cachedAncestorSets).toBe(0);
    fresh.ancestorsOrSelf(uidKey(u('User', 'alice')));
    fresh.ancestorsOrSelf(uidKey(u('Action', 'ssh')));
    expect(fresh.cachedAncestorSets).toBe(2);
  });

  it('slices what a request can reach: ancestors and entities named in attributes, not the rest', () => {
    const slice = graph.slice([uidKey(u('User', 'alice')), uidKey(u('Action', 'ssh'))]).map((e) => uidKey(e.uid));
    expect(slice.sort()).toEqual(['Group::"eng"', 'Group::"managers"', 'Group::"sre"', 'User::"alice"', 'User::"bob"'].sort());
  });

  it('finds entity references in values', () => {
    expect(entityRefs({ a: [{ __entity: u('User', 'x') }], b: { type: 'Host', id: 'h' }, c: { type: 'bad type', id: 'x' }, d: 'User::"y"' })).toEqual([
      u('User', 'x'),
      u('Host', 'h'),
    ]);
  });
});
