/**
 * A tenant's single sign-on configuration: one OIDC provider (client secret sealed at rest, only a
 * `••••abcd` hint ever returned), one SAML IdP (entity id, SSO URL, signing certificate — from IdP
 * metadata XML or given field by field), the IdP groups that map to roles, and whether members must
 * sign in through SSO. The view is skill-pool's `SsoConfigView` with the seed document's keys added.
 */
import { X509Certificate } from 'node:crypto';
import { createRequire } from 'node:module';
import { AgentryError, type TenantRole, tenantRoles } from '@agentry/core';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { SsoProtocol } from '../db/sso-schema.js';
import { recordAudit } from './audit.js';
import { openSecret, sealSecret } from './secrets.js';

const secretPurpose = 'oidc-client-secret';

export interface SsoUrls {
  /** PUBLIC_URL, without a trailing slash. */
  publicUrl: string;
  tenantSlug: string;
}

export const oidcRedirectUri = (urls: SsoUrls) =>
  `${urls.publicUrl}/v1/auth/oidc/${urls.tenantSlug}/callback`;
export const samlAcsUrl = (urls: SsoUrls) => `${urls.publicUrl}/v1/auth/saml/${urls.tenantSlug}/acs`;
export const samlMetadataUrl = (urls: SsoUrls) =>
  `${urls.publicUrl}/v1/auth/saml/${urls.tenantSlug}/metadata`;
export const defaultSpEntityId = (slug: string) => `urn:skill-pool:tenant:${slug}`;

export interface OidcView {
  issuer_url: string;
  /** The seed document's name for issuer_url. */
  issuer: string;
  client_id: string;
  client_secret_hint: string;
  /** Always null: the secret is never returned (the seed document's field). */
  client_secret: null;
  default_role: TenantRole;
  display_name: string | null;
  redirect_uri: string;
}

export interface SamlView {
  idp_entity_id: string;
  idp_sso_url: string;
  idp_x509_cert_bytes: number;
  idp_cert_pem: string;
  idp_cert_not_after: string;
  sp_entity_id: string;
  default_role: TenantRole;
  display_name: string | null;
  acs_url: string;
  metadata_url: string;
}

export interface RoleMapping {
  group: string;
  role: TenantRole;
}

export interface SsoConfigView {
  kind: SsoProtocol | null;
  oidc?: OidcView;
  saml?: SamlView;
  sso_required: boolean;
  role_mappings: RoleMapping[];
  scim_endpoint: string;
}

export function secretHint(secret: string): string {
  return secret.length <= 4 ? '••••' : `••••${secret.slice(-4)}`;
}

export async function findOidcConfig(db: Kysely<Database>, tenantId: string) {
  return db.selectFrom('tenant_sso_oidc').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
}

export async function findSamlConfig(db: Kysely<Database>, tenantId: string) {
  return db.selectFrom('tenant_sso_saml').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
}

export type OidcConfigRow = NonNullable<Awaited<ReturnType<typeof findOidcConfig>>>;
export type SamlConfigRow = NonNullable<Awaited<ReturnType<typeof findSamlConfig>>>;

export function openClientSecret(serverSecret: string, row: OidcConfigRow): string {
  return openSecret(serverSecret, secretPurpose, row.client_secret_sealed);
}

export function oidcView(row: OidcConfigRow, urls: SsoUrls): OidcView {
  return {
    issuer_url: row.issuer_url,
    issuer: row.issuer_url,
    client_id: row.client_id,
    client_secret_hint: row.client_secret_hint,
    client_secret: null,
    default_role: row.default_role,
    display_name: row.display_name,
    redirect_uri: oidcRedirectUri(urls),
  };
}

