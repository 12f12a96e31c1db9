/*
 * The sandbox admin frame's side of App Bridge: answers the embedded app's requests
 * (session tokens, user) and shows what it asks for (toasts, loading bar, save bar, its
 * navigation menu and title), keeping the admin URL in step with the app's location.
 */
(function () {
  "use strict";
  var cfg = window.__ADMIN__;
  var frame = document.getElementById("app-frame");
  var menu = document.getElementById("app-menu");
  var appHome = document.getElementById("app-home");
  var loadingBar = document.getElementById("admin-loading");
  var savebar = document.getElementById("savebar");
  var savebarActions = document.getElementById("savebar-actions");
  var topbar = document.getElementById("topbar");
  var toasts = document.getElementById("toasts");
  var title = document.getElementById("app-title");
  var currentPath = "/app";
  var items = [];

  function send(type, payload, id, result, error) {
    frame.contentWindow.postMessage({ source: "admin", type: type, payload: payload, id: id, result: result, error: error }, cfg.appOrigin);
  }

  function appPathToAdmin(path) {
    var u = new URL(path, cfg.appOrigin);
    ["embedded", "hmac", "host", "id_token", "locale", "session", "shop", "timestamp"].forEach(function (k) {
      u.searchParams.delete(k);
    });
    var rest = u.pathname.replace(/^\/app\/?/, "");
    var q = u.searchParams.toString();
    return cfg.basePath + (rest ? "/" + rest : "") + (q ? "?" + q : "");
  }

  function markActive() {
    var best = null;
    items.forEach(function (it) {
      if (it.home) return;
      if (currentPath === it.href || currentPath.indexOf(it.href + "/") === 0) {
        if (!best || it.href.length > best.href.length) best = it;
      }
    });
    Array.prototype.forEach.call(menu.querySelectorAll("a"), function (a) {
      a.classList.toggle("active", Boolean(best) && a.getAttribute("data-href") === best.href);
    });
    appHome.classList.toggle("active", true);
  }

  function renderMenu(list) {
    items = list;
    menu.innerHTML = "";
    list.forEach(function (it) {
      if (it.home) return;
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.className = "nav-item sub";
      a.textContent = it.label;
      a.href = appPathToAdmin(it.href);
      a.setAttribute("data-href", it.href);
      a.addEventListener("click", function (e) {
        e.preventDefault();
        send("navigate", { href: it.href });
      });
      li.appendChild(a);
      menu.appendChild(li);
    });
    markActive();
  }

  appHome.addEventListener("click", function (e) {
    e.preventDefault();
    var home = items.find(function (i) {
      return i.home;
    });
    send("navigate", { href: home ? home.href : "/app" });
  });

  Array.prototype.forEach.call(document.querySelectorAll("[data-admin]"), function (a) {
    a.addEventListener("click", function (e) {
      e.preventDefault();
      toast({ message: "Only the app is available in the sandbox admin", duration: 3000 });
    });
  });

  function toast(p) {
    // One toast at a time, as in Shopify admin: a new one replaces the last.
    toasts.innerHTML = "";
    var el = document.createElement("div");
    el.className = "toast" + (p.isError ? " error" : "");
    el.setAttribute("role", "status");
    el.setAttribute("data-toast-id", p.id || "");
    el.textContent = p.message;
    toasts.appendChild(el);
    setTimeout(function () {
      el.remove();
    }, p.duration || 5000);
  }

  var loadingTimer = null;
  function setLoading(on) {
    clearTimeout(loadingTimer);
    if (on) {
      // Only show it for requests that take a moment, as admin does.
      loadingTimer = setTimeout(function () {
        loadingBar.hidden = false;
      }, 150);
    } else {
      loadingBar.hidden = true;
    }
  }

  function showSaveBar(p) {
    if (!p.showing) {
      savebar.hidden = true;
      topbar.hidden = false;
      return;
    }
    savebarActions.innerHTML = "";
    // Discard first, then the primary action, as in Shopify admin.
    var ordered = p.buttons
      .map(function (b, i) {
        return { b: b, i: i };
      })
      .sort(function (x, y) {
        return Number(x.b.primary) - Number(y.b.primary);
      });
    ordered.forEach(function (o) {
      var btn = document.createElement("button");
      btn.type = "button";
      btn.className = o.b.primary ? "sb-primary" : "sb-secondary";
      btn.textContent = o.b.label;
      btn.disabled = o.b.disabled;
      btn.addEventListener("click", function () {
        send("saveBarAction", { id: p.id, index: o.i });
      });
      savebarActions.appendChild(btn);
    });
    savebar.hidden = false;
    topbar.hidden = true;
  }

  window.addEventListener("message", function (event) {
    if (event.source !== frame.contentWindow || event.origin !== cfg.appOrigin) return;
    var m = event.data || {};
    if (m.source !== "app-bridge") return;
    var p = m.payload || {};
    switch (m.type) {
      case "idToken":
        fetch("/api/session-token", { method: "POST" })
          .then(function (r) {
            return r.json();
          })
          .then(function (b) {
            send("idToken", null, m.id, b.token);
          })
          .catch(function (err) {
            send("idToken", null, m.id, undefined, String(err));
          });
        break;
      case "user":
        send("user", null, m.id, { id: 42, name: "Sandbox Staff", accountAccess: "Account owner" });
        break;
      case "navMenu":
        renderMenu(p.items || []);
        break;
      case "location":
        currentPath = p.path || "/app";
        history.replaceState(null, "", appPathToAdmin(currentPath));
        markActive();
        break;
      case "titleBar":
        title.textContent = p.title ? cfg.appName + " · " + p.title : cfg.appName;
        break;
      case "toast":
        toast(p);
        break;
      case "toastHide":
        Array.prototype.forEach.call(toasts.querySelectorAll('[data-toast-id="' + p.id + '"]'), function (el) {
          el.remove();
        });
        break;
      case "loading":
        setLoading(Boolean(p.loading));
        break;
      case "saveBar":
        showSaveBar(p);
        break;
      default:
        break;
    }
  });
})();
