import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { OpenApiDocument, operationsOf } from './built-document';

export const ROOT = join(__dirname, '..', '..');

/** A route as its controller declares it: `operationId` is Nest's `<Controller>_<method>`. */
export interface DeclaredRoute {
  operationId: string;
  /** `@HttpCode(n)`: the status the route answers with. */
  status: number | undefined;
  /** The declared return type without `Promise<...>`: a response class, `void`, `string` or `StreamableFile`. */
  returns: string | undefined;
  /** Writes its own reply (`@Res()` without passthrough): a text page, not JSON. */
  ownReply: boolean;
}

function filesUnder(dir: string, suffix: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith(suffix)).map((f) => join(dir, f));
}

const decoratorsOf = (node: ts.Node): { name: string; args: readonly ts.Expression[] }[] =>
  (ts.canHaveDecorators(node) ? (ts.getDecorators(node) ?? []) : []).flatMap((d) =>
    ts.isCallExpression(d.expression) && ts.isIdentifier(d.expression.expression) ? [{ name: d.expression.expression.text, args: d.expression.arguments }] : [],
  );

const ROUTE_DECORATORS = new Set(['Get', 'Post', 'Put', 'Patch', 'Delete']);

/** Every route of every controller under src/, read from the source (no type checking). */
export function declaredRoutes(): DeclaredRoute[] {
  const routes: DeclaredRoute[] = [];
  for (const file of filesUnder(join(ROOT, 'src'), '.controller.ts')) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    for (const cls of source.statements.filter(ts.isClassDeclaration)) {
      for (const method of cls.members.filter(ts.isMethodDeclaration)) {
        const decorators = decoratorsOf(method);
        if (!decorators.some((d) => ROUTE_DECORATORS.has(d.name))) continue;
        const code = decorators.find((d) => d.name === 'HttpCode')?.args[0];
        const type = method.type?.getText(source);
        const ownReply = method.parameters.some((p) => decoratorsOf(p).some((d) => d.name === 'Res' && d.args.length === 0));
        routes.push({
          operationId: `${cls.name?.text}_${method.name.getText(source)}`,
          status: code && ts.isNumericLiteral(code) ? Number(code.text) : undefined,
          // `Promise<X>`, and `X | Promise<X>` of a handler that answers synchronously when it can, both return X.
          returns: type?.replace(/^(\w+) \| Promise<\1>$/, '$1').replace(/^Promise<(.+)>$/, '$1'),
          ownReply,
        });
      }
    }
  }
  return routes;
}

/** Response class name → module path (without extension), from src/**\/*.response.ts. */
export function responseClasses(): Map<string, string> {
  const classes = new Map<string, string>();
  for (const file of filesUnder(join(ROOT, 'src'), '.response.ts')) {
    for (const match of readFileSync(file, 'utf8').matchAll(/^export class (\w+)/gm)) classes.set(match[1] as string, file.replace(/\.ts$/, ''));
  }
  return classes;
}

/** The route of an operation id: a route declared on several paths is `<Controller>_<method>[<n>]` in the document. */
const routeOf = (operationId: string): string => operationId.replace(/\[\d+\]$/, '');

const PRELUDE = `
type Method = 'get' | 'put' | 'post' | 'patch' | 'delete';
type Responses<P extends keyof paths, M extends Method> = paths[P][M] extends { responses: infer R } ? R : never;
type Body<R, S> = S extends keyof R ? (R[S] extends { content: infer C } ? C[keyof C] : undefined) : never;

/** Calls one operation; its answer is typed by the generated \`paths\` for the given status. */
async function call<P extends keyof paths, M extends Method, S extends keyof Responses<P, M> & number>(
  baseUrl: string, method: M, path: P, status: S,
): Promise<Body<Responses<P, M>, S>> {
  const response = await fetch(baseUrl + String(path), { method: method.toUpperCase() });
  if (response.status !== status) throw new Error(\`\${method} \${String(path)} answered \${response.status}\`);
  const text = await response.text();
  const json = response.headers.get('content-type')?.startsWith('application/json') ?? false;
  return (json ? JSON.parse(text) : text) as Body<Responses<P, M>, S>;
}

type Widen<T> = T extends string ? string : T extends number ? number : T extends boolean ? boolean : T;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type RequiredKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? never : K }[keyof T];
type AllTrue<T> = [T[keyof T]] extends [true] ? true : false;
/** What the code returns (C) is what the document says (D): every field documented, deep, same types and nullability. */
type Conforms<C, D> = unknown extends C
  ? true
  : Same<null extends C ? true : false, null extends D ? true : false> extends true
    ? ConformsValue<NonNullable<C>, NonNullable<D>>
    : false;
type ConformsValue<C, D> = [D] extends [never]
  ? false
  : [C] extends [readonly (infer CI)[]]
    ? [D] extends [readonly (infer DI)[]] ? Conforms<CI, DI> : false
    : [C] extends [object]
      ? [D] extends [object] ? ConformsObject<C, D> : false
      : [C] extends [Widen<D>] ? true : false;
type ConformsObject<C, D> = [Exclude<keyof C, keyof D>] extends [never]
  ? [Exclude<RequiredKeys<C>, RequiredKeys<D>>] extends [never]
    ? [Exclude<RequiredKeys<D>, keyof C>] extends [never]
      ? AllTrue<{ [K in keyof C]-?: K extends keyof D ? Conforms<C[K], D[K]> : false }>
      : false
    : false
  : false;
`;