export function samlView(row: SamlConfigRow, urls: SsoUrls): SamlView {
  const cert = new X509Certificate(row.idp_cert_pem);
  return {
    idp_entity_id: row.idp_entity_id,
    idp_sso_url: row.idp_sso_url,
    idp_x509_cert_bytes: cert.raw.length,
    idp_cert_pem: row.idp_cert_pem,
    idp_cert_not_after: new Date(cert.validTo).toISOString(),
    sp_entity_id: row.sp_entity_id ?? defaultSpEntityId(urls.tenantSlug),
    default_role: row.default_role,
    display_name: row.display_name,
    acs_url: samlAcsUrl(urls),
    metadata_url: samlMetadataUrl(urls),
  };
}

export async function listRoleMappings(db: Kysely<Database>, tenantId: string): Promise<RoleMapping[]> {
  const rows = await db
    .selectFrom('sso_role_mappings')
    .select(['idp_group', 'role'])
    .where('tenant_id', '=', tenantId)
    .orderBy('idp_group')
    .execute();
  return rows.map((row) => ({ group: row.idp_group, role: row.role }));
}

export async function isSsoRequired(db: Kysely<Database>, tenantId: string): Promise<boolean> {
  const row = await db
    .selectFrom('tenant_sso_settings')
    .select('sso_required')
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  return row?.sso_required ?? false;
}

export async function getSsoView(
  db: Kysely<Database>,
  tenantId: string,
  urls: SsoUrls,
): Promise<SsoConfigView> {
  const [oidc, saml, mappings, required] = await Promise.all([
    findOidcConfig(db, tenantId),
    findSamlConfig(db, tenantId),
    listRoleMappings(db, tenantId),
    isSsoRequired(db, tenantId),
  ]);
  return {
    kind: oidc ? 'oidc' : saml ? 'saml' : null,
    ...(oidc ? { oidc: oidcView(oidc, urls) } : {}),
    ...(saml ? { saml: samlView(saml, urls) } : {}),
    sso_required: required,
    role_mappings: mappings,
    scim_endpoint: '/scim/v2/Users',
  };
}

function field(name: string, message: string): AgentryError {
  return new AgentryError('validation_error', { message, issues: [{ path: [name], message }] });
}

const isTenantRole = (value: string): value is TenantRole =>
  (tenantRoles as readonly string[]).includes(value);

function checkRole(value: string | undefined, name = 'default_role'): TenantRole {
  if (value === undefined || !isTenantRole(value))
    throw field(name, 'Use one of viewer, publisher, curator, admin.');
  return value;
}

function cleanDisplayName(value: string | null | undefined): string | null {
  const trimmed = value?.trim() ?? '';
  if (trimmed.length > 60) throw field('display_name', 'Use at most 60 characters.');
  return trimmed || null;
}

export interface OidcChange {
  issuerUrl: string | undefined;
  clientId: string | undefined;
  /** Required the first time; absent afterwards keeps the stored secret. */
  clientSecret: string | undefined;
  defaultRole: string | undefined;
  displayName?: string | null | undefined;
}

export interface Actor {
  tenantId: string;
  userId: string;
  ip?: string | undefined;
}

/**
 * Checks and stores the OIDC provider. `checkIssuer` fetches the issuer's discovery document (through
 * the public-address guard) and throws when it cannot be read or names another issuer.
 */
