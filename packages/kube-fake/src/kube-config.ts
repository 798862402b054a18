/**
 * Client configuration for the fake, as plain data: the options object of client-node's
 * `KubeConfig.loadFromOptions()` and a kubeconfig YAML file for other clients (kubectl, client-go, the daemon).
 * The fake listens on plain HTTP; the cluster entry still sets `skipTLSVerify` so a client never insists on a CA.
 *
 * @see https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/
 */

/** The options object `new KubeConfig().loadFromOptions(...)` takes (client-node 1.x). */
export interface KubeConfigOptions {
  readonly clusters: { name: string; server: string; skipTLSVerify: boolean }[];
  readonly users: { name: string; token?: string }[];
  readonly contexts: { name: string; cluster: string; user: string; namespace?: string }[];
  readonly currentContext: string;
}

/** Build the `loadFromOptions` object for a server URL. */
export function kubeConfigOptions(server: string, name = 'kube-fake', namespace?: string): KubeConfigOptions {
  return {
    clusters: [{ name, server, skipTLSVerify: true }],
    users: [{ name, token: 'kube-fake' }],
    contexts: [{ name, cluster: name, user: name, ...(namespace === undefined ? {} : { namespace }) }],
    currentContext: name,
  };
}

/** The same configuration as a kubeconfig YAML document (for `KUBECONFIG=… kubectl` or `loadFromFile`). */
export function kubeConfigYaml(server: string, name = 'kube-fake', namespace?: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${name}`,
    '  cluster:',
    `    server: ${server}`,
    '    insecure-skip-tls-verify: true',
    'users:',
    `- name: ${name}`,
    '  user:',
    '    token: kube-fake',
    'contexts:',
    `- name: ${name}`,
    '  context:',
    `    cluster: ${name}`,
    `    user: ${name}`,
    ...(namespace === undefined ? [] : [`    namespace: ${namespace}`]),
    `current-context: ${name}`,
    '',
  ].join('\n');
}
