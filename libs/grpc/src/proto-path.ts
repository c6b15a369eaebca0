import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

let protoRoot: string | undefined;

/** The repository's `proto/` folder, found from this file whether it runs from sources or dist/. */
export function protoRootDir(): string {
  if (protoRoot) return protoRoot;
  let dir = __dirname;
  while (!existsSync(join(dir, 'proto', 'buf.yaml'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`proto/buf.yaml not found above ${__dirname}`);
    dir = parent;
  }
  protoRoot = join(dir, 'proto');
  return protoRoot;
}

/** Absolute path of a file under `proto/`, e.g. `toutiao/user/v1/user_service.proto`. */
export function protoFile(relativePath: string): string {
  return join(protoRootDir(), relativePath);
}
