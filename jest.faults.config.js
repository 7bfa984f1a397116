// Fault tests (npm run test:faults): each file starts its own PostgreSQL cluster and redis-server and runs the
// built service (dist/) as separate processes, so they run one at a time and need `npm run build` first.
const base = require('./jest.config.js');

module.exports = {
  ...base,
  testMatch: ['<rootDir>/test/faults/**/*.fault.ts'],
  globalSetup: undefined,
  globalTeardown: undefined,
  maxWorkers: 1,
  testTimeout: 600000,
};
