/** The fixed values the people fixtures use, and the messages the sign-in pages and OAuth errors carry. */

export const PASSWORD = "Correct-Horse-7-battery";
export const REDIRECT = "https://app.example/callback";
export const LOGOUT_REDIRECT = "https://app.example/bye";
/** The BUILT_IN Everyone group seeded by schema.sql. */
export const EVERYONE = "00geveryone000000000";
export const SESSION_COOKIE = "__Host-mg_sid";
export const CSRF_COOKIE = "__Host-mg_csrf";

/** The sign-in page's one generic error (it never says which part was wrong). */
export const SIGN_IN_FAILED = "Unable to sign in. Check your username and password and try again.";
export const FORM_EXPIRED = "This sign-in form has expired or was not sent by this browser. Go back to the application and start again.";
export const LOGIN_REQUIRED = "The client specified not to prompt, but the user is not logged in.";
export const NOT_ASSIGNED = "User is not assigned to the client application.";
export const INVALID_CODE = "The authorization code is invalid or has expired.";
export const INVALID_REFRESH = "The refresh token is invalid or expired.";
