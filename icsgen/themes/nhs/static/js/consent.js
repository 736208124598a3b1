/* Cookie consent, the accessibility toolbar and videos that load only when asked. No framework.
 *
 * The page holds everything this script needs, hidden: the banner (#ics-consent, with the services'
 * scripts in data- attributes), the cookie settings form on the cookies page, and each video's
 * placeholder. Without JavaScript none of it shows and nothing from another site ever loads.
 *
 * The reader's choice is one cookie (its name in data-cookie), kept for data-days days for the
 * region's folder only: `analytics-yes.toolbar-no`. A service's script is added to the page only when
 * the reader has said yes to it.
 */
(function () {
  "use strict";

  function each(selector, action, scope) {
    Array.prototype.forEach.call((scope || document).querySelectorAll(selector), action);
  }

  function addScript(src, attributes, onload) {
    var script = document.createElement("script");
    script.src = src;
    script.async = true;
    Object.keys(attributes || {}).forEach(function (name) { script.setAttribute(name, attributes[name]); });
    if (onload) { script.addEventListener("load", onload); }
    document.head.appendChild(script);
  }

  /* Videos: the placeholder's button swaps in the privacy-enhanced player. */
  each("[data-ics-video]", function (video) {
    var button = video.querySelector("[data-ics-video-play]");
    if (!button) { return; }
    button.parentNode.hidden = false;
    button.addEventListener("click", function () {
      var frame = document.createElement("iframe");
      frame.src = video.getAttribute("data-ics-video");
      frame.title = video.getAttribute("data-ics-video-title");
      frame.className = "ics-video__frame";
      frame.setAttribute("allow", "autoplay; fullscreen; picture-in-picture; encrypted-media");
      frame.setAttribute("allowfullscreen", "");
      var box = video.querySelector(".ics-video__screen");
      box.innerHTML = "";
      box.appendChild(frame);
      frame.focus();
    });
  });

  var root = document.getElementById("ics-consent");
  if (!root) { return; }
  var data = function (name) { return root.getAttribute("data-" + name) || ""; };
  var cookieName = data("cookie");
  var home = new URL("./", new URL(data("home") || "./", window.location.href)).pathname;  // the region's folder
  var services = { analytics: data("analytics"), toolbar: data("toolbar") };

  function readChoice() {
    var choice = {};
    document.cookie.split(";").forEach(function (pair) {
      var parts = pair.trim().split("=");
      if (parts[0] !== cookieName || !parts[1]) { return; }
      parts[1].split(".").forEach(function (item) {
        var kv = item.split("-");
        if (kv.length === 2 && (kv[1] === "yes" || kv[1] === "no")) { choice[kv[0]] = kv[1]; }
      });
    });
    return choice;
  }

  function saveChoice(choice) {
    var value = Object.keys(services).filter(function (k) { return services[k] && choice[k]; })
      .map(function (k) { return k + "-" + choice[k]; }).join(".");
    document.cookie = cookieName + "=" + value + "; Max-Age=" + Number(data("days")) * 86400 + "; Path=" + home +
      "; SameSite=Lax" + (window.location.protocol === "https:" ? "; Secure" : "");
  }

  /* Removes a service's own cookies when the reader turns it off: on this host and the site's domain. */
  function forget(prefixes) {
    var host = window.location.hostname;
    var domains = ["", host, "." + host, "." + host.split(".").slice(-2).join(".")];
    document.cookie.split(";").forEach(function (pair) {
      var name = pair.split("=")[0].trim();
      if (!prefixes.some(function (p) { return name.indexOf(p) === 0; })) { return; }
      domains.forEach(function (domain) {
        document.cookie = name + "=; Max-Age=0; Path=/" + (domain ? "; Domain=" + domain : "");
      });
    });
  }

  var started = {};
  function startAnalytics() {
    if (started.analytics || !services.analytics) { return; }
    started.analytics = true;
    var id = data("analytics-id");
    if (services.analytics === "google-analytics") {
      window.dataLayer = window.dataLayer || [];
      window.gtag = function () { window.dataLayer.push(arguments); };
      window.gtag("js", new Date());
      window.gtag("config", id);
      addScript(data("analytics-script"));
    } else if (services.analytics === "matomo") {
      var queue = window._paq = window._paq || [];
      queue.push(["setTrackerUrl", data("analytics-endpoint")], ["setSiteId", id], ["trackPageView"],
        ["enableLinkTracking"]);
      addScript(data("analytics-script"));
    } else {
      addScript(data("analytics-script"), { "data-domain": id });
    }
  }

  function startToolbar() {
    if (started.toolbar || !services.toolbar) { return; }
    started.toolbar = true;
    addScript(data("toolbar-script"), {}, function () {
      var recite = window.Recite;  // Recite Me's loader: load, then open the toolbar
      if (services.toolbar === "recite-me" && recite && recite.load) {
        recite.load({});
        if (recite.Event && recite.Event.subscribe) {
          recite.Event.subscribe("Recite:load", function () { recite.enable(); });
        }
      }
    });
  }

  var choice = readChoice();
  root.hidden = false;
  if (choice.analytics === "yes") { startAnalytics(); }
  if (choice.toolbar === "yes") { startToolbar(); }

  /* The banner, until the reader chooses; then a confirmation that takes focus. */
  var banner = root.querySelector("[data-ics-banner]");
  var confirmation = root.querySelector("[data-ics-confirmation]");
  if (banner && !choice.analytics) {
    banner.hidden = false;
    each("[data-ics-choice]", function (button) {
      button.addEventListener("click", function () {
        var yes = button.getAttribute("data-ics-choice") === "yes";
        choice.analytics = yes ? "yes" : "no";
        saveChoice(choice);
        banner.hidden = true;
        confirmation.querySelector("[data-ics-accepted]").hidden = !yes;
        confirmation.querySelector("[data-ics-rejected]").hidden = yes;
        confirmation.hidden = false;
        confirmation.querySelector("[data-ics-confirmation-text]").focus();
        if (yes) { startAnalytics(); }
        syncForm();
      });
    }, banner);
    confirmation.querySelector("[data-ics-hide]").addEventListener("click", function () {
      confirmation.hidden = true;
      var main = document.getElementById("maincontent");
      if (main) { main.focus(); }
    });
  }

  /* The toolbar's switch: pressing it is the reader asking for the toolbar. */
  var toolbar = root.querySelector("[data-ics-toolbar]");
  if (toolbar && choice.toolbar !== "yes") {
    toolbar.hidden = false;
    toolbar.querySelector("[data-ics-toolbar-on]").addEventListener("click", function () {
      choice.toolbar = "yes";
      saveChoice(choice);
      toolbar.hidden = true;
      startToolbar();
      syncForm();
    });
  }

  /* The cookies page's form. */
  var form = document.querySelector("[data-ics-settings]");
  function syncForm() {
    if (!form) { return; }
    Object.keys(services).forEach(function (name) {
      var chosen = form.querySelector("input[name='" + name + "'][value='" + (choice[name] || "no") + "']");
      if (chosen) { chosen.checked = true; }
    });
  }
  if (form) {
    each(".ics-no-js-only", function (element) { element.hidden = true; });
    form.hidden = false;
    syncForm();
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var before = { analytics: choice.analytics, toolbar: choice.toolbar };
      Object.keys(services).forEach(function (name) {
        var checked = form.querySelector("input[name='" + name + "']:checked");
        if (checked) { choice[name] = checked.value; }
      });
      saveChoice(choice);
      if (banner) { banner.hidden = true; }
      if (confirmation) { confirmation.hidden = true; }
      if (choice.analytics === "yes") { startAnalytics(); }
      if (choice.toolbar === "yes") { startToolbar(); if (toolbar) { toolbar.hidden = true; } }
      if (choice.analytics === "no" && before.analytics === "yes") { forget(["_ga", "_pk_", "_gid"]); }
      if (choice.toolbar === "no" && before.toolbar === "yes") { forget(["Recite", "_BrowseAloud"]); }
      var saved = document.querySelector("[data-ics-saved]");
      saved.hidden = false;
      saved.focus();
    });
  }
})();
