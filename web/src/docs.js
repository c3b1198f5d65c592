// /docs: Swagger UI on this API's OpenAPI document, started from a file (the page's CSP allows no inline script).
window.ui = SwaggerUIBundle({
  url: document.getElementById("swagger-ui").dataset.url,
  dom_id: "#swagger-ui",
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
  layout: "BaseLayout",
  validatorUrl: null, // the default badge would load an image from validator.swagger.io
});
