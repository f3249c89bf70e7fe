// Progressive enhancement only: every page works without this file.
import { initAll } from "../vendor/govuk-frontend/govuk-frontend.min.js";
import { drawCharts } from "./charts.js";

const body = document.body;
body.classList.add("js-enabled");
if ("noModule" in HTMLScriptElement.prototype) {
  body.classList.add("govuk-frontend-supported");
}
initAll();
drawCharts(document);

// A region that refreshes itself (?poll=1) is not swapped while the person's focus is inside it: the swap
// would take the focused link away and drop focus to the page. It catches up on the next poll.
document.body.addEventListener("htmx:beforeSwap", (event) => {
  const path = event.detail.pathInfo?.requestPath || "";
  if (path.includes("poll=1") && event.detail.target?.contains(document.activeElement)) {
    event.detail.shouldSwap = false;
  }
});

if (window.htmx) {
  window.htmx.onLoad((element) => {
    if (element === body) {
      return;
    }
    initAll({ scope: element });
    drawCharts(element);
    // Move focus to an error summary or to content that asks for it, so the change is announced.
    const target = element.matches("[data-focus-after-swap]")
      ? element
      : element.querySelector(".govuk-error-summary, [data-focus-after-swap]");
    if (target) {
      if (!target.hasAttribute("tabindex")) {
        target.setAttribute("tabindex", "-1");
      }
      target.focus();
    }
  });
}
