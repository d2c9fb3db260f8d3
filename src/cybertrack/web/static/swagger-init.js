// Starts Swagger UI on /api/docs (a file, not an inline script: the pages' CSP allows no
// inline script). The OpenAPI URL is read from the container's data-openapi attribute.
window.addEventListener("load", function () {
  var el = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: el.getAttribute("data-openapi"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
  });
});
