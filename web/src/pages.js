// Public pages of reseau-api (/lieux/...): progressive enhancement only, the pages work without it.
// The embed snippet gets a "copy" button.
(() => {
  "use strict";
  for (const button of document.querySelectorAll("[data-copier-cible]")) {
    const source = document.getElementById(button.dataset.copierCible);
    const status = button.parentElement.querySelector(".copie-etat");
    if (!source || !navigator.clipboard) continue;
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(source.value);
        status.textContent = "Code copié.";
      } catch (error) {
        source.select();
        status.textContent = "Sélectionnez le code et copiez-le (Ctrl+C).";
      }
    });
  }
})();
