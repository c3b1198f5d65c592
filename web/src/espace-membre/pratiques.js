// Good practices: the member's list (every state) and the editor, with the API's sanitised preview of
// the Markdown (POST /v1/bonnes-pratiques/apercu) next to the text.
import { allItems, call, get, label, moreButton } from "./api.js";
import { appendRows, clear, formatDate, h } from "./dom.js";
import { editScreen, historyScreen } from "./editor.js";
import { checkboxes, checked, field, input, textarea } from "./forms.js";

const lines = (value) => value.split("\n").map((s) => s.trim()).filter(Boolean);

export function toWrite(p) {
  return { titre: p.titre, resume: p.resume, contenu: p.contenu, thematiques: p.thematiques || [],
    lieux: (p.lieux || []).map((l) => l.id), liens: p.liens || [], pieces_jointes: p.pieces_jointes || [] };
}

function read(form) {
  return { titre: form.elements.titre.value.trim(), resume: form.elements.resume.value.trim(),
    contenu: form.elements.contenu.value, thematiques: checked(form, "thematiques"), lieux: checked(form, "lieux"),
    liens: lines(form.elements.liens.value), pieces_jointes: lines(form.elements.pieces_jointes.value) };
}

function markdownEditor(value) {
  const area = textarea("contenu", value, { rows: 14, maxlength: 50000, spellcheck: "true" });
  const preview = h("div", { class: "apercu", id: "apercu", role: "region", "aria-live": "polite", "aria-labelledby": "apercu-titre" });
  let timer = null, latest = 0;
  async function render() {
    const ticket = ++latest;
    try {
      const { body } = await call("POST", "/bonnes-pratiques/apercu", { body: { contenu: area.value } });
      if (ticket !== latest) return;
      // The API's sanitised HTML (allow-listed tags, http/https/mailto links): parsed inert, then moved in.
      const doc = new DOMParser().parseFromString(body.contenu_html, "text/html");
      preview.replaceChildren(...doc.body.childNodes);
    } catch (error) {
      if (ticket === latest) preview.replaceChildren(h("p", { class: "ko" }, `Aperçu indisponible : ${error.message}`));
    }
  }
  area.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(render, 400); });
  render();
  return h("div", { class: "editeur-markdown" },
    field("contenu", "Contenu (Markdown)", area, "Titres ##, **gras**, listes, liens [texte](https://…), tableaux."),
    h("div", { class: "champ" }, h("h2", { class: "etiquette", id: "apercu-titre" }, "Aperçu (tel que publié)"), preview));
}

async function build(form, v, data) {
  const d = data || { thematiques: [], lieux: [], liens: [], pieces_jointes: [] };
  // Places it may be linked to: the organisation's published places, plus those it already names.
  const mine = await allItems("/moi/lieux?etat=publie&limit=100");
  const options = mine.items.map((p) => ({ code: p.id, libelle: p.titre }));
  for (const id of d.lieux || []) if (!options.some((o) => o.code === id)) options.push({ code: id, libelle: id });
  form.append(h("fieldset", { class: "bloc" }, h("legend", {}, "La bonne pratique"),
    field("titre", "Titre (obligatoire)", input("titre", d.titre, { maxlength: 200, required: true })),
    field("resume", "Résumé (obligatoire, 10 à 500 caractères)", textarea("resume", d.resume, { rows: 2, maxlength: 500 })),
    markdownEditor(d.contenu || ""),
    checkboxes("thematiques", "Thématiques (au moins une)", v.thematiques, d.thematiques),
    options.length ? checkboxes("lieux", "Lieux concernés (publiés)", options, d.lieux) : h("p", { dataset: { pour: "lieux" } }, "Aucun lieu publié à rattacher."),
    mine.complete ? null : h("p", { class: "note" }, `Seuls les ${mine.items.length} premiers lieux publiés sont proposés.`),
    field("liens", "Liens (une adresse https:// par ligne)", textarea("liens", (d.liens || []).join("\n"), { rows: 2 })),
    field("pieces_jointes", "Pièces jointes (une adresse https:// par ligne)", textarea("pieces_jointes", (d.pieces_jointes || []).join("\n"), { rows: 2 }))));
}

export const PRACTICES = {
  path: "/bonnes-pratiques", route: "/pratiques", titleField: "titre", nested: [],
  newTitle: "Nouvelle bonne pratique", editTitle: "Modifier", createLabel: "Créer le brouillon",
  newHint: "Elle restera un brouillon jusqu'à sa publication par l'équipe d'animation.",
  createdMessage: "Brouillon créé : l'équipe d'animation le publiera.",
  archiveConfirm: "Archiver cette bonne pratique ? Elle disparaîtra des vues publiques ; son historique est conservé.",
  archivedMessage: "Bonne pratique archivée.",
  toWrite, read, build,
  state: (p, v) => `Statut : ${label(v.statuts_bonnes_pratiques, p.statut)}${p.motif_moderation ? ` · motif : ${p.motif_moderation}` : ""}`,
  readOnly: (p) => (p.statut === "archivee" ? "archivée : lecture seule" : null),
};

export const editPractice = (main, id) => editScreen(main, PRACTICES, id);
export const practiceHistory = (main, id) => historyScreen(main, PRACTICES, id);

export async function myPractices(main, v) {
  clear(main);
  main.append(h("h1", { tabindex: "-1" }, "Mes bonnes pratiques"),
    h("p", {}, h("a", { href: "#/pratiques/nouvelle", class: "bouton principal" }, "Écrire une bonne pratique")));
  const page = (await get("/moi/bonnes-pratiques?limit=50")).body;
  if (!page.items.length) main.append(h("p", {}, "Aucune bonne pratique pour l'instant."));
  else {
    const row = (item) => h("tr", {},
        h("th", { scope: "row" }, h("a", { href: `#/pratiques/${item.id}` }, item.titre)),
        h("td", {}, h("span", { class: `pastille etat-${item.etat}` }, label(v.statuts_bonnes_pratiques, item.etat)),
          item.en_moderation ? h("span", { class: "note" }, " · en attente de l'équipe") : null,
          item.motif ? h("span", { class: "note" }, ` · motif : ${item.motif}`) : null),
        h("td", {}, formatDate(item.maj_le)),
        h("td", {}, h("a", { href: `#/pratiques/${item.id}/historique` }, "Historique",
          h("span", { class: "visuellement-cache" }, ` de ${item.titre}`))));
    const rows = h("tbody", {}, page.items.map(row));
    main.append(h("table", { class: "liste" }, h("caption", {}, `${page.total} bonne(s) pratique(s)`),
      h("thead", {}, h("tr", {}, ["Titre", "Statut", "Mise à jour", "Actions"].map((c) => h("th", { scope: "col" }, c)))),
      rows), moreButton(page, (items) => appendRows(rows, items.map(row)), "bonnes pratiques"));
  }
  main.querySelector("h1").focus();
}
