import { Writable } from 'node:stream';
import { Logger } from '@nestjs/common';
import { createRootLogger } from './logger';
import { PinoNestLogger } from './nest-logger';

describe('PinoNestLogger', () => {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>));
      done();
    },
  });
  beforeAll(() => Logger.overrideLogger(new PinoNestLogger(createRootLogger('info', stream))));
  afterAll(() => Logger.overrideLogger(false));
  beforeEach(() => lines.splice(0));

  it('writes the pino style the services use, with the Logger context and a serialized error', () => {
    new Logger('GrantEffects').error({ err: new Error('boom'), grantId: 'g1' }, 'effects failed');
    expect(lines[0]).toMatchObject({ level: 50, context: 'GrantEffects', grantId: 'g1', msg: 'effects failed', err: { message: 'boom', type: 'Error' } });
  });

  it('writes Nest\'s own string messages with their context', () => {
    new Logger('RouterExplorer').log('Mapped {/v1/grants, POST} route');
    expect(lines[0]).toMatchObject({ level: 30, context: 'RouterExplorer', msg: 'Mapped {/v1/grants, POST} route' });
  });
});
