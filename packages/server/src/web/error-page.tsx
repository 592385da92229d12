import type { AgentryError } from '@agentry/core';
import { Layout } from './layout.js';

export function renderErrorPage(error: AgentryError): string {
  const page = (
    <Layout title={error.status === 404 ? 'Not found' : 'Error'}>
      <section class="card">
        <h1>{error.status === 404 ? 'Page not found' : 'Something went wrong'}</h1>
        <p>{error.status >= 500 ? 'An unexpected error occurred. Try again later.' : error.message}</p>
        <p>
          <a href="/">Back to the registry</a>
        </p>
      </section>
    </Layout>
  );
  return `<!doctype html>${page}`;
}
