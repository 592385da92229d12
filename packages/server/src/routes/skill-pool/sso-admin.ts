/**
 * skill-pool's SSO administration (tenant:admin). The real server's routes — `GET|DELETE
 * /v1/tenant/sso`, `PUT /v1/tenant/sso/oidc` with `issuer_url`, `PUT /v1/tenant/sso/saml` with
 * `metadata_xml` — and the document's per-protocol `GET|PUT|DELETE /v1/tenant/sso/{oidc,saml}`, side by
 * side (skill-pool-wire §6.9). Unlike the real server, a PUT of OIDC fetches the issuer's discovery
 * document (through the public-address guard) before storing anything. `PUT /v1/tenant/sso/settings`
 * (ours) maps IdP groups to roles and can require SSO for the tenant's members.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppDeps } from '../../app-deps.js';
import { createOidcClients } from '../../domain/oidc.js';
import {
  deleteSsoConfig,
  findOidcConfig,
  findSamlConfig,
  getSsoView,
  oidcView,
  putOidcConfig,
  putSamlConfig,
  putSsoSettings,
  type SsoUrls,
  samlView,
} from '../../domain/sso-config.js';
import { requireScope } from '../../http/auth.js';
import type { AppEnv } from '../../http/context.js';
import { requiresAuth } from '../../http/route-auth.js';
import { json, spErrors, tags } from './common.js';

const Role = z.enum(['viewer', 'publisher', 'curator', 'admin']);

const OidcView = z
  .object({
    issuer_url: z.string(),
    issuer: z.string().openapi({ description: "The document's name for issuer_url" }),
    client_id: z.string(),
    client_secret_hint: z.string().openapi({ example: '••••abcd' }),
    client_secret: z.null().openapi({ description: 'Never returned' }),
    default_role: Role,
    display_name: z.string().nullable(),
    redirect_uri: z.string().openapi({ description: 'Register this with the identity provider' }),
  })
  .openapi('SkillPoolOidcConfig');

const SamlView = z
  .object({
    idp_entity_id: z.string(),
    idp_sso_url: z.string(),
    idp_x509_cert_bytes: z.number().int(),
    idp_cert_pem: z.string(),
    idp_cert_not_after: z.string(),
    sp_entity_id: z.string(),
    default_role: Role,
    display_name: z.string().nullable(),
    acs_url: z.string(),
    metadata_url: z.string(),
  })
  .openapi('SkillPoolSamlConfig');

const RoleMapping = z.object({ group: z.string().max(200), role: Role }).openapi('SkillPoolSsoRoleMapping');

const SsoConfigView = z
  .object({
    kind: z.enum(['oidc', 'saml']).nullable(),
    oidc: OidcView.optional(),
    saml: SamlView.optional(),
    sso_required: z.boolean(),
    role_mappings: z.array(RoleMapping),
    scim_endpoint: z.string(),
  })
  .openapi('SkillPoolSsoConfigView');

const OidcChange = z
  .object({
    issuer_url: z.string().max(2000).optional(),
    issuer: z.string().max(2000).optional().openapi({ description: "The document's name for issuer_url" }),
    client_id: z.string().max(500).optional(),
    client_secret: z
      .string()
      .max(2000)
      .optional()
      .openapi({ description: 'Required the first time; absent later keeps the stored secret' }),
    default_role: z.string().optional(),
    display_name: z
      .string()
      .max(200)
      .nullable()
      .optional()
      .openapi({ description: 'The "Sign in with …" label' }),
  })
  .openapi('SkillPoolOidcChange');

const SamlChange = z
  .object({
    metadata_xml: z
      .string()
      .max(262_144)
      .optional()
      .openapi({ description: 'IdP metadata (what the portal sends)' }),
    idp_entity_id: z.string().max(1000).optional(),
    idp_sso_url: z.string().max(2000).optional(),
    idp_cert_pem: z.string().max(20_000).optional(),
    sp_entity_id: z.string().max(1000).nullable().optional(),
    default_role: z.string().optional(),
    display_name: z.string().max(200).nullable().optional(),
  })
  .openapi('SkillPoolSamlChange');

const SettingsChange = z
  .object({
    sso_required: z.boolean().optional().openapi({ description: 'Members sign in only through SSO' }),
    role_mappings: z
      .array(RoleMapping)
      .max(200)
      .optional()
      .openapi({ description: 'Replaces every mapping' }),
  })
  .openapi('SkillPoolSsoSettingsChange');

const noContent = { 204: { description: 'Cleared' } };
const admin = requiresAuth('tenant:admin');

const getAll = createRoute({
  method: 'get',
  path: '/v1/tenant/sso',
  tags,
  summary: 'The SSO configuration (skill-pool: SsoConfigView; the client secret is never returned)',
  ...admin,
  responses: { 200: json(SsoConfigView, 'Configuration'), ...spErrors(401, 403) },
});
const deleteAll = createRoute({
  method: 'delete',
  path: '/v1/tenant/sso',
  tags,
  summary: 'Clear both the OIDC and the SAML configuration (existing sessions stay valid)',
  ...admin,
  responses: { ...noContent, ...spErrors(401, 403) },
});
const getOidc = createRoute({
  method: 'get',
  path: '/v1/tenant/sso/oidc',
  tags,
  summary: 'The OIDC configuration, or null',
  ...admin,
  responses: { 200: json(OidcView.nullable(), 'OIDC configuration'), ...spErrors(401, 403) },
});
const putOidc = createRoute({
  method: 'put',
  path: '/v1/tenant/sso/oidc',
  tags,
  summary: 'Set the OIDC provider (its discovery document must be readable); returns the SsoConfigView',
  ...admin,
  request: { body: { content: { 'application/json': { schema: OidcChange } }, required: true } },
  responses: { 200: json(SsoConfigView, 'Configuration'), ...spErrors(400, 401, 403) },
});
const deleteOidc = createRoute({
  method: 'delete',
  path: '/v1/tenant/sso/oidc',
  tags,
  summary: 'Clear the OIDC configuration',
  ...admin,
  responses: { ...noContent, ...spErrors(401, 403) },
});
const getSaml = createRoute({
  method: 'get',
  path: '/v1/tenant/sso/saml',
  tags,
  summary: 'The SAML configuration, or null',
  ...admin,
  responses: { 200: json(SamlView.nullable(), 'SAML configuration'), ...spErrors(401, 403) },
});
const putSaml = createRoute({
  method: 'put',
  path: '/v1/tenant/sso/saml',
  tags,
  summary: 'Set the SAML IdP from metadata_xml, or from idp_entity_id, idp_sso_url and idp_cert_pem',
  ...admin,
  request: { body: { content: { 'application/json': { schema: SamlChange } }, required: true } },
  responses: { 200: json(SsoConfigView, 'Configuration'), ...spErrors(400, 401, 403) },
});
const deleteSaml = createRoute({
  method: 'delete',
  path: '/v1/tenant/sso/saml',
  tags,
  summary: 'Clear the SAML configuration',
  ...admin,
  responses: { ...noContent, ...spErrors(401, 403) },
});
const putSettings = createRoute({
  method: 'put',
  path: '/v1/tenant/sso/settings',
  tags,
  summary: 'Map IdP groups to roles; require SSO for members (password sign-in refused)',
  ...admin,
  request: { body: { content: { 'application/json': { schema: SettingsChange } }, required: true } },
  responses: { 200: json(SsoConfigView, 'Configuration'), ...spErrors(400, 401, 403) },
});

export function ssoUrlsOf(c: Context<AppEnv>, deps: AppDeps): SsoUrls {
  return { publicUrl: deps.config.publicUrl, tenantSlug: c.get('tenant').slug };
}

export function ssoAdminRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();
  const oidc = createOidcClients({ privateOrigins: deps.config.ssoPrivateOrigins });
  const actorOf = (c: Context<AppEnv>) => ({
    tenantId: c.get('tenant').id,
    userId: requireScope(c, 'tenant:admin').user.id,
    ip: c.get('clientIp'),
  });
  const view = (c: Context<AppEnv>) => getSsoView(deps.db, c.get('tenant').id, ssoUrlsOf(c, deps));

  app.openapi(getAll, async (c) => {
    requireScope(c, 'tenant:admin');
    return c.json(await view(c), 200);
  });
  app.openapi(deleteAll, async (c) => {
    await deleteSsoConfig(deps.db, actorOf(c), 'all');
    return c.body(null, 204);
  });
  app.openapi(getOidc, async (c) => {
    requireScope(c, 'tenant:admin');
    const row = await findOidcConfig(deps.db, c.get('tenant').id);
    return c.json(row ? oidcView(row, ssoUrlsOf(c, deps)) : null, 200);
  });
  app.openapi(putOidc, async (c) => {
    const actor = actorOf(c);
    const body = c.req.valid('json');
    await putOidcConfig(
      deps.db,
      deps.secret,
      actor,
      {
        issuerUrl: body.issuer_url ?? body.issuer,
        clientId: body.client_id,
        clientSecret: body.client_secret,
        defaultRole: body.default_role,
        displayName: body.display_name,
      },
      async (issuerUrl) => {
        // Discovery only reads public metadata; the secret is not needed to check the issuer.
        await oidc.discover({ issuerUrl, clientId: body.client_id ?? '', clientSecret: 'unused' });
      },
    );
    return c.json(await view(c), 200);
  });
  app.openapi(deleteOidc, async (c) => {
    await deleteSsoConfig(deps.db, actorOf(c), 'oidc');
    return c.body(null, 204);
  });
  app.openapi(getSaml, async (c) => {
    requireScope(c, 'tenant:admin');
    const row = await findSamlConfig(deps.db, c.get('tenant').id);
    return c.json(row ? samlView(row, ssoUrlsOf(c, deps)) : null, 200);
  });
  app.openapi(putSaml, async (c) => {
    const actor = actorOf(c);
    const body = c.req.valid('json');
    await putSamlConfig(deps.db, actor, {
      metadataXml: body.metadata_xml,
      idpEntityId: body.idp_entity_id,
      idpSsoUrl: body.idp_sso_url,
      idpCertPem: body.idp_cert_pem,
      spEntityId: body.sp_entity_id,
      defaultRole: body.default_role,
      displayName: body.display_name,
    });
    return c.json(await view(c), 200);
  });
  app.openapi(deleteSaml, async (c) => {
    await deleteSsoConfig(deps.db, actorOf(c), 'saml');
    return c.body(null, 204);
  });
  app.openapi(putSettings, async (c) => {
    const actor = actorOf(c);
    const body = c.req.valid('json');
    await putSsoSettings(deps.db, actor, {
      ssoRequired: body.sso_required,
      roleMappings: body.role_mappings,
    });
    return c.json(await view(c), 200);
  });
  return app;
}
