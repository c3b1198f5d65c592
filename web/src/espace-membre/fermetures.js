// Dated closures ("fermé pour travaux"): one row per closure (du, au, motif), added and removed by the
// member; the API's 422 for /fermetures/N/… is shown in row N (its data-pour is "fermetures.N").
import { h } from "./dom.js";
import { field, input } from "./forms.js";

let counter = 0;

export function closuresField(closures) {
  const rows = h("div", { class: "fermetures-liste" });
  const add = h("button", { type: "button" }, "Ajouter une fermeture");
  const box = h("fieldset", { class: "bloc", dataset: { pour: "fermetures" } },
    h("legend", {}, "Fermetures temporaires"),
    h("p", { class: "aide" }, "Du premier au dernier jour fermé, compris. Une fermeture passée disparaît d'elle-même."),
    h("p", { class: "erreur-champ", hidden: true }), rows, add);

  function renumber() {
    [...rows.children].forEach((row, i) => {
      row.dataset.pour = `fermetures.${i}`;
      row.querySelector("legend").textContent = `Fermeture ${i + 1}`;
    });
  }

  function addRow(closure = {}) {
    counter += 1;
    const id = (part) => `champ-fermeture-${counter}-${part}`;
    const control = (part, attrs) => Object.assign(input(`fermeture-${part}`, closure[part] ?? "", attrs), { id: id(part) });
    const row = h("fieldset", { class: "fermeture" }, h("legend", {}),
      h("p", { class: "erreur-champ", hidden: true }),
      h("div", { class: "grille" },
        field(`fermeture-${counter}-du`, "Du", control("du", { type: "date" })),
        field(`fermeture-${counter}-au`, "Au", control("au", { type: "date" })),
        field(`fermeture-${counter}-motif`, "Motif affiché", control("motif", { maxlength: 200 }))));
    row.append(h("button", { type: "button", class: "danger", onclick: () => {
      row.remove();
      renumber();
      add.focus();
    } }, "Retirer cette fermeture"));
    rows.append(row);
    renumber();
    return row;
  }

  add.addEventListener("click", () => addRow().querySelector("input").focus());
  for (const closure of closures || []) addRow(closure);
  return box;
}

// The closures as the API takes them; a row left entirely empty is ignored, a half-filled one is sent
// as it is, for the API to name what is missing.
export function readClosures(form) {
  return [...form.querySelectorAll("fieldset.fermeture")].map((row) => {
    const [du, au, motif] = [...row.querySelectorAll("input")].map((el) => el.value.trim() || null);
    return { du, au, motif };
  }).filter((c) => c.du || c.au || c.motif);
}
