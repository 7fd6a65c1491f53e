import { createClient, type Client, type Interceptor, type Transport } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { ApiKeyService } from "../gen/patchbay/v1/apikey_pb";
import { AssistantService } from "../gen/patchbay/v1/assistant_pb";
import { CredentialService } from "../gen/patchbay/v1/credential_pb";
import { DaemonService } from "../gen/patchbay/v1/daemon_pb";
import { EnvironmentService } from "../gen/patchbay/v1/environment_pb";
import { ProvisionService } from "../gen/patchbay/v1/provision_pb";
import { WorkspaceService } from "../gen/patchbay/v1/workspace_pb";
import type { DaemonInfo } from "./home";

/** The typed clients the extension uses, bound to one daemon process. */
export interface DaemonClients {
  daemon: Client<typeof DaemonService>;
  workspace: Client<typeof WorkspaceService>;
  credential: Client<typeof CredentialService>;
  environment: Client<typeof EnvironmentService>;
  provision: Client<typeof ProvisionService>;
  assistant: Client<typeof AssistantService>;
  apiKey: Client<typeof ApiKeyService>;
}

export function bearerInterceptor(token: string): Interceptor {
  return (next) => async (req) => {
    req.header.set("Authorization", `Bearer ${token}`);
    return next(req);
  };
}

/**
 * Connect protocol over HTTP/1.1 to the loopback listener. HTTP/1.1 keeps us
 * independent of whether the daemon enables h2c, and Node's client sends no
 * Origin/Referer, which the daemon would refuse.
 */
export function transportFor(info: DaemonInfo): Transport {
  return createConnectTransport({
    baseUrl: `http://${info.address}`,
    httpVersion: "1.1",
    interceptors: [bearerInterceptor(info.token)],
  });
}

export function clientsFor(transport: Transport): DaemonClients {
  return {
    daemon: createClient(DaemonService, transport),
    workspace: createClient(WorkspaceService, transport),
    credential: createClient(CredentialService, transport),
    environment: createClient(EnvironmentService, transport),
    provision: createClient(ProvisionService, transport),
    assistant: createClient(AssistantService, transport),
    apiKey: createClient(ApiKeyService, transport),
  };
}
