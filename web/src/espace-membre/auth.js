// Who is signed in, and the credential every API call carries.
//
// Today there is one sign-in method: the member pastes its API key. The key stays in this tab only
// (sessionStorage: gone when the tab closes; never localStorage, never in a URL) and is sent only as
// `Authorization: Bearer`. Another method (e-mail link, say) would be one more function like
// signInWithKey() that ends by calling adopt() with the credential the server hands out.

const STORE = "reseau-espace-membre";
let credential = null; // {scheme: "Bearer", value}
let who = null; // GET /v1/cles/moi, plus the organisation's name

export function authHeaders() {
  return credential ? { Authorization: `${credential.scheme} ${credential.value}` } : {};
}

export function currentMember() {
  return who;
}

function adopt(scheme, value) {
  credential = { scheme, value };
  sessionStorage.setItem(STORE, JSON.stringify(credential));
}

export function signOut() {
  credential = null;
  who = null;
  sessionStorage.removeItem(STORE);
}

// Checks the credential with the API; on any failure nothing is kept.
async function identify(call) {
  try {
    const me = (await call("GET", "/cles/moi")).body;
    let organisation = null;
    if (me.organisation) {
      try {
        organisation = (await call("GET", `/organisations/${me.organisation}`)).body;
      } catch {
        organisation = { id: me.organisation, nom: me.organisation };
      }
    }
    who = { ...me, organisationNom: organisation ? organisation.nom : null };
    return who;
  } catch (error) {
    signOut();
    throw error;
  }
}

export async function signInWithKey(call, key) {
  adopt("Bearer", key.trim());
  return identify(call);
}

// A tab that reloads keeps its sign-in (sessionStorage), checked again with the API.
export async function restore(call) {
  const saved = sessionStorage.getItem(STORE);
  if (!saved) return null;
  try {
    const { scheme, value } = JSON.parse(saved);
    credential = { scheme, value };
    return await identify(call);
  } catch {
    signOut();
    return null;
  }
}
