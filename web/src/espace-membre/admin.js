// Admins: the moderation queue (GET /v1/moderation) with each item's changes, publish or reject with a
// reason; organisations and their keys (create, issue a key shown once, revoke).
import { CONFIG, call, get, label, moreButton } from "./api.js";
import { announce, appendRows, changesTable, clear, formatDate, h } from "./dom.js";
import { errorSummary, field, input, select, showErrors, textarea } from "./forms.js";
import { pendingClaims } from "./revendications.js";

const ROUTES = { lieu: "/lieux", bonne_pratique: "/pratiques" };
const PATHS = { lieu: "/lieux", bonne_pratique: "/bonnes-pratiques" };

export async function moderationScreen(main, v) {
  clear(main);
  main.append(h("h1", { tabindex: "-1" }, "File de modération"));
  const box = h("div", {});
  const claims = h("div", {});
  main.append(box, h("section", { "aria-labelledby": "revendications-titre" },
    h("h2", { id: "revendications-titre" }, "Revendications en attente"), claims));
  async function refresh() {
    const page = (await get("/moderation?limit=50")).body;
    const list = h("ol", { class: "file" }, page.items.map((item) => queueItem(item, v, refresh)));
    box.replaceChildren(h("p", {}, `${page.total} élément(s) à examiner, les plus anciens d'abord.`), list,
      moreButton(page, (items) => appendRows(list, items.map((item) => queueItem(item, v, refresh))), "éléments") || "");
  }
  await Promise.all([refresh(), pendingClaims(claims)]);
  main.querySelector("h1").focus();
}

function queueItem(item, v, refresh) {
  const kind = item.objet === "lieu" ? "Lieu" : "Bonne pratique";
  const reasonText = item.raison === "nouveau" ? "nouveau, à publier" : "modifié depuis la dernière revue";
  const motif = textarea("motif", "", { rows: 2, maxlength: 2000, id: `motif-${item.id}` });
  const form = h("form", { class: "decision", method: "post", action: "#" }, errorSummary(),
    field("motif", "Motif (obligatoire pour rejeter, montré au membre)", motif));
  const decide = (decision) => async () => {
    const reason = motif.value.trim();
    try {
      await call("POST", `${PATHS[item.objet]}/${item.id}/moderation`,
        { body: reason ? { decision, motif: reason } : { decision }, etag: item.etag });
      announce(decision === "publier" ? `Publié : ${item.titre}.` : `Rejeté : ${item.titre}.`, "succes");
      await refresh();
    } catch (error) {
      showErrors(form, error.problem || { detail: error.message });
    }
  };
  form.addEventListener("submit", (event) => event.preventDefault());
  form.append(h("div", { class: "actions" },
    h("button", { type: "button", class: "principal", onclick: decide("publier") }, "Publier",
      h("span", { class: "visuellement-cache" }, ` ${item.titre}`)),
    h("button", { type: "button", class: "danger", onclick: decide("rejeter") }, "Rejeter",
      h("span", { class: "visuellement-cache" }, ` ${item.titre}`))));
  const author = item.auteur && item.auteur.cle ? `clé ${item.auteur.cle} (${item.auteur.role})` : "import";
  return h("li", { class: "element-file", dataset: { id: item.id } },
    h("h2", {}, `${kind} : ${item.titre}`),
    h("p", {}, `${reasonText} · état ${label(item.objet === "lieu" ? v.moderation : v.statuts_bonnes_pratiques, item.etat)}`
      + ` · depuis ${formatDate(item.depuis)} · par ${author} · version ${item.version}`
      + (item.version_revue ? ` (revue : ${item.version_revue})` : "")),
    changesTable(item.changements, item.version_revue ? `Changements depuis la version ${item.version_revue}` : "Contenu proposé"),
    h("p", {}, h("a", { href: `#${ROUTES[item.objet]}/${item.id}/historique` }, "Historique et restauration",
      h("span", { class: "visuellement-cache" }, ` de ${item.titre}`))),
    form);
}

