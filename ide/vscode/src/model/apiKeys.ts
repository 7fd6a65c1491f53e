// API key management without vscode: what the panel sends to the daemon and
// how a page's submission is checked first. The integration test drives the
// daemon through these same functions.
import { create } from "@bufbuild/protobuf";
import { timestampDate, timestampFromDate, type Timestamp } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import type { DaemonClients } from "../client/connection";
import { ComponentKind, type Component } from "../gen/patchbay/v1/action_pb";
import {
  CreateApiKeyRequestSchema,
  GrantSchema,
  UpdateApiKeyRequestSchema,
  type ApiKey,
  type ApiKeyAuditEntry,
  type CreateApiKeyRequest,
  type UpdateApiKeyRequest,
} from "../gen/patchbay/v1/apikey_pb";
import type { CredentialProfile } from "../gen/patchbay/v1/credential_pb";

export const DEFAULT_TEAM = "default";
const TEAM_RE = /^[a-z0-9][a-z0-9._-]{0,62}$/;
const MAX_NAME = 100;

/** One component offered in the form. */
export interface CatalogueComponent {
  id: string;
  kind: "action" | "trigger";
  description: string;
}

/** One provider's block in the form: its components and usable profiles. */
export interface ProviderGrantOptions {
  provider: string;
  displayName: string;
  components: CatalogueComponent[];
  /** Saved credential profiles of this provider, with their last check. */
  profiles: { name: string; status: string }[];
}

/** What the page submits, after checking: never holds a token. */
export interface KeySpec {
  team: string;
  name: string;
  /** Only providers with at least one component chosen. */
  grants: { provider: string; components: string[]; profile: string }[];
  /** Undefined: never expires. */
  expiresAt?: Date;
  /** 0: the daemon's default. */
  rateLimitPerMinute: number;
}

/** A submission refused before it reaches the daemon; field names the input at fault. */
export class SpecError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

/** Groups the catalogue by provider, attaching each provider's saved profiles. */
export function grantOptions(
  components: Component[],
  profiles: CredentialProfile[],
  name: (provider: string) => string,
  statusOf: (p: CredentialProfile) => string = () => "",
): ProviderGrantOptions[] {
  const byProvider = new Map<string, ProviderGrantOptions>();
  for (const c of components) {
    let o = byProvider.get(c.provider);
    if (!o) {
      o = { provider: c.provider, displayName: name(c.provider), components: [], profiles: [] };
      byProvider.set(c.provider, o);
    }
    o.components.push({ id: c.id, kind: c.kind === ComponentKind.TRIGGER ? "trigger" : "action", description: c.description });
  }
  for (const p of profiles) {
    byProvider.get(p.provider)?.profiles.push({ name: p.profile || "default", status: statusOf(p) });
  }
  const out = [...byProvider.values()];
  for (const o of out) {
    o.components.sort((a, b) => a.id.localeCompare(b.id));
    o.profiles.sort((a, b) => (a.name === "default" ? -1 : b.name === "default" ? 1 : a.name.localeCompare(b.name)));
  }
  return out.sort((a, b) => a.displayName.localeCompare(b.displayName));
}

/** Parses "YYYY-MM-DD" as the end of that day in UTC. */
export function parseExpiry(s: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return undefined;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 23, 59, 59));
  // Date.UTC rolls 2026-02-31 over to March; such a date was not what was typed.
  if (d.getUTCDate() !== Number(m[3]) || d.getUTCMonth() !== Number(m[2]) - 1) return undefined;
  return d;
}

/** "YYYY-MM-DD" of a timestamp, for prefilling the expiry input. */
export function formatExpiry(ts: Timestamp | undefined): string {
  return ts ? timestampDate(ts).toISOString().slice(0, 10) : "";
}

/**
 * Checks what a page posted against the catalogue and the profiles it was
 * offered, so a tampered page cannot grant unknown components or point at
 * profiles nobody saw. The daemon validates again.
 */
