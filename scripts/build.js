#!/usr/bin/env node
// Compiles src/ to dist/ with TypeScript and the @nestjs/swagger plugin (which writes the OpenAPI metadata of DTOs
// and response classes), as `nest build` would, without the Nest CLI and its Node 22-only tool chain. Specs and
// test fixtures are left out (tsconfig.build.json); dist/ is emptied first so deleted sources leave nothing behind.
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');
const { before } = require('@nestjs/swagger/plugin');

const root = path.join(__dirname, '..');
const configFile = path.join(root, 'tsconfig.build.json');
const parsed = ts.getParsedCommandLineOfConfigFile(configFile, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => fail([d]) });
fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true });
const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
const swagger = before({ classValidatorShim: true, introspectComments: true, dtoFileNameSuffix: ['.dto.ts', '.response.ts'] }, program);
const result = program.emit(undefined, undefined, undefined, false, { before: [swagger, resolveAliases], after: [resolveAliases] });
const diagnostics = [...ts.getPreEmitDiagnostics(program), ...result.diagnostics];
if (diagnostics.length > 0) fail(diagnostics);
// The `jit` command line (package.json `bin`) runs as a program.
fs.chmodSync(path.join(root, 'dist', 'cli.js'), 0o755);

/** `@/x` (tsconfig paths) becomes a relative path, since dist/ mirrors src/; Node knows nothing of the alias. */
function resolveAliases(context) {
  const { factory } = context;
  return (sourceFile) => {
    const dir = path.dirname(sourceFile.fileName);
    const rewrite = (text) => {
      if (!text.startsWith('@/')) return null;
      const relative = path.relative(dir, path.join(root, 'src', text.slice(2))).split(path.sep).join('/');
      return relative.startsWith('.') ? relative : `./${relative}`;
    };
    const visit = (node) => {
      if (ts.isStringLiteral(node) && node.parent && (ts.isImportDeclaration(node.parent) || ts.isExportDeclaration(node.parent) || (ts.isCallExpression(node.parent) && ['require', 'import'].includes(node.parent.expression.getText?.() ?? '')))) {
        const replaced = rewrite(node.text);
        if (replaced) return factory.createStringLiteral(replaced);
      }
      // The swagger plugin writes a nested class's type as one identifier, `require("@/x").Name`, or for an array
      // of them `[require("@/x").Name]`.
      if (ts.isIdentifier(node) && node.text.includes('require("@/')) {
        return factory.createIdentifier(node.text.replace(/require\("(@\/[^"]+)"\)/g, (whole, text) => `require("${rewrite(text)}")`));
      }
      if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteral(node.arguments[0]) && ts.isIdentifier(node.expression) && node.expression.text === 'require') {
        const replaced = rewrite(node.arguments[0].text);
        if (replaced) return factory.updateCallExpression(node, node.expression, undefined, [factory.createStringLiteral(replaced)]);
      }
      return ts.visitEachChild(node, visit, context);
    };
    return ts.visitNode(sourceFile, visit);
  };
}

function fail(list) {
  const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' };
  process.stderr.write(ts.formatDiagnosticsWithColorAndContext(list, host));
  process.exit(1);
}
