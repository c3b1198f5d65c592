// Claims: a member looks a place up, and asks for a listing that no organisation owns; admins accept
// or refuse the pending claims (POST /v1/revendications/{id}/decision).
import { call, get, moreButton } from "./api.js";
import { announce, appendRows, clear, formatDate, h } from "./dom.js";
import { errorSummary, field, showErrors, textarea } from "./forms.js";

const STATES = { en_attente: "En attente", acceptee: "Acceptée", refusee: "Refusée" };

// A table of claims, then "Afficher la suite" when the page has a next one.
function claimsTable(page, withActions, refresh) {
  const row = (c) => h("tr", { dataset: { revendication: c.id } },
      h("th", { scope: "row" }, `${c.lieu.nom} (${c.lieu.commune || ""} ${c.lieu.departement})`),
      h("td", {}, c.organisation.nom),
      h("td", {}, c.message),
      h("td", {}, STATES[c.etat] || c.etat, c.motif ? ` · ${c.motif}` : ""),
      h("td", {}, formatDate(c.cree_le)),
      withActions ? h("td", {}, decisionForm(c, refresh)) : null);
  const rows = h("tbody", {}, page.items.map(row));
  return [h("table", { class: "liste" },
    h("thead", {}, h("tr", {}, ["Lieu", "Organisation", "Message", "État", "Déposée le", withActions ? "Décision" : null]
      .filter(Boolean).map((c) => h("th", { scope: "col" }, c)))),
    rows), moreButton(page, (items) => appendRows(rows, items.map(row)), "revendications") || ""];
}

function decisionForm(claim, refresh) {
  const reason = textarea("motif", "", { rows: 2, maxlength: 2000, id: `motif-${claim.id}` });
  const form = h("form", { class: "decision", method: "post", action: "#" }, errorSummary(),
    field("motif", "Motif (obligatoire pour refuser)", reason));
  const decide = (decision) => async () => {
    const motif = reason.value.trim();
    try {
      await call("POST", `/revendications/${claim.id}/decision`, { body: motif ? { decision, motif } : { decision } });
      announce(decision === "accepter" ? `Revendication acceptée : ${claim.lieu.nom} appartient à ${claim.organisation.nom}.`
        : "Revendication refusée.", "succes");
      await refresh();
    } catch (error) {
      showErrors(form, error.problem || { detail: error.message });
    }
  };
  form.addEventListener("submit", (event) => event.preventDefault());
  form.append(h("div", { class: "actions" },
    h("button", { type: "button", class: "principal", onclick: decide("accepter") }, "Accepter",
      h("span", { class: "visuellement-cache" }, ` la revendication de ${claim.lieu.nom}`)),
    h("button", { type: "button", class: "danger", onclick: decide("refuser") }, "Refuser",
      h("span", { class: "visuellement-cache" }, ` la revendication de ${claim.lieu.nom}`))));
  return form;
}

export async function claimScreen(main) {
  clear(main);
  main.append(h("h1", { tabindex: "-1" }, "Revendiquer un lieu"),
    h("p", {}, "Les lieux du recensement de 2019 n'appartiennent à aucune organisation. Si vous animez l'un d'eux, "
      + "demandez à en reprendre la fiche : l'équipe d'animation valide la demande."));
  const search = h("input", { type: "search", id: "recherche-lieu", name: "q", autocomplete: "off" });
  const results = h("div", { id: "resultats", "aria-live": "polite" });
  const form = h("form", { role: "search", method: "get", action: "#" },
    h("label", { for: "recherche-lieu" }, "Nom ou commune du lieu"), " ", search, " ",
    h("button", { type: "submit" }, "Chercher"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const q = search.value.trim();
    if (!q) return;
    const page = (await get(`/lieux?q=${encodeURIComponent(q)}&limit=10`)).body;
    results.replaceChildren(page.items.length ? h("ul", { class: "resultats" }, page.items.map((p) => h("li", {},
      h("button", { type: "button", class: "lien", onclick: () => showPlace(p.id) }, `${p.nom} — ${p.commune || ""} (${p.departement})`))))
      : h("p", {}, "Aucun lieu trouvé."));
  });
  const detail = h("section", { id: "fiche-revendication", "aria-live": "polite" });
  const mine = h("section", { "aria-labelledby": "mes-demandes" });
  main.append(form, results, detail, mine);

  async function showPlace(id) {
    const place = (await get(`/lieux/${id}`)).body;
    clear(detail);
    detail.append(h("h2", { tabindex: "-1" }, place.nom),
      h("p", {}, [place.adresse, place.code_postal, place.commune].filter(Boolean).join(" "), ` · département ${place.departement}`));
    if (place.organisation) {
      detail.append(h("p", {}, "Cette fiche appartient déjà à une organisation : elle ne peut pas être revendiquée."));
    } else {
      const message = textarea("message", "", { rows: 3, maxlength: 2000, minlength: 10 });
      const claimForm = h("form", { method: "post", action: "#", class: "fiche" }, errorSummary(),
        field("message", "Votre message à l'équipe d'animation (10 caractères au moins)", message,
          "Dites qui vous êtes et votre lien avec le lieu."),
        h("div", { class: "actions" }, h("button", { type: "submit", class: "principal" }, "Envoyer la demande")));
      claimForm.addEventListener("submit", async (event) => {
        event.preventDefault();
        try {
          await call("POST", `/lieux/${place.id}/revendication`, { body: { message: message.value.trim() } });
          announce("Demande envoyée : l'équipe d'animation va l'examiner.", "succes");
          clear(detail);
          await listMine();
        } catch (error) {
          showErrors(claimForm, error.problem || { detail: error.message });
        }
      });
      detail.append(claimForm);
    }
    detail.querySelector("h2").focus();
  }

  async function listMine() {
    const page = (await get("/revendications?limit=50")).body;
    mine.replaceChildren(h("h2", { id: "mes-demandes" }, "Mes demandes"),
      ...(page.items.length ? claimsTable(page, false) : [h("p", {}, "Aucune demande.")]));
  }
  await listMine();
  main.querySelector("h1").focus();
}

// The pending claims with their decision forms, in `box` (also shown in the moderation queue).
export async function pendingClaims(box) {
  async function refresh() {
    const page = (await get("/revendications?etat=en_attente&limit=50")).body;
    box.replaceChildren(...(page.items.length ? claimsTable(page, true, refresh) : [h("p", {}, "Aucune revendication en attente.")]));
    return page.total;
  }
  return refresh();
}

export async function adminClaims(main) {
  clear(main);
  main.append(h("h1", { tabindex: "-1" }, "Revendications à traiter"));
  const box = h("div", {});
  main.append(box);
  await pendingClaims(box);
  main.querySelector("h1").focus();
}