export function checkSubmission(options: ProviderGrantOptions[], raw: unknown, now = new Date()): KeySpec {
  if (typeof raw !== "object" || raw === null) throw new SpecError("Nothing was submitted.", "");
  const r = raw as Record<string, unknown>;
  const name = typeof r.name === "string" ? r.name.trim() : "";
  if (!name || name.length > MAX_NAME) throw new SpecError(`A key needs a name of 1-${MAX_NAME} characters.`, "name");
  const team = (typeof r.team === "string" ? r.team.trim() : "") || DEFAULT_TEAM;
  if (!TEAM_RE.test(team)) throw new SpecError("A team is 1-63 lower-case letters, digits, '.', '_' or '-'.", "team");
  let expiresAt: Date | undefined;
  if (typeof r.expires === "string" && r.expires !== "") {
    expiresAt = parseExpiry(r.expires);
    if (!expiresAt) throw new SpecError("Expiry must be a date (YYYY-MM-DD).", "expires");
    if (expiresAt <= now) throw new SpecError("Expiry must be in the future.", "expires");
  }
  let rateLimitPerMinute = 0;
  if (r.rateLimit !== undefined && r.rateLimit !== "") {
    const n = typeof r.rateLimit === "number" ? r.rateLimit : Number(r.rateLimit);
    if (!Number.isInteger(n) || n < 0 || n > 1_000_000) throw new SpecError("Rate limit must be a whole number of requests per minute (0 for the default).", "rateLimit");
    rateLimitPerMinute = n;
  }
  const grants: KeySpec["grants"] = [];
  const rawGrants = Array.isArray(r.grants) ? r.grants : [];
  const seen = new Set<string>();
  for (const g of rawGrants) {
    if (typeof g !== "object" || g === null) continue;
    const { provider, components, profile } = g as Record<string, unknown>;
    const o = options.find((x) => x.provider === provider);
    if (!o || seen.has(o.provider)) throw new SpecError(`Unknown or repeated provider ${JSON.stringify(provider)}.`, "");
    seen.add(o.provider);
    const ids = Array.isArray(components) ? components.filter((c): c is string => typeof c === "string") : [];
    for (const id of ids) {
      if (!o.components.some((c) => c.id === id)) throw new SpecError(`${o.displayName} has no component ${JSON.stringify(id)}.`, `grant-${o.provider}`);
    }
    const chosen = [...new Set(ids)].sort();
    // Deny by default: a provider with nothing ticked is not granted at all.
    if (!chosen.length) continue;
    const prof = typeof profile === "string" ? profile : "";
    if (!o.profiles.some((p) => p.name === prof)) {
      throw new SpecError(
        o.profiles.length
          ? `Choose which ${o.displayName} connection the key uses.`
          : `${o.displayName} has no saved connection; connect it first (Patchbay: Connect Provider…).`,
        `profile-${o.provider}`,
      );
    }
    grants.push({ provider: o.provider, components: chosen, profile: prof });
  }
  return { team, name, grants, expiresAt, rateLimitPerMinute };
}

function protoGrants(spec: KeySpec) {
  return spec.grants.map((g) => create(GrantSchema, g));
}

export function createRequest(spec: KeySpec): CreateApiKeyRequest {
  return create(CreateApiKeyRequestSchema, {
    team: spec.team,
    name: spec.name,
    grants: protoGrants(spec),
    expiresAt: spec.expiresAt ? timestampFromDate(spec.expiresAt) : undefined,
    rateLimitPerMinute: spec.rateLimitPerMinute,
  });
}

export function updateRequest(id: string, spec: KeySpec): UpdateApiKeyRequest {
  return create(UpdateApiKeyRequestSchema, {
    id,
    team: spec.team,
    name: spec.name,
    grants: protoGrants(spec),
    expiresAt: spec.expiresAt ? timestampFromDate(spec.expiresAt) : undefined,
    rateLimitPerMinute: spec.rateLimitPerMinute,
  });
}

/** The daemon data a create/edit form is rendered from. */
export async function loadGrantOptions(
  c: DaemonClients,
  name: (provider: string) => string,
  statusOf?: (p: CredentialProfile) => string,
): Promise<ProviderGrantOptions[]> {
  const [comps, creds] = await Promise.all([c.apiKey.listAvailableComponents({}), c.credential.listCredentials({})]);
  return grantOptions(comps.components, creds.profiles, name, statusOf);
}

/** Results that carry a token; callers hand it to a panel and drop it. */
export interface Issued {
  key: ApiKey;
  token: string;
}

export async function createKey(c: DaemonClients, spec: KeySpec): Promise<Issued> {
  const res = await c.apiKey.createApiKey(createRequest(spec));
  if (!res.key || !res.token) throw new Error("the daemon returned no key or token");
  return { key: res.key, token: res.token };
}

export async function updateKey(c: DaemonClients, id: string, spec: KeySpec): Promise<ApiKey> {
  const res = await c.apiKey.updateApiKey(updateRequest(id, spec));
  if (!res.key) throw new Error("the daemon returned no key");
  return res.key;
}

export async function regenerateKey(c: DaemonClients, key: Pick<ApiKey, "team" | "id">): Promise<Issued> {
  const res = await c.apiKey.regenerateApiKey({ team: key.team, id: key.id });
  if (!res.key || !res.token) throw new Error("the daemon returned no key or token");
  return { key: res.key, token: res.token };
}

export async function keyDetail(c: DaemonClients, key: Pick<ApiKey, "team" | "id">, limit = 100): Promise<{ key: ApiKey; audit: ApiKeyAuditEntry[] }> {
  const [got, audit] = await Promise.all([
    c.apiKey.getApiKey({ team: key.team, id: key.id }),
    c.apiKey.listApiKeyAudit({ team: key.team, id: key.id, limit }),
  ]);
  if (!got.key) throw new Error("the daemon returned no key");
  return { key: got.key, audit: audit.entries };
}

/**
 * The connection select a refusal is about, so the page can mark it: the
 * gateway words it "the <provider> connection "<profile>" cannot be used".
 */
export function refusedField(err: unknown): string {
  if (!(err instanceof ConnectError) || err.code !== Code.FailedPrecondition) return "";
  const m = /the ([a-z0-9_-]+) connection "/.exec(err.rawMessage);
  return m ? `profile-${m[1]}` : "";
}