export async function organisationsScreen(main) {
  clear(main);
  main.append(h("h1", { tabindex: "-1" }, "Organisations et clés"));
  const list = h("div", {});
  const nom = input("nom", "", { maxlength: 200, required: true });
  const create = h("form", { class: "fiche", method: "post", action: "#" }, errorSummary(),
    h("fieldset", { class: "bloc" }, h("legend", {}, "Inscrire une organisation"),
      field("nom", "Nom (obligatoire)", nom),
      field("siren", "SIREN (9 chiffres)", input("siren", "", { inputmode: "numeric", maxlength: 9 })),
      field("forme_juridique", "Forme juridique", select("forme_juridique", CONFIG.formesJuridiques, "association")),
      field("nature", "Nature", select("nature", CONFIG.natures, "associatif")),
      field("contact.email", "Courriel de contact", input("contact.email", "", { type: "email" })),
      field("membre_depuis", "Membre depuis", input("membre_depuis", "", { type: "date" })),
      h("div", { class: "actions" }, h("button", { type: "submit", class: "principal" }, "Inscrire"))));
  create.addEventListener("submit", async (event) => {
    event.preventDefault();
    const f = create.elements;
    const body = { nom: f.nom.value.trim(), forme_juridique: f.forme_juridique.value, nature: f.nature.value };
    if (f.siren.value.trim()) body.siren = f.siren.value.trim();
    if (f["contact.email"].value.trim()) body.contact = { email: f["contact.email"].value.trim() };
    if (f.membre_depuis.value) body.membre_depuis = f.membre_depuis.value;
    try {
      const org = (await call("POST", "/organisations", { body })).body;
      announce(`Organisation inscrite : ${org.nom}.`, "succes");
      location.hash = `#/organisations/${org.id}`;
    } catch (error) {
      showErrors(create, error.problem || { detail: error.message });
    }
  });
  main.append(create, list);
  const page = (await get("/organisations?limit=100")).body;
  const entry = (o) => h("li", {}, h("a", { href: `#/organisations/${o.id}` }, o.nom),
    o.membre_depuis ? ` · membre depuis ${o.membre_depuis}` : "");
  const orgs = h("ul", { class: "organisations" }, page.items.map(entry));
  list.append(h("h2", {}, `${page.total} organisation(s)`), orgs,
    moreButton(page, (items) => appendRows(orgs, items.map(entry)), "organisations") || "");
  main.querySelector("h1").focus();
}

export async function organisationScreen(main, id) {
  const org = (await get(`/organisations/${id}`)).body;
  clear(main);
  main.append(h("h1", { tabindex: "-1" }, org.nom),
    h("p", {}, h("a", { href: "#/organisations" }, "Toutes les organisations"),
      ` · ${org.forme_juridique} · ${org.lieux.length} lieu(x) publié(s)`));
  const secret = h("div", { id: "cle-emise", "aria-live": "assertive" });
  const libelle = input("libelle", "", { maxlength: 120, required: true });
  const issue = h("form", { class: "fiche", method: "post", action: "#" }, errorSummary(),
    h("fieldset", { class: "bloc" }, h("legend", {}, "Émettre une clé membre"),
      field("libelle", "Libellé (à quoi sert la clé)", libelle),
      h("div", { class: "actions" }, h("button", { type: "submit", class: "principal" }, "Émettre la clé"))));
  const keys = h("div", {});
  main.append(issue, secret, keys);
  issue.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const created = (await call("POST", `/organisations/${id}/cles`, { body: { libelle: libelle.value.trim() } })).body;
      const value = h("input", { type: "text", readonly: true, id: "cle-valeur", value: created.cle, class: "cle" });
      secret.replaceChildren(h("div", { class: "secret" },
        h("h2", { tabindex: "-1" }, "Nouvelle clé : copiez-la maintenant"),
        h("p", {}, "Elle ne sera plus jamais affichée ; seule son empreinte est conservée. Transmettez-la au membre par un canal sûr."),
        h("label", { for: "cle-valeur" }, `Clé ${created.prefixe}`), value,
        h("button", { type: "button", onclick: () => { value.select(); navigator.clipboard && navigator.clipboard.writeText(created.cle); announce("Clé copiée."); } }, "Copier")));
      secret.querySelector("h2").focus();
      libelle.value = "";
      await listKeys();
    } catch (error) {
      showErrors(issue, error.problem || { detail: error.message });
    }
  });
  async function listKeys() {
    const list = (await get(`/organisations/${id}/cles`)).body;
    keys.replaceChildren(h("h2", {}, "Clés"), list.length ? h("table", { class: "liste" },
      h("thead", {}, h("tr", {}, ["Préfixe", "Libellé", "Créée", "Dernière utilisation", "État"].map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", {}, list.map((k) => h("tr", {},
        h("th", { scope: "row" }, k.prefixe), h("td", {}, k.libelle), h("td", {}, formatDate(k.cree_le)),
        h("td", {}, formatDate(k.derniere_utilisation) || "jamais"),
        h("td", {}, k.revoquee_le ? `révoquée le ${formatDate(k.revoquee_le)}` : h("button", { type: "button", class: "danger", onclick: async () => {
          if (!window.confirm(`Révoquer la clé ${k.prefixe} ? Elle cessera de fonctionner immédiatement.`)) return;
          await call("DELETE", `/cles/${k.id}`);
          announce(`Clé ${k.prefixe} révoquée.`, "succes");
          await listKeys();
        } }, "Révoquer", h("span", { class: "visuellement-cache" }, ` la clé ${k.prefixe}`)))))))
      : h("p", {}, "Aucune clé."));
  }
  await listKeys();
  main.querySelector("h1").focus();
}
