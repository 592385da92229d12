/** A readable API reference rendered from the generated OpenAPI document, with no client-side script. */
import { Layout } from './layout.js';

interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: { name: string; in: string; required?: boolean; description?: string; schema?: unknown }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string }>;
}

export interface OpenApiDocument {
  info: { title: string; version: string; description?: string };
  paths?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, unknown> };
}

const methods = ['get', 'post', 'put', 'patch', 'delete'];

/** ` with the skills:publish scope` when the operation's bearer requirement names one. */
function scopeNote(security: unknown[]): string {
  const scopes = security.flatMap((requirement) => {
    const listed = (requirement as { bearer?: unknown }).bearer;
    return Array.isArray(listed) ? listed.filter((scope): scope is string => typeof scope === 'string') : [];
  });
  return scopes.length ? ` with the ${scopes.join(', ')} scope` : '';
}

export function renderApiDocs(doc: OpenApiDocument): string {
  const byTag = new Map<string, { method: string; path: string; op: Operation }[]>();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of methods) {
      const op = item[method];
      if (!op) continue;
      const tag = op.tags?.[0] ?? 'other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), { method, path, op }]);
    }
  }
  const page = (
    <Layout title="API reference">
      <h1>{doc.info.title}</h1>
      <p>
        Version {doc.info.version}. The machine-readable document is at{' '}
        <a href="/openapi.json">/openapi.json</a>.
      </p>
      {doc.info.description ? <p>{doc.info.description}</p> : null}
      <nav aria-label="Sections">
        <ul>
          {[...byTag.keys()].sort().map((tag) => (
            <li>
              <a href={`#tag-${tag}`}>{tag}</a>
            </li>
          ))}
        </ul>
      </nav>
      {[...byTag.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([tag, operations]) => (
          <section id={`tag-${tag}`}>
            <h2>{tag}</h2>
            {operations.map(({ method, path, op }) => (
              <article class="card">
                <h3>
                  <span class="method">{method.toUpperCase()}</span> <code>{path}</code>
                </h3>
                {op.summary ? <p>{op.summary}</p> : null}
                {op.security?.length ? <p>Requires a bearer token{scopeNote(op.security)}.</p> : null}
                {op.parameters?.length ? (
                  <table>
                    <caption>Parameters</caption>
                    <thead>
                      <tr>
                        <th>Name</th>
                        <th>In</th>
                        <th>Required</th>
                        <th>Description</th>
                      </tr>
                    </thead>
                    <tbody>
                      {op.parameters.map((p) => (
                        <tr>
                          <td>
                            <code>{p.name}</code>
                          </td>
                          <td>{p.in}</td>
                          <td>{p.required ? 'yes' : 'no'}</td>
                          <td>{p.description ?? ''}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                ) : null}
                {op.requestBody?.content
                  ? Object.entries(op.requestBody.content).map(([type, media]) => (
                      <details>
                        <summary>Request body ({type})</summary>
                        <pre>{JSON.stringify(media.schema ?? {}, null, 2)}</pre>
                      </details>
                    ))
                  : null}
                <table>
                  <caption>Responses</caption>
                  <tbody>
                    {Object.entries(op.responses ?? {}).map(([status, response]) => (
                      <tr>
                        <td>
                          <code>{status}</code>
                        </td>
                        <td>{response.description ?? ''}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </article>
            ))}
          </section>
        ))}
      {doc.components?.schemas ? (
        <section id="schemas">
          <h2>Schemas</h2>
          {Object.entries(doc.components.schemas).map(([name, schema]) => (
            <details>
              <summary>
                <code>{name}</code>
              </summary>
              <pre>{JSON.stringify(schema, null, 2)}</pre>
            </details>
          ))}
        </section>
      ) : null}
    </Layout>
  );
  return `<!doctype html>${page}`;
}