export async function putOidcConfig(
  db: Kysely<Database>,
  serverSecret: string,
  actor: Actor,
  change: OidcChange,
  checkIssuer: (issuerUrl: string) => Promise<void>,
): Promise<void> {
  const issuerUrl = change.issuerUrl?.trim().replace(/\/+$/, '') ?? '';
  if (!issuerUrl) throw field('issuer_url', 'The issuer URL is required.');
  const clientId = change.clientId?.trim() ?? '';
  if (!clientId || clientId.length > 500) throw field('client_id', 'The client id is required.');
  const role = checkRole(change.defaultRole);
  const existing = await findOidcConfig(db, actor.tenantId);
  const secret = change.clientSecret?.trim();
  if (!secret && !existing) throw field('client_secret', 'The client secret is required.');
  if (secret && secret.length > 2000) throw field('client_secret', 'Use at most 2000 characters.');
  await checkIssuer(issuerUrl);
  const values = {
    issuer_url: issuerUrl,
    client_id: clientId,
    default_role: role,
    display_name: cleanDisplayName(change.displayName ?? existing?.display_name),
    updated_at: new Date(),
    ...(secret
      ? {
          client_secret_sealed: sealSecret(serverSecret, secretPurpose, secret),
          client_secret_hint: secretHint(secret),
        }
      : {}),
  };
  await db.transaction().execute(async (trx) => {
    if (existing)
      await trx.updateTable('tenant_sso_oidc').set(values).where('tenant_id', '=', actor.tenantId).execute();
    else
      await trx
        .insertInto('tenant_sso_oidc')
        .values({
          tenant_id: actor.tenantId,
          client_secret_sealed: '',
          client_secret_hint: '',
          ...values,
        })
        .execute();
    await recordAudit(trx, {
      tenantId: actor.tenantId,
      action: 'tenant.sso.oidc.update',
      actorUserId: actor.userId,
      targetType: 'sso',
      targetId: 'oidc',
      data: {
        issuer_url: issuerUrl,
        client_id: clientId,
        default_role: role,
        secret_changed: Boolean(secret),
      },
      ip: actor.ip ?? null,
    });
  });
}

export interface SamlChange {
  metadataXml?: string | undefined;
  idpEntityId?: string | undefined;
  idpSsoUrl?: string | undefined;
  idpCertPem?: string | undefined;
  spEntityId?: string | null | undefined;
  defaultRole: string | undefined;
  displayName?: string | null | undefined;
}

// @xmldom/xmldom's type declarations pull the browser DOM library into the whole program, so it is
// loaded untyped and described by the little of it this module uses.
interface XmlElement {
  localName: string | null;
  textContent: string | null;
  getAttribute(name: string): string | null;
  getElementsByTagNameNS(
    ns: string,
    name: string,
  ): { length: number; item(index: number): XmlElement | null };
}
interface XmlDocument extends Omit<XmlElement, 'getAttribute'> {
  documentElement: XmlElement | null;
}
const { DOMParser } = createRequire(import.meta.url)('@xmldom/xmldom') as {
  DOMParser: new (options: {
    errorHandler: { error: (message: string) => void; fatalError: (message: string) => void };
  }) => { parseFromString(xml: string, type: string): XmlDocument | undefined };
};

const mdNs = 'urn:oasis:names:tc:SAML:2.0:metadata';
const dsNs = 'http://www.w3.org/2000/09/xmldsig#';