/**
 * A program that calls every operation of the document through a client typed by the generated `paths`, and
 * states for each that the documented answer is the response class its controller returns (`void` and text
 * answers have no class). Operations are checked on lines that end with `// <operationId>`.
 */
export function clientProgram(document: OpenApiDocument): string {
  const routes = new Map(declaredRoutes().map((r) => [r.operationId, r]));
  const classes = responseClasses();
  const imports = new Map<string, string>();
  const calls: string[] = [];
  for (const { path, method, operation } of operationsOf(document)) {
    const id = routeOf(operation.operationId);
    const route = routes.get(id);
    if (!route) throw new Error(`${id} is in the document but no controller declares it`);
    if (route.status === undefined) throw new Error(`${id}: declare its status with @HttpCode`);
    const call = `await call(baseUrl, '${method}', '${path}', ${route.status})`;
    const statuses = route.status === 200 && Object.keys(operation.responses).includes('202') ? [200, 202] : [route.status];
    const returns = route.returns ?? 'undeclared';
    // A redirect (its own reply, 3xx) has no body, like a 204.
    if ((returns === 'void' && !route.ownReply) || (route.ownReply && route.status >= 300 && route.status < 400)) {
      calls.push(`  { const answer = ${call}; const none: Same<typeof answer, undefined> = true; void none; } // ${id}`);
    } else if (route.ownReply || returns === 'string' || returns === 'StreamableFile') {
      calls.push(`  { const text: string = ${call}; void text; } // ${id}`);
    } else {
      const file = classes.get(returns);
      if (!file) throw new Error(`${id}: returns ${returns}, which is no response class (src/**/*.response.ts)`);
      imports.set(returns, file);
      for (const status of statuses) {
        calls.push(`  { const answer = ${call.replace(/, \d+\)$/, `, ${status})`)}; const documented: Conforms<${returns}, typeof answer> = true; void documented; } // ${id}`);
      }
    }
  }
  for (const id of routes.keys()) {
    if (!operationsOf(document).some((o) => routeOf(o.operation.operationId) === id)) throw new Error(`${id} is declared but missing from the document`);
  }
  return [
    `import type { paths } from './schema';`,
    ...[...imports].map(([name, file]) => `import type { ${name} } from ${JSON.stringify(file)};`),
    PRELUDE,
    `/** Calls every operation once. */`,
    `export async function callEveryOperation(baseUrl: string): Promise<void> {`,
    ...calls,
    `}`,
    '',
  ].join('\n');
}

/** Type-checks the files with the project's compiler options; returns the diagnostics as `file:line: text => message`. */
export function typeCheck(files: string[]): string[] {
  const config = ts.readConfigFile(join(ROOT, 'tsconfig.json'), (f) => ts.sys.readFile(f));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  const options: ts.CompilerOptions = { ...parsed.options, noEmit: true, incremental: false, tsBuildInfoFile: undefined, rootDir: undefined, types: ['node'] };
  const program = ts.createProgram(files, options);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (!d.file || d.start === undefined) return message;
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${d.file.fileName}:${line + 1}: ${d.file.text.split('\n')[line]?.trim()} => ${message}`;
  });
}
