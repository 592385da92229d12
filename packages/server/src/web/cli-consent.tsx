/** The consent screen of Tank's CLI login: who is asking, for what, approve or deny. */
import { Layout, type PageUser } from './layout.js';

export interface ConsentProps {
  user: PageUser;
  csrf: string;
  token: string;
  deviceName: string | null;
  scopes: string[];
}

export function renderConsentPage(props: ConsentProps): string {
  return `<!doctype html>${(
    <Layout title="Authorize the CLI" user={props.user} csrf={props.csrf}>
      <section class="card narrow">
        <h1>Authorize the Agentry CLI?</h1>
        <p>
          A command line{props.deviceName ? ` on "${props.deviceName}"` : ''} asks to act as{' '}
          <strong>{props.user.username}</strong> with these permissions:
        </p>
        <ul>
          {props.scopes.map((scope) => (
            <li>
              <code>{scope}</code>
            </li>
          ))}
        </ul>
        <p>
          Only approve if you just ran <code>agentry login</code> yourself.
        </p>
        <form method="post" action="/api/v1/cli-auth/authorize">
          <input type="hidden" name="csrf" value={props.csrf} />
          <input type="hidden" name="token" value={props.token} />
          <button type="submit" name="decision" value="approve">
            Approve
          </button>{' '}
          <button type="submit" name="decision" value="deny" class="secondary">
            Deny
          </button>
        </form>
      </section>
    </Layout>
  )}`;
}

export function renderConsentResult(user: PageUser | undefined, title: string, message: string): string {
  return `<!doctype html>${(
    <Layout title={title} user={user}>
      <section class="card narrow">
        <h1>{title}</h1>
        <p>{message}</p>
      </section>
    </Layout>
  )}`;
}
