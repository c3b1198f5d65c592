// The member space: sign-in, then screens chosen by the URL fragment. Only ids travel in the URL; the key
// never does (auth.js).
import { ApiError, call, vocab } from "./api.js";
import { currentMember, restore, signInWithKey, signOut } from "./auth.js";
import { announce, clear, h } from "./dom.js";
import { field, input } from "./forms.js";
import { editPlace, myPlaces, placeHistory } from "./lieux.js";
import { editPractice, myPractices, practiceHistory } from "./pratiques.js";
import { adminClaims, claimScreen } from "./revendications.js";
import { moderationScreen, organisationScreen, organisationsScreen } from "./admin.js";

const main = document.getElementById("contenu");
const who = document.getElementById("qui");
const nav = document.getElementById("navigation");

const MEMBER_LINKS = [["#/lieux", "Mes lieux"], ["#/pratiques", "Mes bonnes pratiques"], ["#/revendiquer", "Revendiquer un lieu"]];
const ADMIN_LINKS = [["#/lieux", "Lieux"], ["#/pratiques", "Bonnes pratiques"], ["#/moderation", "Modération"],
  ["#/revendications", "Revendications"], ["#/organisations", "Organisations et clés"]];

// [pattern, screen, admin only]
const ROUTES = [
  [/^#\/lieux$/, (m, v) => myPlaces(m, v)],
  [/^#\/lieux\/nouveau$/, (m) => editPlace(m, null)],
  [/^#\/lieux\/([\w-]+)$/, (m, v, id) => editPlace(m, id)],
  [/^#\/lieux\/([\w-]+)\/historique$/, (m, v, id) => placeHistory(m, id)],
  [/^#\/pratiques$/, (m, v) => myPractices(m, v)],
  [/^#\/pratiques\/nouvelle$/, (m) => editPractice(m, null)],
  [/^#\/pratiques\/([\w-]+)$/, (m, v, id) => editPractice(m, id)],
  [/^#\/pratiques\/([\w-]+)\/historique$/, (m, v, id) => practiceHistory(m, id)],
  [/^#\/revendiquer$/, (m) => claimScreen(m)],
  [/^#\/moderation$/, (m, v) => moderationScreen(m, v), true],
  [/^#\/revendications$/, (m) => adminClaims(m), true],
  [/^#\/organisations$/, (m) => organisationsScreen(m), true],
  [/^#\/organisations\/([\w-]+)$/, (m, v, id) => organisationScreen(m, id), true],
];

function showWho(me) {
  clear(who);
  clear(nav);
  if (!me) {
    nav.hidden = true;
    return;
  }
  const role = me.role === "admin" ? "animation du réseau" : me.organisationNom || "membre";
  who.append(h("p", { id: "connecte" }, "Connecté : ", h("strong", {}, role), ` · clé ${me.prefixe} (${me.libelle})`, " ",
    h("button", { type: "button", id: "deconnexion", onclick: () => {
      signOut();
      showWho(null);
      location.hash = "#/connexion";
      announce("Vous êtes déconnecté ; la clé a été oubliée par cet onglet.");
    } }, "Se déconnecter")));
  const links = me.role === "admin" ? ADMIN_LINKS : MEMBER_LINKS;
  nav.append(h("ul", {}, links.map(([href, text]) => h("li", {}, h("a", { href }, text)))));
  nav.hidden = false;
  markCurrent();
}

function markCurrent() {
  for (const a of nav.querySelectorAll("a")) {
    if (location.hash === a.getAttribute("href") || location.hash.startsWith(a.getAttribute("href") + "/")) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
}

function signInScreen() {
  clear(main);
  document.title = "Connexion – Espace membre";
  // No `name` on the key field: were scripts off, a form submission could not carry it into a URL.
  const key = input("", "", { type: "password", id: "cle", autocomplete: "off", spellcheck: "false", required: true });
  key.removeAttribute("name");
  const error = h("p", { class: "erreur-champ", id: "connexion-erreur", role: "alert", hidden: true });
  const form = h("form", { class: "fiche connexion", method: "post", action: "#" },
    field("cle", "Votre clé d'API", key, "Elle commence par rsx_. Elle reste dans cet onglet et n'est envoyée qu'à l'API."),
    error, h("div", { class: "actions" }, h("button", { type: "submit", class: "principal" }, "Se connecter")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.hidden = true;
    try {
      const me = await signInWithKey(call, key.value);
      key.value = "";
      showWho(me);
      location.hash = me.role === "admin" ? "#/moderation" : "#/lieux";
      if (!location.hash) route();
    } catch (failure) {
      error.hidden = false;
      error.textContent = failure instanceof ApiError && failure.status === 401
        ? "Clé refusée par l'API : vérifiez-la, ou demandez-en une nouvelle à l'équipe d'animation."
        : `Connexion impossible : ${failure.message}`;
      key.setAttribute("aria-invalid", "true");
      key.focus();
    }
  });
  main.append(h("h1", { tabindex: "-1" }, "Espace membre"),
    h("p", {}, "Les membres du réseau tiennent ici leurs fiches à jour ; l'équipe d'animation les modère. "
      + "Tout passe par l'API publique : ce que fait cette page, un site partenaire peut le faire."),
    form);
  main.querySelector("h1").focus();
}

async function route() {
  const me = currentMember();
  document.body.dataset.pret = "";
  if (!me) {
    if (location.hash !== "#/connexion") history.replaceState(null, "", "#/connexion");
    signInScreen();
    document.body.dataset.pret = "1";
    return;
  }
  if (!location.hash || location.hash === "#/connexion") {
    location.hash = me.role === "admin" ? "#/moderation" : "#/lieux";
    return;
  }
  markCurrent();
  const found = ROUTES.map(([pattern, screen, adminOnly]) => [location.hash.match(pattern), screen, adminOnly])
    .find(([match]) => match);
  try {
    if (!found || (found[2] && me.role !== "admin")) {
      clear(main).append(h("h1", { tabindex: "-1" }, "Page introuvable"), h("p", {}, h("a", { href: "#/lieux" }, "Retour à mes lieux")));
      main.querySelector("h1").focus();
    } else {
      const [match, screen] = found;
      await screen(main, await vocab(), match[1] ? decodeURIComponent(match[1]) : undefined);
    }
    const title = main.querySelector("h1");
    document.title = `${title ? title.textContent : "Espace membre"} – Espace membre`;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      signOut();
      showWho(null);
      announce("Votre clé n'est plus acceptée (révoquée ?) : reconnectez-vous.", "erreur");
      signInScreen();
    } else {
      clear(main).append(h("h1", { tabindex: "-1" }, "Erreur"), h("p", { role: "alert" }, error.message));
      main.querySelector("h1").focus();
    }
  }
  document.body.dataset.pret = "1";
}

window.addEventListener("hashchange", route);
restore(call).then((me) => {
  showWho(me);
  route();
});
