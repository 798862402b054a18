// Test support: the official SDK's own signing utilities, reached through the packages that ship them.
import { createRequire } from 'node:module';

type Request = {
  method: string;
  pathname: string;
  query: Record<string, string>;
  headers: Record<string, string>;
};

/** `getAuthorization` / `getRPCSignature` of one SDK utility package. */
export interface SdkSigner {
  readonly name: string;
  getAuthorization(req: Request, algorithm: string, payload: string, ak: string, secret: string): string;
  getRPCSignature(params: Record<string, string>, method: string, secret: string): string;
}

const require = createRequire(import.meta.url);

function load(
  fromPackage: string,
  utilPackage: string,
  pick: (m: Record<string, unknown>) => unknown,
): SdkSigner {
  const req = createRequire(require.resolve(fromPackage));
  const util = pick(req(utilPackage) as Record<string, unknown>) as Omit<SdkSigner, 'name'>;
  return {
    name: utilPackage,
    getAuthorization: (...a) => util.getAuthorization(...a),
    getRPCSignature: (...a) => util.getRPCSignature(...a),
  };
}

/** The utilities the SDK clients sign with: openapi-core (vpc/ecs clients) and openapi-util (openapi-client). */
export function sdkSigners(): SdkSigner[] {
  return [
    load('@alicloud/vpc20160428', '@alicloud/openapi-core', (m) => m.OpenApiUtil),
    load('@alicloud/openapi-client', '@alicloud/openapi-util', (m) => m.default),
  ];
}
