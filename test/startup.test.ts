import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Controller, Get, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { RouteAccessCheck, UndeclaredRouteError } from '../src/common/auth/route-access.check';
import { Public } from '../src/common/auth/roles';

const MAIN = join(__dirname, '..', 'dist', 'main.js');

describe('start-up', () => {
  it.each([
    [{ PORT: 'http' }, 'PORT'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL'],
    [{ REDIS_URL: 'http://127.0.0.1:6379' }, 'REDIS_URL'],
    [{ PROCESS_ROLE: 'everything' }, 'PROCESS_ROLE'],
    [{ SWEEP_INTERVAL_SECONDS: '-5' }, 'SWEEP_INTERVAL_SECONDS'],
  ])('refuses %p with a message naming %s', (env, name) => {
    const result = spawnSync(process.execPath, [MAIN], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8', timeout: 20000 });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Invalid configuration');
    expect(result.stderr).toContain(name);
  });

  it('refuses to start while a route declares no access (deny by default)', async () => {
    @Controller('open')
    class UndeclaredController {
      @Get()
      open() {
        return 'anyone';
      }
    }
    @Controller('fine')
    @Public()
    class DeclaredController {
      @Get()
      fine() {
        return 'ok';
      }
    }
    @Module({ imports: [DiscoveryModule], controllers: [UndeclaredController, DeclaredController], providers: [RouteAccessCheck] })
    class BadModule {}

    const moduleRef = await Test.createTestingModule({ imports: [BadModule] }).compile();
    const app = moduleRef.createNestApplication(new FastifyAdapter(), { logger: false });
    const error = await app.init().then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(UndeclaredRouteError);
    expect((error as Error).message).toContain('UndeclaredController.open');
    expect((error as Error).message).not.toContain('DeclaredController.fine');
  });
});
