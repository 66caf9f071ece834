// The "In" button on slip pages (the page prints with Ctrl+P without this script too).
(function () {
  "use strict";
  var button = document.querySelector(".print-button");
  if (!button) return;
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
})();

// The roll slip's page is exactly as tall as the slip (a CSS page cannot say "auto").
(function () {
  "use strict";
  var sheet = document.querySelector(".sheet-roll");
  if (!sheet || !document.styleSheets.length) return;
  function fit() {
    var mm = Math.ceil(sheet.getBoundingClientRect().height * 25.4 / 96) + 1;
    var css = null;
    for (var i = 0; i < document.styleSheets.length; i++) {
      try { if (document.styleSheets[i].cssRules) { css = document.styleSheets[i]; break; } } catch (e) { /* other origin */ }
    }
    if (!css) return;
    css.insertRule("@page roll { size: 80mm " + mm + "mm; margin: 0; }", css.cssRules.length);
    document.documentElement.setAttribute("data-roll-height-mm", String(mm));
  }
  if (document.fonts && document.fonts.ready) document.fonts.ready.then(fit); else fit();
})();