/** entityID, the first IDPSSODescriptor's SingleSignOnService and its signing certificate. */
export function parseIdpMetadata(xml: string): { entityId: string; ssoUrl: string; certPem: string } {
  const problems: string[] = [];
  const doc = new DOMParser({
    errorHandler: { error: (m: string) => problems.push(m), fatalError: (m: string) => problems.push(m) },
  }).parseFromString(xml, 'application/xml');
  if (problems.length > 0 || !doc?.documentElement)
    throw field('metadata_xml', 'metadata_xml is not well-formed XML.');
  if (/<!DOCTYPE/i.test(xml)) throw field('metadata_xml', 'metadata_xml must not contain a DOCTYPE.');
  const descriptors = doc.getElementsByTagNameNS(mdNs, 'EntityDescriptor');
  const entity =
    doc.documentElement.localName === 'EntityDescriptor' ? doc.documentElement : descriptors.item(0);
  const entityId = entity?.getAttribute('entityID')?.trim();
  if (!entity || !entityId)
    throw field('metadata_xml', 'metadata_xml has no EntityDescriptor with an entityID.');
  const idp = entity.getElementsByTagNameNS(mdNs, 'IDPSSODescriptor').item(0);
  if (!idp)
    throw field(
      'metadata_xml',
      'metadata_xml has no IDPSSODescriptor — paste IdP metadata, not SP metadata.',
    );
  const services = Array.from(
    { length: idp.getElementsByTagNameNS(mdNs, 'SingleSignOnService').length },
    (_, i) => idp.getElementsByTagNameNS(mdNs, 'SingleSignOnService').item(i),
  );
  const service =
    services.find((s) => s?.getAttribute('Binding')?.endsWith('HTTP-Redirect')) ??
    services.find((s) => s?.getAttribute('Binding')?.endsWith('HTTP-POST')) ??
    services[0];
  const ssoUrl = service?.getAttribute('Location')?.trim();
  if (!ssoUrl) throw field('metadata_xml', 'metadata_xml has no SingleSignOnService Location.');
  const keys = idp.getElementsByTagNameNS(mdNs, 'KeyDescriptor');
  let key = keys.item(0);
  for (let i = 0; i < keys.length; i++) {
    if (keys.item(i)?.getAttribute('use') === 'signing') {
      key = keys.item(i);
      break;
    }
  }
  const certText = key
    ?.getElementsByTagNameNS(dsNs, 'X509Certificate')
    .item(0)
    ?.textContent?.replace(/\s+/g, '');
  if (!certText) throw field('metadata_xml', 'metadata_xml has no signing X509Certificate.');
  const lines = certText.match(/.{1,64}/g) ?? [];
  return {
    entityId,
    ssoUrl,
    certPem: `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`,
  };
}

/** A PEM certificate that parses and is within its validity period, normalised. */
export function checkCertificate(pem: string, name = 'idp_cert_pem'): string {
  const trimmed = pem.trim();
  if (!/^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----$/.test(trimmed))
    throw field(name, 'Paste one PEM certificate (-----BEGIN CERTIFICATE-----).');
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(trimmed);
  } catch {
    throw field(name, 'The certificate does not parse.');
  }
  const now = Date.now();
  if (Date.parse(cert.validTo) <= now) throw field(name, 'The certificate has expired.');
  if (Date.parse(cert.validFrom) > now + 5 * 60_000) throw field(name, 'The certificate is not valid yet.');
  return `${cert.toString().trim()}\n`;
}

function checkHttpUrl(value: string | undefined, name: string): string {
  const trimmed = value?.trim() ?? '';
  try {
    const url = new URL(trimmed);
    if (url.protocol === 'https:' || url.protocol === 'http:') return trimmed;
  } catch {}
  throw field(name, `${name} must be an http(s) URL.`);
}

export async function putSamlConfig(db: Kysely<Database>, actor: Actor, change: SamlChange): Promise<void> {
  const role = checkRole(change.defaultRole);
  let entityId: string;
  let ssoUrl: string;
  let certPem: string;
  if (change.metadataXml !== undefined && change.metadataXml.trim() !== '') {
    if (change.metadataXml.length > 256 * 1024) throw field('metadata_xml', 'Use at most 256 KiB.');
    const parsed = parseIdpMetadata(change.metadataXml);
    entityId = parsed.entityId;
    ssoUrl = parsed.ssoUrl;
    certPem = parsed.certPem;
  } else {
    entityId = change.idpEntityId?.trim() ?? '';
    if (!entityId)
      throw field('idp_entity_id', 'Give metadata_xml, or idp_entity_id, idp_sso_url and idp_cert_pem.');
    ssoUrl = change.idpSsoUrl ?? '';
    certPem = change.idpCertPem ?? '';
  }
  ssoUrl = checkHttpUrl(ssoUrl, 'idp_sso_url');
  certPem = checkCertificate(certPem, change.metadataXml ? 'metadata_xml' : 'idp_cert_pem');
  const spEntityId = change.spEntityId?.trim() || null;
  const values = {
    idp_entity_id: entityId.slice(0, 1000),
    idp_sso_url: ssoUrl,
    idp_cert_pem: certPem,
    sp_entity_id: spEntityId,
    default_role: role,
    display_name: cleanDisplayName(change.displayName),
    updated_at: new Date(),
  };
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('tenant_sso_saml')
      .values({ tenant_id: actor.tenantId, ...values })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet(values))
      .execute();
    await recordAudit(trx, {
      tenantId: actor.tenantId,
      action: 'tenant.sso.saml.update',
      actorUserId: actor.userId,
      targetType: 'sso',
      targetId: 'saml',
      data: { idp_entity_id: entityId, idp_sso_url: ssoUrl, default_role: role },
      ip: actor.ip ?? null,
    });
  });
}

