// The opening-hours field: as the member types, GET /v1/horaires checks the syntax with the API's
// own parser and says whether the place is open now and when it next opens.
import { ApiError, get } from "./api.js";
import { h } from "./dom.js";
import { field, input } from "./forms.js";

const WHEN = { weekday: "long", day: "numeric", month: "long", hour: "2-digit", minute: "2-digit", timeZone: "Europe/Paris" };

export function hoursField(value) {
  const control = input("horaires", value, { maxlength: 500, autocomplete: "off", spellcheck: "false" });
  const result = h("div", { class: "verification", id: "horaires-verification", "aria-live": "polite" });
  const box = field("horaires", "Horaires d'ouverture (syntaxe OpenStreetMap)", control,
    "Par exemple : Mo-Fr 09:00-18:00; Sa 09:00-12:00; PH off");
  box.append(result);
  control.setAttribute("aria-describedby", `${control.getAttribute("aria-describedby")} ${result.id}`);
  let timer = null, latest = 0;
  async function check() {
    const expression = control.value.trim();
    const ticket = ++latest;
    if (!expression) {
      result.textContent = "";
      result.dataset.valide = "";
      return;
    }
    try {
      const { body } = await get(`/horaires?expression=${encodeURIComponent(expression)}`);
      if (ticket !== latest) return;
      const now = body.ouvert === null ? "état inconnu" : body.ouvert ? "ouvert en ce moment" : "fermé en ce moment";
      const next = body.ouvert && !body.prochain_changement ? "ouvert en permanence"
        : body.prochaine_ouverture ? `prochaine ouverture : ${new Date(body.prochaine_ouverture).toLocaleString("fr-FR", WHEN)}`
          : "aucune ouverture dans l'année";
      result.dataset.valide = "oui";
      result.replaceChildren(h("p", { class: "ok" }, `Syntaxe valide · ${now} · ${next}.`));
    } catch (error) {
      if (ticket !== latest || !(error instanceof ApiError)) return;
      const detail = ((error.problem.errors || [])[0] || {}).detail || error.message;
      result.dataset.valide = "non";
      result.replaceChildren(h("p", { class: "ko" }, "Syntaxe invalide :"), h("pre", {}, detail));
    }
  }
  control.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(check, 300);
  });
  if (value) check();
  return box;
}
