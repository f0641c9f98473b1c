import type { Client } from "./clients";
import { sessionFor } from "./browser-flow";
import { appFor, createPerson, peopleServer, type PeopleServer, type Person, type PersonOptions, type WebAppOptions } from "./people";

/**
 * The setup most OAuth tests share: a fresh people server, a person, a web app assigned to them and, unless
 * `signIn: false`, a session (the `mg_sid` cookie) from signing in once through that app.
 */

export interface PersonWithAppOptions {
  server?: Parameters<typeof peopleServer>[0];
  person?: PersonOptions;
  app?: WebAppOptions;
}

export interface PersonWithApp {
  server: PeopleServer;
  person: Person;
  client: Client;
}

export async function personWithApp(o: PersonWithAppOptions = {}): Promise<PersonWithApp> {
  const server = await peopleServer(o.server);
  const person = await createPerson(o.person);
  const client = await appFor(person, o.app);
  return { server, person, client };
}

/** personWithApp, signed in: `sid` is the session cookie as `__Host-mg_sid=value`. */
export async function signedInWithApp(o: PersonWithAppOptions = {}): Promise<PersonWithApp & { sid: string }> {
  const f = await personWithApp(o);
  return { ...f, sid: await sessionFor(f.server.id, f.client, f.person) };
}
