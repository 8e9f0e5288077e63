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
    if (list && data.kind === "published") {
      const card = document.createElement("div");
      card.className = "card live-card";
      const title = document.createElement("a");
      title.href = link; title.textContent = data.title;
      const tag = document.createElement("span");
      tag.className = "tag"; tag.textContent = "刚刚发布";
      card.append(tag, title);
      list.prepend(card);
    }
  }
  for (const kind of Object.keys(kinds)) source.addEventListener(kind, show);
})();
