// The platform's request ceiling: a Worker that answers every request with the same JSON, about the size of a
// discovery document, serialised once per isolate.

const endpoints = ["authorization", "token", "introspection", "revocation", "end_session", "userinfo", "registration", "device_authorization"];
const BODY = JSON.stringify({
  issuer: "http://127.0.0.1/oauth2/ausbench0000000000",
  jwks_uri: "http://127.0.0.1/oauth2/ausbench0000000000/v1/keys",
  ...Object.fromEntries(endpoints.map((e) => [`${e}_endpoint`, `http://127.0.0.1/oauth2/ausbench0000000000/v1/${e}`])),
  response_types_supported: ["code", "id_token", "code id_token", "code token", "id_token token", "code id_token token"],
  response_modes_supported: ["query", "fragment", "form_post", "okta_post_message"],
  grant_types_supported: ["authorization_code", "implicit", "refresh_token", "password", "client_credentials"],
  subject_types_supported: ["public"],
  id_token_signing_alg_values_supported: ["RS256"],
  scopes_supported: ["openid", "profile", "email", "address", "phone", "offline_access", "device_sso"],
  token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt", "none"],
  claims_supported: ["iss", "ver", "sub", "aud", "iat", "exp", "jti", "auth_time", "amr", "idp", "nonce", "name", "email"],
  code_challenge_methods_supported: ["S256"],
});

export default {
  fetch() {
    return new Response(BODY, { headers: { "Content-Type": "application/json", "Cache-Control": "public, max-age=300" } });
  },
};
