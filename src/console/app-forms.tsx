import type { OktaError } from "./api";
import { Checkboxes, Csrf, FormError, Select, TextArea, TextField } from "./form";

export const APP_FIELDS = ["name", "label", "signOnMode", "credentials", "settings"];
export const APP_GRANTS = ["authorization_code", "refresh_token", "client_credentials", "implicit", "password"] as const;

const lines = (s: string | null) => (s ?? "").split(/[\s,]+/).filter(Boolean);

/** The OIDC app body from the console's form; `base` is the current app for an edit (keeps jwks and the rest). */
export function appBody(f: URLSearchParams, base?: any) {
  const type = f.get("application_type") ?? base?.settings?.oauthClient?.application_type ?? "web";
  const grants = f.getAll("grant_types");
  const responseTypes = grants.includes("implicit") ? ["code", "token", "id_token"] : ["code"];
  return {
    name: "oidc_client",
    label: f.get("label") ?? "",
    signOnMode: "OPENID_CONNECT",
    credentials: {
      oauthClient: {
        token_endpoint_auth_method: f.get("token_endpoint_auth_method") ?? base?.credentials?.oauthClient?.token_endpoint_auth_method,
        ...(base ? { client_id: base.credentials.oauthClient.client_id } : {}),
      },
    },
    settings: {
      oauthClient: {
        ...(base?.settings?.oauthClient ?? {}),
        application_type: type,
        redirect_uris: lines(f.get("redirect_uris")),
        post_logout_redirect_uris: lines(f.get("post_logout_redirect_uris")),
        response_types: responseTypes,
        grant_types: grants,
      },
    },
  };
}

export const fromApp = (a: any) => ({
  label: a.label,
  application_type: a.settings.oauthClient.application_type,
  token_endpoint_auth_method: a.credentials.oauthClient.token_endpoint_auth_method,
  redirect_uris: (a.settings.oauthClient.redirect_uris ?? []).join("\n"),
  post_logout_redirect_uris: (a.settings.oauthClient.post_logout_redirect_uris ?? []).join("\n"),
  grant_types: a.settings.oauthClient.grant_types,
});

// Form values as typed: strings, and the checked grant types.
export type AppValues = Record<string, any>;
export const formApp = (f: URLSearchParams): AppValues => ({ ...Object.fromEntries(f), grant_types: f.getAll("grant_types") }) as AppValues;

export function AppForm(p: { action: string; csrf: string; values: AppValues; error?: OktaError; submit: string; edit?: boolean }) {
  const v = p.values;
  return (
    <form method="post" action={p.action} novalidate>
      <FormError error={p.error} fields={APP_FIELDS} />
      <Csrf token={p.csrf} />
      <TextField id="label" label="Name (label)" value={v.label} error={p.error} required />
      {!p.edit && (
        <>
          <Select
            id="application_type"
            label="Application type"
            value={v.application_type ?? "web"}
            options={[
              { value: "web", label: "Web application (server-side)" },
              { value: "browser", label: "Single-page application (browser)" },
              { value: "native", label: "Native application" },
              { value: "service", label: "Service (machine to machine)" },
            ]}
            api={["settings.oauthClient.application_type"]}
            error={p.error}
          />
          <Select
            id="token_endpoint_auth_method"
            label="Client authentication"
            value={v.token_endpoint_auth_method ?? "client_secret_basic"}
            options={["client_secret_basic", "client_secret_post", "none"]}
            api={["credentials.oauthClient.token_endpoint_auth_method"]}
            error={p.error}
            hint="none (PKCE, no secret) for single-page and native apps."
          />
        </>
      )}
      <Checkboxes id="grant_types" label="Grant types" options={APP_GRANTS} checked={v.grant_types ?? ["authorization_code"]} api={["settings.oauthClient.grant_types"]} error={p.error} />
      <TextArea id="redirect_uris" label="Sign-in redirect URIs" value={v.redirect_uris} api={["settings.oauthClient.redirect_uris"]} error={p.error} hint="One per line; matched exactly." />
      <TextArea id="post_logout_redirect_uris" label="Sign-out redirect URIs" value={v.post_logout_redirect_uris} api={["settings.oauthClient.post_logout_redirect_uris"]} error={p.error} />
      <button type="submit">{p.submit}</button>
    </form>
  );
}

/** The secret is in the create (or new-secret) response only (Okta): shown once, never stored readable. */
export function SecretOnce(p: { app: any; secret?: string }) {
  return (
    <div class="card" role="region" aria-labelledby="credentials">
      <h2 id="credentials">Client credentials</h2>
      <p>
        Client ID: <code class="secret">{p.app.credentials.oauthClient.client_id}</code>
      </p>
      {p.secret && (
        <>
          <p>
            Client secret: <code class="secret" id="client-secret">{p.secret}</code>
          </p>
          <p class="notice" role="status">
            Copy the secret now: it is shown only this once. If it is lost, generate a new one.
          </p>
        </>
      )}
    </div>
  );
}

