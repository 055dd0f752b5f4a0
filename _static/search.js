/* The search page's answers, from the Pagefind index (_ext/search.py, _templates/search.html).
 * Pagefind's script loads only the parts of the index a query needs. Its results come as page
 * addresses from the site's root: they are made relative to this page (at the root), so the site
 * works in any folder. A profile's result shows its role, organisation and country, labelled. */
(() => {
  "use strict";
  const form = document.querySelector("form.pagefind-search");
  if (!form) return;
  const input = form.querySelector("input[name=q]");
  const status = document.getElementById("pagefind-status");
  const list = document.getElementById("pagefind-results");
  const PAGE = 10; // results shown at a time (each loads a fragment of the index)
  const bundle = new URL(form.dataset.bundle, location.href);
  let pagefind = null;
  let latest = 0; // the newest query: an older one that answers late is dropped

  const element = (tag, className, text) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  };

  async function engine() {
    if (!pagefind) {
      pagefind = await import(bundle.href);
      // Addresses from the site's root, where the bundle's folder is.
      await pagefind.options({ baseUrl: new URL("..", bundle).pathname, excerptLength: 24 });
    }
    return pagefind;
  }

  function render(data) {
    const item = element("li", "pagefind-result");
    const heading = element("h2", "pagefind-result-title");
    const link = element("a", "", data.meta.title || data.url);
    // Relative to this page, which is at the site's root.
    link.href = new URL(data.url, location.href).href;
    heading.append(link);
    item.append(heading);
    // A profile's facts, labelled by the build ("Role: ..."), as fact-1, fact-2...
    const facts = [];
    for (let number = 1; data.meta[`fact-${number}`]; number++) facts.push(data.meta[`fact-${number}`]);
    if (facts.length) {
      const line = element("ul", "pagefind-result-facts");
      for (const fact of facts) line.append(element("li", "", fact));
      item.append(line);
    }
    const excerpt = element("p", "pagefind-result-excerpt");
    excerpt.innerHTML = data.excerpt; // Pagefind's: the page's text, escaped, with <mark> around the words found
    item.append(excerpt);
    return item;
  }

  async function show(results, from, query, id) {
    const shown = await Promise.all(results.slice(from, from + PAGE).map((result) => result.data()));
    if (id !== latest) return;
    list.querySelector(".pagefind-more")?.remove();
    for (const data of shown) list.append(render(data));
    if (results.length > from + PAGE) {
      const more = element("li", "pagefind-more");
      const button = element("button", "", "Show more results");
      button.type = "button";
      button.addEventListener("click", async () => {
        const next = from + PAGE;
        await show(results, next, query, id);
        list.children[next]?.querySelector("a")?.focus();
      });
      more.append(button);
      list.append(more);
    }
  }

  async function search(query) {
    const id = ++latest;
    list.replaceChildren();
    if (!query.trim()) {
      status.textContent = "";
      return;
    }
    status.textContent = "Searching…";
    try {
      const found = await (await engine()).search(query);
      if (id !== latest) return;
      await show(found.results, 0, query, id);
      if (id !== latest) return;
      // Once the results are shown: screen readers announce it (role="status").
      const count = found.results.length;
      status.textContent = count
        ? `${count} ${count === 1 ? "page" : "pages"} found for “${query}”.`
        : `No page found for “${query}”. Try another spelling, or fewer words.`;
    } catch (error) {
      if (id === latest) status.textContent = `The search could not load (${error.message}). Every profile is listed in the gallery.`;
    }
  }

  function fromAddress() {
    const query = new URLSearchParams(location.search).get("q") || "";
    // The sidebar's box too, as Sphinx's search fills it.
    for (const box of document.querySelectorAll("input[name=q]")) box.value = query;
    search(query);
  }

  // The address keeps the query, so that a result's page leads back to it.
  function go(query) {
    const address = new URL(location.href);
    address.search = query ? `?q=${encodeURIComponent(query)}` : "";
    history.replaceState(null, "", address);
    search(query);
  }

  let typing;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(typing);
    go(input.value);
  });
  input.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(() => go(input.value), 300);
  });
  fromAddress();
})();