/** Removes one protocol's configuration, or both. */
export async function deleteSsoConfig(
  db: Kysely<Database>,
  actor: Actor,
  which: SsoProtocol | 'all',
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (which !== 'saml')
      await trx.deleteFrom('tenant_sso_oidc').where('tenant_id', '=', actor.tenantId).execute();
    if (which !== 'oidc')
      await trx.deleteFrom('tenant_sso_saml').where('tenant_id', '=', actor.tenantId).execute();
    await recordAudit(trx, {
      tenantId: actor.tenantId,
      action: which === 'all' ? 'tenant.sso.delete' : `tenant.sso.${which}.delete`,
      actorUserId: actor.userId,
      targetType: 'sso',
      targetId: which,
      ip: actor.ip ?? null,
    });
  });
}

export interface SettingsChange {
  ssoRequired?: boolean | undefined;
  roleMappings?: { group: string; role: string }[] | undefined;
}

/** SSO can be required only while an IdP is configured (or no one could sign in). */
export async function putSsoSettings(
  db: Kysely<Database>,
  actor: Actor,
  change: SettingsChange,
): Promise<void> {
  const mappings = change.roleMappings?.map((entry, index) => {
    const group = entry.group.trim();
    if (!group || group.length > 200) throw field(`role_mappings.${index}.group`, 'Give the IdP group name.');
    return { group, role: checkRole(entry.role, `role_mappings.${index}.role`) };
  });
  if (change.ssoRequired) {
    const [oidc, saml] = await Promise.all([
      findOidcConfig(db, actor.tenantId),
      findSamlConfig(db, actor.tenantId),
    ]);
    if (!oidc && !saml)
      throw new AgentryError('sso_not_configured', {
        message: 'Configure OIDC or SAML before requiring SSO.',
      });
  }
  await db.transaction().execute(async (trx) => {
    if (change.ssoRequired !== undefined) {
      await trx
        .insertInto('tenant_sso_settings')
        .values({ tenant_id: actor.tenantId, sso_required: change.ssoRequired })
        .onConflict((oc) =>
          oc.column('tenant_id').doUpdateSet({ sso_required: change.ssoRequired, updated_at: new Date() }),
        )
        .execute();
    }
    if (mappings) {
      await trx.deleteFrom('sso_role_mappings').where('tenant_id', '=', actor.tenantId).execute();
      const unique = new Map(mappings.map((m) => [m.group, m.role]));
      if (unique.size > 0)
        await trx
          .insertInto('sso_role_mappings')
          .values([...unique].map(([group, role]) => ({ tenant_id: actor.tenantId, idp_group: group, role })))
          .execute();
    }
    await recordAudit(trx, {
      tenantId: actor.tenantId,
      action: 'tenant.sso.settings.update',
      actorUserId: actor.userId,
      targetType: 'sso',
      targetId: 'settings',
      data: { sso_required: change.ssoRequired, role_mappings: mappings?.length },
      ip: actor.ip ?? null,
    });
  });
}

/** A tenant that requires SSO (and has an IdP to sign in with) refuses password sign-in. */
export async function passwordSignInRefused(db: Kysely<Database>, tenantId: string): Promise<boolean> {
  if (!(await isSsoRequired(db, tenantId))) return false;
  const [oidc, saml] = await Promise.all([findOidcConfig(db, tenantId), findSamlConfig(db, tenantId)]);
  return Boolean(oidc || saml);
}
