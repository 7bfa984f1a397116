import { startTestApp, TestApp } from './app';

/**
 * The one way a test file boots the application: started before the file's tests (before the file's own
 * `beforeAll`, which may create tenants with it) and removed after them, database and Redis keys included.
 * Returns a stand-in that forwards to the application once started.
 */
export function useTestApp(env: Record<string, string> = {}): TestApp {
  let started: TestApp | undefined;
  beforeAll(async () => {
    started = await startTestApp(env);
  });
  afterAll(async () => {
    await started?.close();
  });
  return new Proxy({} as TestApp, {
    get(_target, key) {
      if (!started) throw new Error('the test application starts in beforeAll: use it inside hooks and tests');
      return Reflect.get(started, key) as unknown;
    },
  });
}
