/*
 * The sandbox admin frame's side of App Bridge: answers the embedded app's requests
 * (session tokens, user, the resource picker, leave confirmations) and shows what it asks
 * for (toasts, loading bar, save bar, its navigation menu and title), keeping the admin URL
 * in step with the app's location. While the app shows its save bar, leaving the page from
 * the admin's navigation asks first, as Shopify admin does.
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
  var saveBarShowing = false;
  var menuToggle = document.getElementById("menu-toggle");
  var frameEl = document.querySelector(".frame");
  if (menuToggle) {
    menuToggle.addEventListener("click", function () {
      var open = !frameEl.classList.contains("nav-open");
      frameEl.classList.toggle("nav-open", open);
      menuToggle.setAttribute("aria-expanded", String(open));
    });
  }
  function closeNav() {
    frameEl.classList.remove("nav-open");
    if (menuToggle) menuToggle.setAttribute("aria-expanded", "false");
  }

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
        closeNav();
        leaveGuard(function (confirmed) {
          send("navigate", { href: it.href, confirmed: confirmed });
        });
      });
      li.appendChild(a);
      menu.appendChild(li);
    });
    markActive();
  }

  appHome.addEventListener("click", function (e) {
    e.preventDefault();
    closeNav();
    var home = items.find(function (i) {
      return i.home;
    });
    leaveGuard(function (confirmed) {
      send("navigate", { href: home ? home.href : "/app", confirmed: confirmed });
    });
  });

  // --- dialogs ---------------------------------------------------------------------------
  var modalRoot = document.getElementById("modal-root");
  /**
   * A modal dialog like Shopify admin's: title, text, a secondary and a primary (or
   * critical) button. `onClose(true)` for the primary, `onClose(false)` for the other, the
   * close button, Escape or a click outside.
   */
  function dialog(o, onClose) {
    modalRoot.innerHTML = "";
    var backdrop = document.createElement("div");
    backdrop.className = "modal-backdrop";
    var box = document.createElement("div");
    box.className = "modal" + (o.wide ? " modal-wide" : "");
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-modal", "true");
    box.setAttribute("aria-labelledby", "modal-title");
    var head = document.createElement("div");
    head.className = "modal-head";
    var h = document.createElement("h2");
    h.id = "modal-title";
    h.textContent = o.title;
    var x = document.createElement("button");
    x.type = "button";
    x.className = "modal-close";
    x.setAttribute("aria-label", "Close");
    x.textContent = "×";
    head.appendChild(h);
    head.appendChild(x);
    var body = document.createElement("div");
    body.className = "modal-body";
    if (o.body) body.appendChild(o.body);
    else {
      var p = document.createElement("p");
      p.textContent = o.text;
      body.appendChild(p);
    }
    var foot = document.createElement("div");
    foot.className = "modal-foot";
    var note = document.createElement("span");
    note.className = "modal-note";
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "btn";
    cancel.textContent = o.cancel;
    var ok = document.createElement("button");
    ok.type = "button";
    ok.className = o.critical ? "btn btn-critical" : "btn btn-primary";
    ok.textContent = o.ok;
    foot.appendChild(note);
    foot.appendChild(cancel);
    foot.appendChild(ok);
    box.appendChild(head);
    box.appendChild(body);
    box.appendChild(foot);
    backdrop.appendChild(box);
    modalRoot.appendChild(backdrop);
    var done = false;
    function close(result) {
      if (done) return;
      done = true;
      document.removeEventListener("keydown", onKey);
      modalRoot.innerHTML = "";
      onClose(result);
    }
    function onKey(e) {
      if (e.key === "Escape") close(false);
    }
    document.addEventListener("keydown", onKey);
    x.addEventListener("click", function () {
      close(false);
    });
    cancel.addEventListener("click", function () {
      close(false);
    });
    ok.addEventListener("click", function () {
      if (!ok.disabled) close(true);
    });
    backdrop.addEventListener("click", function (e) {
      if (e.target === backdrop) close(false);
    });
    (o.focus || ok).focus();
    return { ok: ok, note: note };
  }

  function askLeave(then) {
    dialog(
      { title: "Leave page with unsaved changes?", text: "Leaving this page will delete all unsaved changes.", cancel: "Stay", ok: "Leave page", critical: true },
      then,
    );
  }

  /** Runs `go(true)` after the merchant agreed to lose unsaved changes, or `go(false)` at once when there are none. */
  function leaveGuard(go) {
    if (!saveBarShowing) return go(false);
    askLeave(function (leave) {
      if (leave) go(true);
    });
  }

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
    saveBarShowing = Boolean(p.showing);
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
        if (!o.b.primary && p.discardConfirmation) {
          dialog(
            {
              title: "Discard all unsaved changes",
              text: "If you discard changes, you'll delete any edits you made since you last saved.",
              cancel: "Continue editing",
              ok: "Discard changes",
              critical: true,
            },
            function (discard) {
              if (discard) send("saveBarAction", { id: p.id, index: o.i });
            },
          );
          return;
        }
        send("saveBarAction", { id: p.id, index: o.i });
      });
      savebarActions.appendChild(btn);
    });
    savebar.hidden = false;
    topbar.hidden = true;
  }

  // --- resource picker (products) ----------------------------------------------------------
  /**
   * Shopify's product picker, as an admin dialog: search, products with their variants,
   * several or one (`multiple`), preselected `selectionIds`. Answers the picked products,
   * each with only the variants picked (App Bridge's Product shape, from /api/resource-picker),
   * or null when canceled.
   */
  function openPicker(opts, answer) {
    var filter = opts.filter || {};
    var showVariants = filter.variants !== false;
    var picked = new Map(); // product id -> Set of variant ids
    var preselected = opts.selectionIds || [];
    var products = [];
    var query = opts.query || "";

    var wrap = document.createElement("div");
    wrap.className = "picker";
    var search = document.createElement("input");
    search.type = "search";
    search.className = "picker-search";
    search.placeholder = "Search products";
    search.setAttribute("aria-label", "Search products");
    search.value = query;
    var list = document.createElement("div");
    list.className = "picker-list";
    list.setAttribute("role", "list");
    list.textContent = "Loading products…";
    wrap.appendChild(search);
    wrap.appendChild(list);

    var verb = opts.action === "select" ? "Select" : "Add";
    var d = dialog({ title: verb + " products", body: wrap, cancel: "Cancel", ok: verb, wide: true, focus: search }, function (ok) {
      if (!ok) return answer(null);
      var out = [];
      products.forEach(function (p) {
        var vs = picked.get(p.id);
        if (!vs || vs.size === 0) return;
        var copy = JSON.parse(JSON.stringify(p));
        copy.variants = copy.variants.filter(function (v) {
          return vs.has(v.id);
        });
        out.push(copy);
      });
      answer(out);
    });

    function count() {
      var n = 0;
      picked.forEach(function (vs) {
        if (vs.size) n++;
      });
      d.note.textContent = n === 1 ? "1 product selected" : n + " products selected";
      d.ok.disabled = n === 0;
    }
    function allVariants(p) {
      return new Set(
        p.variants.map(function (v) {
          return v.id;
        }),
      );
    }
    function setProduct(p, on) {
      if (on && !opts.multiple) picked.clear();
      if (on) picked.set(p.id, allVariants(p));
      else picked.delete(p.id);
    }
    function setVariant(p, v, on) {
      if (on && !opts.multiple && !picked.has(p.id)) picked.clear();
      var vs = picked.get(p.id) || new Set();
      if (on) vs.add(v.id);
      else vs.delete(v.id);
      if (vs.size) picked.set(p.id, vs);
      else picked.delete(p.id);
    }
    function stock(n, tracked) {
      return tracked ? n + " available" : "Not tracked";
    }
    function render() {
      var q = search.value.trim().toLowerCase();
      list.innerHTML = "";
      var shown = products.filter(function (p) {
        if (filter.draft === false && p.status === "DRAFT") return false;
        if (filter.archived === false && p.status === "ARCHIVED") return false;
        if (!q) return true;
        return [p.title, p.handle, p.vendor].concat(p.variants.map(function (v) { return v.sku || ""; })).some(function (t) {
          return String(t).toLowerCase().indexOf(q) >= 0;
        });
      });
      if (!shown.length) {
        var empty = document.createElement("p");
        empty.className = "picker-empty";
        empty.textContent = "No products match “" + search.value + "”.";
        list.appendChild(empty);
      }
      shown.forEach(function (p) {
        var vs = picked.get(p.id);
        var row = document.createElement("label");
        row.className = "picker-product";
        row.setAttribute("role", "listitem");
        var box = document.createElement("input");
        box.type = "checkbox";
        box.checked = Boolean(vs && vs.size === p.variants.length);
        box.indeterminate = Boolean(vs && vs.size > 0 && vs.size < p.variants.length);
        box.setAttribute("aria-label", p.title + " (" + p.vendor + ", " + p.handle + ")");
        box.addEventListener("change", function () {
          setProduct(p, box.checked);
          render();
        });
        var img = document.createElement("img");
        img.className = "picker-thumb";
        img.alt = "";
        img.src = p.images[0] ? p.images[0].originalSrc : "data:,";
        var text = document.createElement("span");
        text.className = "picker-text";
        var title = document.createElement("span");
        title.className = "picker-title";
        title.textContent = p.title;
        var sub = document.createElement("span");
        sub.className = "picker-sub";
        sub.textContent = p.vendor + " · " + p.handle + (p.status !== "ACTIVE" ? " · " + p.status.toLowerCase() : "");
        text.appendChild(title);
        text.appendChild(sub);
        var right = document.createElement("span");
        right.className = "picker-stock";
        right.textContent = stock(p.totalInventory, p.tracksInventory);
        row.appendChild(box);
        row.appendChild(img);
        row.appendChild(text);
        row.appendChild(right);
        list.appendChild(row);
        if (!showVariants || p.hasOnlyDefaultVariant) return;
        p.variants.forEach(function (v) {
          var vrow = document.createElement("label");
          vrow.className = "picker-variant";
          var vbox = document.createElement("input");
          vbox.type = "checkbox";
          vbox.checked = Boolean(vs && vs.has(v.id));
          vbox.setAttribute("aria-label", p.title + " — " + v.title);
          vbox.addEventListener("change", function () {
            setVariant(p, v, vbox.checked);
            render();
          });
          var vt = document.createElement("span");
          vt.className = "picker-text";
          vt.textContent = v.title;
          var vs2 = document.createElement("span");
          vs2.className = "picker-stock";
          vs2.textContent = stock(v.inventoryQuantity, v.inventoryManagement === "SHOPIFY") + " · $" + v.price;
          vrow.appendChild(vbox);
          vrow.appendChild(vt);
          vrow.appendChild(vs2);
          list.appendChild(vrow);
        });
      });
      count();
    }
    search.addEventListener("input", render);
    fetch("/api/resource-picker?query=")
      .then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      })
      .then(function (body) {
        products = body.products;
        preselected.forEach(function (sel) {
          var p = products.find(function (x) {
            return x.id === sel.id;
          });
          if (!p) return;
          var ids = sel.variants && sel.variants.length ? sel.variants.map(function (v) { return v.id; }) : null;
          picked.set(p.id, ids ? new Set(ids) : allVariants(p));
        });
        render();
      })
      .catch(function (err) {
        list.textContent = "Products could not be loaded: " + err.message;
      });
    count();
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
      case "redirect":
        if (/^https?:\/\//.test(p.url || "")) window.location.assign(p.url);
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
      case "leaveConfirmation":
        if (!saveBarShowing) send("leaveConfirmation", null, m.id, true);
        else
          askLeave(function (leave) {
            send("leaveConfirmation", null, m.id, leave);
          });
        break;
      case "resourcePicker":
        openPicker(p, function (result) {
          send("resourcePicker", null, m.id, result);
        });
        break;
      default:
        break;
    }
  });
})();
