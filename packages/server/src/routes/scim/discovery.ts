/** SCIM discovery documents (RFC 7643 §5–7): what this server supports, served without a credential. */
import { maxResults, scimSchemas } from '../../domain/scim.js';

const attribute = (name: string, type: string, extra: Record<string, unknown> = {}) => ({
  name,
  type,
  multiValued: false,
  required: false,
  caseExact: false,
  mutability: 'readWrite',
  returned: 'default',
  uniqueness: 'none',
  ...extra,
});

export function serviceProviderConfig(prefix: string) {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
    documentationUri: 'https://github.com/agentry/agentry/blob/main/docs/operations.md#scim',
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: false },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'SCIM bearer token',
        description: 'A tenant SCIM token (agentry-server admin scim-token-create, or the admin SCIM page).',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${prefix}/ServiceProviderConfig` },
  };
}

export function resourceTypes(prefix: string) {
  const types = [
    { id: 'User', name: 'User', endpoint: '/Users', schema: scimSchemas.user, description: 'Tenant members' },
    {
      id: 'Group',
      name: 'Group',
      endpoint: '/Groups',
      schema: scimSchemas.group,
      description: 'Groups mapped to roles',
    },
  ].map((type) => ({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
    ...type,
    ...(type.id === 'User'
      ? { schemaExtensions: [{ schema: scimSchemas.enterpriseUser, required: false }] }
      : {}),
    meta: { resourceType: 'ResourceType', location: `${prefix}/ResourceTypes/${type.id}` },
  }));
  return {
    schemas: [scimSchemas.list],
    totalResults: types.length,
    startIndex: 1,
    itemsPerPage: types.length,
    Resources: types,
  };
}

export function schemas() {
  const list = [
    {
      id: scimSchemas.user,
      name: 'User',
      description: 'A member of the tenant',
      attributes: [
        attribute('userName', 'string', { required: true, uniqueness: 'server' }),
        attribute('externalId', 'string'),
        attribute('displayName', 'string'),
        attribute('name', 'complex', {
          subAttributes: ['formatted', 'givenName', 'familyName', 'middleName'].map((name) =>
            attribute(name, 'string'),
          ),
        }),
        attribute('active', 'boolean'),
        attribute('emails', 'complex', {
          multiValued: true,
          subAttributes: [
            attribute('value', 'string'),
            attribute('type', 'string'),
            attribute('primary', 'boolean'),
          ],
        }),
        attribute('groups', 'complex', { multiValued: true, mutability: 'readOnly' }),
      ],
    },
    {
      id: scimSchemas.group,
      name: 'Group',
      description:
        'A group; its name implies a tenant role (admins, curators, publishers, viewers) unless an admin maps it',
      attributes: [
        attribute('displayName', 'string', { required: true, uniqueness: 'server' }),
        attribute('externalId', 'string'),
        attribute('members', 'complex', {
          multiValued: true,
          subAttributes: [
            attribute('value', 'string', { mutability: 'immutable' }),
            attribute('display', 'string'),
          ],
        }),
      ],
    },
  ].map((schema) => ({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'], ...schema }));
  return {
    schemas: [scimSchemas.list],
    totalResults: list.length,
    startIndex: 1,
    itemsPerPage: list.length,
    Resources: list,
  };
}
