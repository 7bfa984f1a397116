// The yardstick for the access-check benchmark: a bare NestJS-on-Fastify handler returning a small JSON answer.
require('reflect-metadata');
const { Controller, Module, Post, HttpCode } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { FastifyAdapter } = require('@nestjs/platform-fastify');

class BareController {
  check() {
    return { allowed: true, grant_id: '00000000-0000-4000-8000-000000000000', expires_at: '2030-01-01T00:00:00.000Z', audit_session: false };
  }
}
Controller('v1/access')(BareController);
const descriptor = Object.getOwnPropertyDescriptor(BareController.prototype, 'check');
Post('check')(BareController.prototype, 'check', descriptor);
HttpCode(200)(BareController.prototype, 'check', descriptor);

class BareModule {}
Module({ controllers: [BareController] })(BareModule);

NestFactory.create(BareModule, new FastifyAdapter(), { logger: false })
  .then((app) => app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' }))
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
