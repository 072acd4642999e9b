// A real, local OpenID provider for etterlev's OIDC integration test
// (crates/web/tests/oidc.rs), built on panva/oidc-provider (a certified
// OpenID Provider implementation). Test use only: accounts are made up from
// whatever is typed at the login screen, storage is in memory.
//
// Usage: node provider.js [port]      (or PORT=...; 0 or unset = any free port)
// Environment:
//   REDIRECT_URIS  space- or comma-separated redirect URIs of the test client
//                  (required), e.g. http://127.0.0.1:4000/auth/oidc/callback
//
// Prints "READY <issuer>" on stdout once listening. The issuer is
// http://127.0.0.1:<port>.
//
// The login screen (oidc-provider's built-in development interactions) takes
// any login and password. The login typed becomes the account: typing
// "admin@demo.etterlev.no" signs in subject "sub-admin@demo.etterlev.no"
// whose verified e-mail address is "admin@demo.etterlev.no".

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const port = Number(process.argv[2] ?? process.env.PORT ?? 0);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`invalid port ${process.argv[2] ?? process.env.PORT}`);
  process.exit(2);
}

const redirectUris = (process.env.REDIRECT_URIS ?? '')
  .split(/[\s,]+/)
  .filter(Boolean);
if (redirectUris.length === 0) {
  console.error('REDIRECT_URIS must name at least one redirect URI');
  process.exit(2);
}

// A fresh signing key on every start (no development keys from the package),
// always under the same key id: an ID token from one run names a key the
// relying party knows from another run, but its signature does not verify.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = {
  ...privateKey.export({ format: 'jwk' }), kid: 'etterlev-test-key', use: 'sig', alg: 'RS256',
};

const server = createServer();
server.listen(port, '127.0.0.1', () => {
  const { port: actualPort } = server.address();
  const issuer = `http://127.0.0.1:${actualPort}`;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'etterlev-test',
        client_secret: 'etterlev-test-secret',
        // A confidential web client; http redirect URIs are allowed for web
        // clients using the code flow (only implicit-flow clients must use
        // https), so the loopback app needs no special casing.
        application_type: 'web',
        redirect_uris: redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        // What the openidconnect crate's CoreClient uses by default.
        token_endpoint_auth_method: 'client_secret_basic',
        id_token_signed_response_alg: 'RS256',
      },
    ],
    jwks: { keys: [signingKey] },
    // PKCE with S256 for every authorisation request, also for confidential
    // clients (the default requires it of public clients only).
    pkce: { methods: ['S256'], required: () => true },
    scopes: ['openid', 'email', 'profile'],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
    },
    // By default claims go in the ID token itself. With CONFORM_ID_TOKEN_CLAIMS=1
    // (the provider's own default, and the behaviour of some real providers)
    // e-mail is only available at the userinfo endpoint.
    conformIdTokenClaims: process.env.CONFORM_ID_TOKEN_CLAIMS === '1',
    features: {
      devInteractions: { enabled: true },
      userinfo: { enabled: true },
    },
    cookies: {
      keys: [randomBytes(32).toString('base64url')],
      // Everything here is plain http on 127.0.0.1.
      long: { signed: true, sameSite: 'lax' },
      short: { signed: true, sameSite: 'lax' },
    },
    async findAccount(ctx, id) {
      const email = String(id).trim().toLowerCase();
      return {
        accountId: id,
        async claims() {
          return {
            sub: `sub-${email}`,
            email,
            email_verified: true,
            name: `Test user ${email}`,
          };
        },
      };
    },
    renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = `<!DOCTYPE html><title>oidc error</title><pre id="error">${
        Object.entries(out).map(([k, v]) => `${k}: ${String(v).replace(/[<>&]/g, '')}`).join('\n')
      }</pre>`;
    },
  });
  provider.on('server_error', (ctx, err) => console.error('server_error', err));
  // Refusals with their detail (the HTTP answers keep it short).
  for (const event of ['authorization.error', 'grant.error', 'introspection.error', 'userinfo.error']) {
    provider.on(event, (ctx, err) => {
      console.error(`${event}: ${err.error}: ${err.error_description}${err.error_detail ? ` (${err.error_detail})` : ''}`);
    });
  }

  server.on('request', provider.callback());
  console.log(`READY ${issuer}`);
});

server.on('error', (err) => {
  console.error(`cannot listen on 127.0.0.1:${port}: ${err.message}`);
  process.exit(1);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => process.exit(0));
}
