// Live sharing: a new publication shows up on any open page without reloading.
(function () {
  if (!window.EventSource) return;
  const source = new EventSource("/events");
  const kinds = { published: "新材料", revised: "材料修订", request: "需求进展" };
  function show(event) {
    const data = JSON.parse(event.data);
    const banner = document.getElementById("live-banner");
    const link = data.material_id ? "/materials/" + data.material_id : "/requests";
    banner.innerHTML = "";
    const strong = document.createElement("strong");
    strong.textContent = (kinds[data.kind] || data.kind) + "：";
    const a = document.createElement("a");
    a.href = link; a.textContent = data.title; a.className = "live-title";
    banner.append(strong, a);
    banner.style.display = "block";
    const list = document.getElementById("latest");
    // A material the page already lists (announced after a bulk ingest) is not added twice.
    if (list && data.kind === "published" && !list.querySelector('a[href="' + link + '"]')) {
      // Same shape as the server's cards; whether it is readable shows after a reload.
      const card = document.createElement("div");
      card.className = "card live-card";
      const title = document.createElement("a");
      title.href = link;
      const strong = document.createElement("strong");
      strong.textContent = data.title;
      title.append(strong);
      const tag = document.createElement("span");
      tag.className = "tag ok"; tag.textContent = "刚刚发布";
      const meta = document.createElement("div");
      meta.className = "meta"; meta.textContent = "发布于 " + data.at.slice(0, 10);
      card.append(title, document.createTextNode(" "), tag, meta);
      list.prepend(card);
    }
  }
  for (const kind of Object.keys(kinds)) source.addEventListener(kind, show);
  // The page's connection state, for people (and tests) who need to know the stream is live.
  source.addEventListener("hello", () => { document.documentElement.dataset.live = "connected"; });
  source.addEventListener("error", () => { document.documentElement.dataset.live = "reconnecting"; });
})();
