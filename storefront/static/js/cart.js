/* Add to cart without leaving the page; the plain form post works without this file. */
(function () {
  "use strict";
  if (!window.fetch || !window.FormData) {
    return;
  }
  var status = document.querySelector("[data-cart-status]");

  var hideTimer = null;

  function announce(message) {
    if (!status) {
      return;
    }
    status.textContent = "";
    window.clearTimeout(hideTimer);
    window.setTimeout(function () { status.textContent = message; }, 50);
    // The note sits over the page's foot; it goes once it has been read.
    hideTimer = window.setTimeout(function () { status.textContent = ""; }, 6000);
  }

  function showError(form, message) {
    var error = form.querySelector(".error");
    var input = form.querySelector("input[name=quantity]");
    var field = form.querySelector(".field");
    if (error) {
      error.textContent = message || "";
      error.hidden = !message;
    }
    if (input) {
      if (message) {
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby", "quantity-error");
      } else {
        input.removeAttribute("aria-invalid");
      }
    }
    if (field) {
      field.classList.toggle("field-invalid", Boolean(message));
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-add-to-cart]");
    if (!form) {
      return;
    }
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      if (result.ok) {
        showError(form, "");
        document.querySelectorAll("[data-cart-count]").forEach(function (node) { node.textContent = result.data.count; });
        document.querySelectorAll("[data-cart-count-label]").forEach(function (node) { node.textContent = result.data.count_label; });
      } else {
        showError(form, result.data.message);
      }
      announce(result.data.message);
      button.disabled = false;
    }).catch(function () {
      // Anything unexpected (a refused token, a rate limit): let the server answer with a page.
      form.submit();
    });
  });
})();
