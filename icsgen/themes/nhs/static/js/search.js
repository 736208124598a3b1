/*
 * icsgen search page: Pagefind's JavaScript API with an NHS-styled, accessible interface.
 *
 * - The query and the kind filter live in the address (?q=...&kind=...): results can be linked,
 *   bookmarked and reloaded; the browser's back button goes back to the last query.
 * - The number of results is written into a role="status" element (a polite live region), so screen
 *   readers announce it; results are plain links in a list, in the page's tab order.
 * - Every word shown comes from the page (data-words, from partials/search-words.html: the theme's
 *   words in the page's language), so this script holds none of its own. A word that counts has a
 *   form for each plural form of the language, chosen with Intl.PluralRules; dates are written with
 *   the theme's month names and date order, as the pages' own dates are.
 * - Pagefind's excerpts come back with the matched words in <mark>; everything else is put into the
 *   page as text, never as HTML.
 * - A region's index is cut into shards (pagefind/0/, 1/, ...: see build/search.py), merged here with
 *   Pagefind's mergeIndex; the hub's page loads every region's (data-indexes) and groups the results
 *   by region. Pagefind searches each merged index alone, and one that lacks a searched word answers
 *   anyway (for the other words, or for a shorter word the searched one starts with): `keepWhole`
 *   drops those answers, so the results are the same however the indexes are cut.
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-search]");
  var form = document.querySelector("[data-search-form]");
  var status = document.querySelector("[data-search-status]");
  var fallback = document.querySelector("[data-search-nojs]");
  if (!root || !form || !status) {
    return;
  }
  var words = JSON.parse(root.getAttribute("data-words"));
  var indexes = JSON.parse(root.getAttribute("data-indexes"));
  var results = root.querySelector("[data-search-results]");
  var input = form.querySelector("input[name=q]");
  var names = {};
  indexes.forEach(function (index) {
    names[index.id] = index.name;
  });
  var grouped = indexes.length > 1;
  var lang = document.documentElement.lang || "en-GB";
  var plurals = null;
  try {
    plurals = new Intl.PluralRules(lang);
  } catch (error) {
    plurals = null; // a browser without it, or an unknown tag: the 'other' form
  }
  var LIMIT = 50;
  var loading = null;
  var latest = 0;

  fallback.hidden = true; // JavaScript runs: the notice that search needs it does not apply
  root.hidden = false;

  function say(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }

  // a word with plural forms ({one: ..., other: ...}) in the form `count` takes in the page's language
  function counted(forms, count) {
    if (typeof forms === "string") {
      return forms;
    }
    var form = plurals ? plurals.select(count) : "other";
    return forms[form] || forms.other || "";
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function shardCount(index) {
    // pagefind/shards.json says how many shards (pagefind/0/, 1/, ...) the region's index is cut into
    return fetch(new URL(index.shards, document.baseURI).href).then(function (response) {
      return response.ok ? response.json() : { shards: 1 };
    }).then(function (said) {
      var count = Number(said && said.shards);
      return count >= 1 && count <= 4096 ? Math.floor(count) : 1;
    }, function () {
      return 1;
    });
  }

  function folderOf(index) {
    return new URL("./", new URL(index.shards, document.baseURI)).href;
  }

  function pagefind() {
    if (!loading) {
      var counts = Promise.all(indexes.map(shardCount));
      loading = import(new URL("0/pagefind.js", folderOf(indexes[0])).href).then(function (module) {
        // an instance of its own, in playground mode: each result names the words it matched (`keepWhole`)
        var api = module.createInstance({});
        var own = { excerptLength: 30 };
        if (indexes[0].base) {
          own.baseUrl = indexes[0].base; // a region on its own domain: its results link there
        }
        return Promise.all([api.options(own), counts]).then(function (done) {
          var merging = [];
          indexes.forEach(function (index, i) {
            for (var shard = i === 0 ? 1 : 0; shard < done[1][i]; shard += 1) {
              merging.push(api.mergeIndex(new URL(shard + "/", folderOf(index)).href,
                index.base ? { baseUrl: index.base } : {}).catch(function () {
                return null; // a region with no pages to find has an index Pagefind cannot load: none lost
              }));
            }
          });
          return Promise.all(merging);
        }).then(function () {
          return api.enterPlaygroundMode(); // after merging: it applies to the indexes merged so far
        }).then(function () {
          return api;
        });
      });
      loading.catch(function () {
        loading = null; // a failed load is tried again by the next search
      });
    }
    return loading;
  }

  // Pagefind searches each merged index (a shard of a region; on the hub, every region's) alone, and an
  // index that lacks a searched word still answers: for the other words, or for the longest word it has
  // that the searched one starts with ("care" for "carers"). So the results are those one index of all the
  // pages searched would give: a result is kept only if each searched word, as Pagefind stemmed it
  // (search_keywords), begins a word the result matched (scores[].search_term); where no result has such
  // a word, no index has it, and one index would answer for the longest word it has that the searched one
  // starts with: the results that matched that word (or all, if none did) are kept.
  // A quoted search ("...") matches exact words only, where no shard answers for another: all are kept.
  function keepWhole(found) {
    var stems = found.search_keywords || [];
    var all = found.results;
    function matched(result) {
      return (result.scores || []).map(function (score) {
        return String(score.search_term);
      });
    }
    var rules = stems.map(function (stem) {
      var extended = false;
      var nearest = 0;
      all.forEach(function (result) {
        matched(result).forEach(function (word) {
          if (word.indexOf(stem) === 0) {
            extended = true;
          } else if (stem.indexOf(word) === 0 && word.length > nearest) {
            nearest = word.length;
          }
        });
      });
      return function (word) {
        if (extended) {
          return word.indexOf(stem) === 0;
        }
        return !nearest || (word.length === nearest && stem.indexOf(word) === 0);
      };
    });
    return all.filter(function (result) {
      var words = matched(result);
      return !result.scores || rules.every(function (rule) {
        return words.some(rule);
      });
    });
  }

  function chosenKind() {
    var checked = form.querySelector("input[name=kind]:checked");
    return checked ? checked.value : "";
  }

  function fromAddress() {
    var params = new URLSearchParams(window.location.search);
    input.value = params.get("q") || "";
    var kind = params.get("kind") || "";
    var radio = form.querySelector("input[name=kind][value='" + (/^[a-z-]*$/.test(kind) ? kind : "") + "']");
    if (radio) {
      radio.checked = true;
    }
  }

  function toAddress() {
    var params = new URLSearchParams();
    params.set("q", input.value);
    if (chosenKind()) {
      params.set("kind", chosenKind());
    }
    var address = window.location.pathname + "?" + params.toString();
    if (address !== window.location.pathname + window.location.search) {
      window.history.pushState(null, "", address);
    }
  }

  function excerpt(text) {
    var paragraph = element("p", "app-search-result__excerpt");
    var marked = false;
    String(text || "").split(/(<mark>|<\/mark>)/).forEach(function (part) {
      if (part === "<mark>") {
        marked = true;
      } else if (part === "</mark>") {
        marked = false;
      } else if (part) {
        paragraph.appendChild(marked ? element("mark", "", part) : document.createTextNode(part));
      }
    });
    return paragraph;
  }

  function longDate(iso) {
    var parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    if (!parts) {
      return "";
    }
    var month = (words.months || [])[+parts[2] - 1];
    if (!month) {
      return iso;
    }
    return say(words.date, { day: +parts[3], month: month, year: +parts[1] });
  }

  function size(bytes) {
    var n = Number(bytes);
    if (!isFinite(n) || n <= 0) {
      return "";
    }
    if (n < 1000 * 1000) {
      return say(words.size_kb, { size: Math.max(1, Math.round(n / 1000)) });
    }
    return say(words.size_mb, { size: Math.round(n / 100000) / 10 });
  }

  function details(meta) {
    var kind = meta.kind || "page";
    var bits = [words["label_" + kind] || words.label_page];
    if (kind === "document") {
      if (meta.type) {
        bits.push(meta.type);
      }
      if (size(meta.size)) {
        bits.push(size(meta.size));
      }
      if (meta.pages) {
        bits.push(say(counted(words.pages, Number(meta.pages)), { count: meta.pages }));
      }
    }
    if (meta.section) {
      bits.push(meta.section);
    }
    if (meta.date && longDate(meta.date)) {
      bits.push(longDate(meta.date));
    }
    return element("p", "app-search-result__meta", bits.join(" · "));
  }

  function item(data, heading) {
    var meta = data.meta || {};
    var li = element("li", "app-search-result");
    var title = element(heading, "app-search-result__title");
    var link = element("a", "", meta.title || data.url);
    link.href = data.url;
    title.appendChild(link);
    li.appendChild(title);
    li.appendChild(details(meta));
    li.appendChild(excerpt(data.excerpt));
    return li;
  }

  function show(query, found, total) {
    results.replaceChildren();
    var count = total === 0 ? words.count_none : counted(words.results, total);
    var message = say(count, { count: total, query: query });
    if (total > found.length) {
      message += " " + say(words.count_shown, { shown: found.length });
    }
    status.textContent = message;
    if (total === 0) {
      results.appendChild(element("p", "", words.none_help));
      return;
    }
    if (!grouped) {
      var list = element("ol", "app-search-results");
      found.forEach(function (data) {
        list.appendChild(item(data, "h2"));
      });
      results.appendChild(list);
      return;
    }
    var groups = {};
    found.forEach(function (data) {
      var region = (data.meta && data.meta.region) || "";
      (groups[region] = groups[region] || []).push(data);
    });
    indexes.forEach(function (index) {
      var mine = groups[index.id];
      if (!mine) {
        return;
      }
      var heading = element("h2", "", say(words.region_results, { name: index.name, count: mine.length }));
      heading.id = "results-" + index.id;
      results.appendChild(heading);
      var list = element("ol", "app-search-results");
      list.setAttribute("aria-labelledby", heading.id);
      mine.forEach(function (data) {
        list.appendChild(item(data, "h3"));
      });
      results.appendChild(list);
    });
  }

  function failed() {
    results.replaceChildren();
    status.textContent = words.error;
    results.appendChild(element("p", "", words.error_help));
    fallback.hidden = false;
    var notice = fallback.querySelector("p");
    if (notice) {
      notice.hidden = true; // JavaScript did run: only the A to Z link applies
    }
  }

  function search() {
    var query = input.value.trim();
    var kind = chosenKind();
    var ticket = ++latest;
    if (!query) {
      results.replaceChildren();
      status.textContent = "";
      return;
    }
    status.textContent = words.searching;
    pagefind().then(function (api) {
      return api.search(query, kind ? { filters: { kind: kind } } : {});
    }).then(function (found) {
      if (!found) {
        return null; // a newer search replaced this one while it ran
      }
      var kept = keepWhole(found);
      return Promise.all(kept.slice(0, LIMIT).map(function (result) {
        return result.data();
      })).then(function (data) {
        if (ticket === latest) {
          fallback.hidden = true;
          show(query, data, kept.length);
        }
      });
    }).catch(function () {
      if (ticket === latest) {
        failed();
      }
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    toAddress();
    search();
  });
  form.addEventListener("change", function (event) {
    if (event.target && event.target.name === "kind") {
      toAddress();
      search();
    }
  });
  window.addEventListener("popstate", function () {
    fromAddress();
    search();
  });

  fromAddress();
  search();
})();
