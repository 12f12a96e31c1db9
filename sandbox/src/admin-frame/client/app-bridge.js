/*
 * Sandbox stand-in for App Bridge (https://cdn.shopify.com/shopifycloud/app-bridge.js):
 * defines the `shopify` global and the `ui-*` elements an embedded app uses, and talks to
 * the admin frame (window.parent) over postMessage, as the real script talks to Shopify
 * admin. Served by the sandbox admin frame only; production apps load Shopify's script.
 */
(function () {
  "use strict";
  if (window.shopify && window.shopify.__sandbox) return;

  var script = document.currentScript;
  var apiKey = (script && script.getAttribute("data-api-key")) || "";
  var adminOrigin = script && script.src ? new URL(script.src).origin : "*";
  var params = new URLSearchParams(location.search);
  var embedded = window.parent !== window;

  // --- messaging with the admin frame -------------------------------------------------
  var pending = new Map();
  var seq = 0;
  function post(type, payload) {
    if (embedded) window.parent.postMessage({ source: "app-bridge", type: type, payload: payload }, adminOrigin);
  }
  // `waitForPerson`: the admin answers when the merchant has decided (a picker, a
  // confirmation), so there is no time limit.
  function call(type, payload, waitForPerson) {
    return new Promise(function (resolve, reject) {
      if (!embedded) return reject(new Error("App Bridge: the app is not inside the admin frame"));
      var id = ++seq;
      pending.set(id, { resolve: resolve, reject: reject });
      window.parent.postMessage({ source: "app-bridge", type: type, id: id, payload: payload }, adminOrigin);
      if (waitForPerson) return;
      setTimeout(function () {
        if (pending.has(id)) {
          pending.delete(id);
          reject(new Error("App Bridge: no answer from the admin for " + type));
        }
      }, 10000);
    });
  }
  window.addEventListener("message", function (event) {
    if (event.source !== window.parent || (adminOrigin !== "*" && event.origin !== adminOrigin)) return;
    var m = event.data || {};
    if (m.source !== "admin") return;
    if (m.id && pending.has(m.id)) {
      var p = pending.get(m.id);
      pending.delete(m.id);
      if (m.error) p.reject(new Error(m.error));
      else p.resolve(m.result);
      return;
    }
    if (m.type === "navigate") {
      // The merchant already agreed in the admin to leave unsaved changes.
      if (m.payload.confirmed) leaveConfirmed = true;
      navigate(m.payload.href);
    }
    if (m.type === "saveBarAction") saveBarAction(m.payload.id, m.payload.index);
  });

  // --- session tokens -------------------------------------------------------------------
  var cached = { token: params.get("id_token") || null, at: params.get("id_token") ? Date.now() : 0 };
  var inflight = null;
  function idToken(opts) {
    var fresh = opts && opts.fresh;
    if (!fresh && cached.token && Date.now() - cached.at < 30000) return Promise.resolve(cached.token);
    if (!inflight) {
      inflight = call("idToken")
        .then(function (t) {
          cached = { token: t, at: Date.now() };
          return t;
        })
        .finally(function () {
          inflight = null;
        });
    }
    return inflight;
  }

  // The bounce page (`/auth/session-token?shopify-reload=...`): come back with a fresh token.
  var reload = params.get("shopify-reload");
  if (reload) {
    idToken({ fresh: true }).then(function (t) {
      var u = new URL(reload, location.href);
      if (u.origin !== location.origin) return;
      u.searchParams.set("id_token", t);
      location.replace(u.toString());
    });
  }

  // --- authenticated fetch (App Bridge adds the session token to the app's own requests) --
  var nativeFetch = window.fetch.bind(window);
  var busy = 0;
  function setBusy(delta) {
    busy += delta;
    post("loading", { loading: busy > 0 });
  }
  function sameOrigin(input) {
    try {
      var u = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url, location.href);
      return u.origin === location.origin;
    } catch (_e) {
      return false;
    }
  }
  function withToken(input, init, token) {
    var headers = new Headers((init && init.headers) || (input instanceof Request ? input.headers : undefined));
    if (!headers.has("authorization")) headers.set("authorization", "Bearer " + token);
    return [input, Object.assign({}, init || {}, { headers: headers })];
  }
  window.fetch = function (input, init) {
    if (!sameOrigin(input)) return nativeFetch(input, init);
    setBusy(1);
    var retryBody = input instanceof Request ? input.clone() : input;
    return idToken()
      .then(function (t) {
        var a = withToken(input, init, t);
        return nativeFetch(a[0], a[1]);
      })
      .then(function (res) {
        if (res.status === 401 && res.headers.get("x-shopify-retry-invalid-session-request") === "1") {
          return idToken({ fresh: true }).then(function (t) {
            var a = withToken(retryBody, init, t);
            return nativeFetch(a[0], a[1]);
          });
        }
        return res;
      })
      .finally(function () {
        setBusy(-1);
      });
  };

  // --- leaving the admin -----------------------------------------------------------------
  // As App Bridge does: `window.open(url, "_top")` from the app asks the admin to open the URL
  // in the whole window (the admin navigates; an iframe may not), e.g. a Stripe onboarding link.
  var nativeOpen = window.open;
  window.open = function (url, target) {
    if (embedded && target === "_top" && url) {
      var href = new URL(String(url), location.href);
      if (href.protocol === "http:" || href.protocol === "https:") {
        post("redirect", { url: href.href });
        return null;
      }
    }
    return nativeOpen.apply(window, arguments);
  };

  // --- navigation -------------------------------------------------------------------------
  function navMenuLinks() {
    var menu = document.querySelector("ui-nav-menu");
    return menu ? Array.prototype.slice.call(menu.querySelectorAll("a[href]")) : [];
  }
  // The app routes `shopify:navigate` once it has hydrated (AppProvider's effect adds the
  // listener). A merchant's click that arrives before then waits for that listener rather than
  // being lost: the app's server-rendered page is visible well before it can route.
  var navigateListeners = 0;
  var queuedHref = null;
  var nativeAdd = window.addEventListener;
  var nativeRemove = window.removeEventListener;
  window.addEventListener = function (type) {
    var r = nativeAdd.apply(this, arguments);
    if (type === "shopify:navigate") {
      navigateListeners++;
      if (queuedHref !== null) {
        var href = queuedHref;
        queuedHref = null;
        setTimeout(function () {
          navigate(href);
        }, 0);
      }
    }
    return r;
  };
  window.removeEventListener = function (type) {
    if (type === "shopify:navigate" && navigateListeners > 0) navigateListeners--;
    return nativeRemove.apply(this, arguments);
  };
  function navigate(href) {
    if (navigateListeners === 0) {
      queuedHref = href;
      return false;
    }
    var a = navMenuLinks().find(function (l) {
      return l.getAttribute("href") === href;
    });
    var temp = null;
    if (!a) {
      temp = document.createElement("a");
      temp.setAttribute("href", href);
      temp.style.display = "none";
      document.body.appendChild(temp);
      a = temp;
    }
    // @shopify/shopify-app-remix's AppProvider navigates with Remix on this event.
    var handled = !a.dispatchEvent(new CustomEvent("shopify:navigate", { bubbles: true, cancelable: true }));
    if (temp) temp.remove();
    return handled;
  }
  function reportLocation() {
    post("location", { path: location.pathname + location.search });
  }
  ["pushState", "replaceState"].forEach(function (name) {
    var original = history[name];
    history[name] = function () {
      var r = original.apply(this, arguments);
      reportLocation();
      return r;
    };
  });
  window.addEventListener("popstate", reportLocation);

  function reportNavMenu() {
    post("navMenu", {
      items: navMenuLinks().map(function (a) {
        return { href: a.getAttribute("href"), label: (a.textContent || "").trim(), home: a.getAttribute("rel") === "home" };
      }),
    });
  }
  function reportTitleBar() {
    var bar = document.querySelector("ui-title-bar");
    post("titleBar", { title: bar ? bar.getAttribute("title") || "" : "" });
  }

  // --- ui-* elements ----------------------------------------------------------------------
  // A constructed style sheet, not a <style> element: the app hydrates the whole document,
  // and React refuses nodes it did not render.
  var sheet = new CSSStyleSheet();
  sheet.replaceSync("ui-nav-menu,ui-title-bar,ui-save-bar,ui-modal{display:none!important}");
  document.adoptedStyleSheets = document.adoptedStyleSheets.concat([sheet]);

  function define(name, cls) {
    if (!customElements.get(name)) customElements.define(name, cls);
  }
  define("ui-nav-menu", class extends HTMLElement {});
  define("ui-title-bar", class extends HTMLElement {});

  var saveBars = new Map();
  var leaveConfirmed = false;
  function anySaveBarShowing() {
    var showing = false;
    saveBars.forEach(function (el) {
      if (el.showing && el.isConnected) showing = true;
    });
    return showing;
  }
  /**
   * Before the app leaves a page by its own routing: resolves at once without unsaved
   * changes; otherwise the admin asks the merchant ("Leave page with unsaved changes?") and
   * it resolves if they leave, rejects if they stay.
   */
  function leaveConfirmation() {
    if (leaveConfirmed) {
      leaveConfirmed = false;
      return Promise.resolve();
    }
    if (!anySaveBarShowing()) return Promise.resolve();
    return call("leaveConfirmation", null, true).then(function (leave) {
      if (!leave) throw new Error("The merchant chose to stay on the page");
    });
  }
  function saveBarButtons(el) {
    return Array.prototype.slice.call(el.querySelectorAll("button"));
  }
  function saveBarAction(id, index) {
    var el = saveBars.get(id);
    var b = el && saveBarButtons(el)[index];
    if (b) b.click();
  }
  class SaveBar extends HTMLElement {
    constructor() {
      super();
      this._showing = false;
    }
    get showing() {
      return this._showing;
    }
    show() {
      return this._set(true);
    }
    hide() {
      return this._set(false);
    }
    toggle() {
      return this._set(!this._showing);
    }
    _set(on) {
      if (this._showing === on) return Promise.resolve();
      this._showing = on;
      var id = this.id || "save-bar";
      saveBars.set(id, this);
      post("saveBar", {
        id: id,
        showing: on,
        discardConfirmation: this.hasAttribute("discardconfirmation") || this.discardConfirmation === true,
        buttons: saveBarButtons(this).map(function (b) {
          return { label: (b.textContent || "").trim(), primary: b.getAttribute("variant") === "primary", disabled: b.disabled };
        }),
      });
      this.dispatchEvent(new CustomEvent(on ? "show" : "hide"));
      return Promise.resolve();
    }
    disconnectedCallback() {
      if (this._showing) this._set(false);
    }
  }
  define("ui-save-bar", SaveBar);
  define("ui-modal", class extends HTMLElement {
    show() {
      return Promise.resolve();
    }
    hide() {
      return Promise.resolve();
    }
  });

  var observer = new MutationObserver(function () {
    reportNavMenu();
    reportTitleBar();
  });
  function observe() {
    observer.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ["href", "title"] });
    reportNavMenu();
    reportTitleBar();
    reportLocation();
  }
  if (document.body) observe();
  else document.addEventListener("DOMContentLoaded", observe);

  // --- the shopify global ------------------------------------------------------------------
  window.shopify = {
    __sandbox: true,
    config: { apiKey: apiKey, shop: params.get("shop") || undefined, host: params.get("host") || undefined, locale: params.get("locale") || "en" },
    environment: { embedded: embedded, mobile: false, pos: false },
    origin: adminOrigin,
    idToken: function () {
      return idToken();
    },
    toast: {
      show: function (message, options) {
        var id = "toast-" + ++seq;
        post("toast", { id: id, message: String(message), isError: Boolean(options && options.isError), duration: (options && options.duration) || 5000 });
        return id;
      },
      hide: function (id) {
        post("toastHide", { id: id });
      },
    },
    loading: function (isLoading) {
      post("loading", { loading: isLoading !== false });
    },
    saveBar: {
      show: function (id) {
        var el = document.getElementById(id);
        return el && el.show ? el.show() : Promise.resolve();
      },
      hide: function (id) {
        var el = document.getElementById(id);
        return el && el.hide ? el.hide() : Promise.resolve();
      },
      toggle: function (id) {
        var el = document.getElementById(id);
        return el && el.toggle ? el.toggle() : Promise.resolve();
      },
      leaveConfirmation: leaveConfirmation,
    },
    modal: {
      show: function () {
        return Promise.resolve();
      },
      hide: function () {
        return Promise.resolve();
      },
    },
    user: function () {
      return call("user");
    },
    /**
     * The admin's product picker: resolves with the picked products (each with the variants
     * picked, in App Bridge's Product shape, plus the deprecated `selection`), or undefined
     * when the merchant cancels.
     */
    resourcePicker: function (options) {
      var o = options || {};
      if (o.type !== "product") return Promise.reject(new Error("the sandbox admin picks products only (type: 'product')"));
      return call(
        "resourcePicker",
        { type: o.type, action: o.action || "add", multiple: o.multiple || false, filter: o.filter || {}, query: o.query || "", selectionIds: o.selectionIds || [] },
        true,
      ).then(function (picked) {
        if (!picked) return undefined;
        picked.selection = picked.slice();
        return picked;
      });
    },
  };
  post("ready", { apiKey: apiKey });
})();
